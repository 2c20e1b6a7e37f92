"""What every case command shares: which database, who is acting, and how to print."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

from darkrange.case._access import Actor
from darkrange.errors import InputError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Case database: a SQLite file or a URL (default: DARKRANGE_DATABASE_URL, "
        "else ~/.local/share/darkrange/cases.db).",
    ),
]
User = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Act as this user (default: DARKRANGE_USER); password from DARKRANGE_PASSWORD "
        "or a prompt.",
    ),
]
Why = Annotated[str, typer.Option("--justification", "-j", help="Why (logged in the audit log).")]


def password(prompt: str, env: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise InputError(f"no password: set {env} or run in a terminal")
    return str(typer.prompt(prompt, hide_input=True))


def who(user: str | None) -> str:
    name = user or os.environ.get("DARKRANGE_USER", "")
    if not name:
        raise InputError("say who you are: --user NAME or DARKRANGE_USER")
    return name


@contextmanager
def store(db: str | None) -> Iterator[object]:
    from darkrange.case._migrate import require_current
    from darkrange.case._store import Store

    opened = Store.open(db)
    try:
        require_current(opened)
        yield opened
    finally:
        opened.close()


@contextmanager
def acting(db: str | None, user: str | None) -> Iterator[Actor]:
    """Authenticate (argon2, outside any lock), then one unit of work as that user."""
    from darkrange.case._store import Store
    from darkrange.case._users import authenticate

    name = who(user)
    secret = password(f"password for {name}", "DARKRANGE_PASSWORD")
    with store(db) as opened:
        assert isinstance(opened, Store)
        with opened.session() as session:
            authenticate(session, name, secret)
        with opened.acting(name) as actor:
            yield actor


def table(rows: Sequence[Sequence[object]], header: tuple[str, ...]) -> None:
    from rich.table import Table

    shown = Table(*header, show_lines=False, highlight=False)
    for row in rows:
        shown.add_row(*("" if v is None else str(v) for v in row))
    out.print(shown)
