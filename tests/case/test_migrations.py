"""Migrations: up from empty on SQLite and PostgreSQL give exactly the models' schema, down
and up again work, and the toolkit refuses a database that is behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from darkrange.case import Store, current, head, require_current, upgrade
from darkrange.case._model import metadata
from darkrange.case._schema_log import GENESIS
from darkrange.errors import StateError


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'empty.db'}")
    return Store(request.getfixturevalue("pg_database"))


def test_upgrade_from_empty_matches_the_models(empty: Store) -> None:
    assert current(empty) is None
    with pytest.raises(StateError, match="not set up"):
        require_current(empty)
    assert upgrade(empty) == head()
    require_current(empty)
    with empty.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        heads = conn.execute(text("SELECT name, seq, hash FROM chain_heads")).all()
    assert diff == []
    assert [tuple(h) for h in heads] == [("audit", 0, GENESIS)]
    assert set(inspect(empty.engine).get_table_names()) >= {"audit_log", "custody_log", "cases"}
    assert upgrade(empty) == head()  # a second upgrade is a no-op
    empty.close()


def test_downgrade_and_upgrade_again(empty: Store) -> None:
    from alembic import command

    from darkrange.case._migrate import _config

    upgrade(empty)
    config = _config()
    with empty.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert "audit_log" not in inspect(empty.engine).get_table_names()
    assert upgrade(empty) == head()
    empty.close()
