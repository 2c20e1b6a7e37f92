"""Migrations with Alembic, run in process on the store's own engine."""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from darkrange.case._store import MIGRATIONS, Store
from darkrange.errors import StateError


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, target: str = "head") -> str:
    """Bring the database to `target` (head by default); returns the revision it is at."""
    config = _config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)
    revision = current(store)
    return revision or ""


def require_current(store: Store) -> None:
    """Refuse to work on a database that is not at the code's revision."""
    at = current(store)
    if at != head():
        state = "not set up" if at is None else f"at revision {at}, the code wants {head()}"
        raise StateError(f"case database {store.where} is {state}: run `darkrange case db upgrade`")
