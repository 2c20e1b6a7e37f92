"""Where cases live: the database URL, the engine, migrations, and a user's unit of work.

SQLite file by default (`~/.local/share/darkrange/cases.db`), PostgreSQL when
`DARKRANGE_DATABASE_URL` (or `--db`) says so. Every unit of work is one transaction that first
takes the audit chain's head: `BEGIN IMMEDIATE` on SQLite, `SELECT ... FOR UPDATE` on
PostgreSQL, so concurrent writers append to the audit log one at a time and none is lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from darkrange.case._access import Actor
from darkrange.case._clock import Clock, SystemClock
from darkrange.case._schema_case import User
from darkrange.case._schema_log import ChainHead
from darkrange.errors import InputError, StateError

ENV_URL = "DARKRANGE_DATABASE_URL"
MIGRATIONS = Path(__file__).with_name("migrations")


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "darkrange" / "cases.db"


def resolve_url(db: str | Path | None = None) -> str:
    """`--db` (a file or a URL), else DARKRANGE_DATABASE_URL, else the default SQLite file."""
    text = str(db) if db is not None else os.environ.get(ENV_URL, "")
    if not text:
        text = str(default_path())
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        if not path.parent.is_dir():
            if db is not None:
                raise InputError(f"{path.parent}: no such folder for the case database")
            path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if text.startswith(("postgresql://", "postgres://")):
        text = "postgresql+psycopg://" + text.split("://", 1)[1]
    if not text.startswith(("sqlite://", "postgresql+psycopg://")):
        raise InputError(
            f"unsupported database URL {text.split('://')[0]}://: use sqlite or postgresql"
        )
    return text


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # take the write lock at once: two writers never both read the same chain head
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url)
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_size=16, max_overflow=8)


class Store:
    """One case database: its engine, its clock, and units of work for a user."""

    def __init__(self, url: str, clock: Clock | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.clock: Clock = clock or SystemClock()
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, db: str | Path | None = None, clock: Clock | None = None) -> Store:
        return cls(resolve_url(db), clock)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def where(self) -> str:
        """The URL without a password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A plain transaction, committed at the end, rolled back on any error."""
        try:
            with self.sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise StateError(f"case database {self.where}: {exc.orig}") from None

    @contextmanager
    def locked(self) -> Iterator[Session]:
        """A transaction holding the audit chain's head: writers go one at a time."""
        with self.session() as session:
            head = session.execute(
                select(ChainHead).where(ChainHead.name == "audit").with_for_update()
            ).scalar_one_or_none()
            if head is None:
                raise StateError(
                    f"case database {self.where} is not set up: run `darkrange case db upgrade`"
                )
            yield session

    @contextmanager
    def acting(self, username: str) -> Iterator[Actor]:
        """A unit of work by a named user (already authenticated by the caller)."""
        with self.locked() as session:
            yield Actor(session, self.user(session, username), self.clock)

    def user(self, session: Session, username: str) -> User:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None or not user.active:
            raise InputError(f"no active user {username!r}")
        return user


def database_error(exc: SQLAlchemyError) -> StateError:
    return StateError(f"case database error: {exc.__class__.__name__}: {exc}")
