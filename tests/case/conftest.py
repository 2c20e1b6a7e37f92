"""Case tests run on SQLite and on PostgreSQL (DARKRANGE_TEST_POSTGRES_URL, set by CI through
.ci/postgres.sh); each test gets a fresh, migrated database and a clock it can move."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import create_engine, text

from darkrange.case import (
    ManualClock,
    Store,
    add_member,
    add_user,
    bootstrap_admin,
    create_case,
    upgrade,
    use_hasher,
)

PG_ENV = "DARKRANGE_TEST_POSTGRES_URL"
PASSWORD = "correct horse battery"
START = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
_names = itertools.count()

# the full argon2 cost makes each hash take about a second on a busy 2-core runner; stored
# hashes name their own cost, so verification is the same code either way
use_hasher(PasswordHasher.from_parameters(CHEAPEST))


def postgres_url() -> str:
    url = os.environ.get(PG_ENV, "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: CI must start PostgreSQL with .ci/postgres.sh")
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (see .ci/postgres.sh)")
    return url


def _admin_engine() -> Any:
    return create_engine(postgres_url(), isolation_level="AUTOCOMMIT")


def _base_url() -> str:
    return postgres_url().rsplit("/", 1)[0]


def _seed(url: str) -> None:
    """Migrate an empty database and add one user per role."""
    seeded = Store(url, ManualClock(START))
    upgrade(seeded)
    with seeded.session() as session:
        bootstrap_admin(session, seeded.clock, "root", PASSWORD)
    with seeded.acting("root") as admin:
        for name, role in USERS.items():
            if role != "admin":
                add_user(admin, name, role, PASSWORD)
    seeded.close()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A seeded PostgreSQL database that each test's database is cloned from."""
    name = f"darkrange_tpl{os.getpid()}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _seed(f"{_base_url()}/{name}")
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; dropped afterwards."""
    name = f"darkrange_t{os.getpid()}_{next(_names)}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{_base_url()}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "cases.db"
    _seed(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated case database with users of every role (password PASSWORD), cloned from a
    seeded template so each test starts alike and fast."""
    admin = None
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "cases.db")
        url = f"sqlite:///{tmp_path / 'cases.db'}"
    else:
        source = request.getfixturevalue("pg_template")
        name = f"darkrange_t{os.getpid()}_{next(_names)}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        url = f"{_base_url()}/{name}"
    opened = Store(url, ManualClock(START))
    yield opened
    opened.close()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# one user per role, plus a second supervisor and analyst for four-eyes and need-to-know tests
USERS = {
    "root": "admin",
    "ana": "analyst",
    "ben": "analyst",
    "sue": "supervisor",
    "sam": "supervisor",
    "tia": "trainer",
    "tom": "trainee",
    "aud": "auditor",
}


def new_case(store: Store, owner: str = "ana", members: tuple[str, ...] = ("sue", "sam")) -> int:
    with store.acting(owner) as actor:
        case = create_case(
            actor,
            "Vendor 'ironside'",
            "Investigate the sale of firearms by the vendor ironside on two markets",
            "Code of Criminal Procedure, art. 126 (investigation order 2030/17)",
            "Customs Investigation Service",
            retention="suspect=3y,victim=1y,other_party=6m",
        )
        for member in members:
            add_member(actor, case.id, member, "works the case")
        return case.id


ONION_A = "a" * 56 + ".onion"
ONION_B = "b" * 56 + ".onion"


@pytest.fixture(scope="session")
def signed_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a real signed WACZ package of a crawl of a local site, the agency key file)."""
    from darkrange.collect.evidence import build_package, generate_key, load_private_key
    from tests.collect.evidence_site import crawl

    root = tmp_path_factory.mktemp("evidence")
    crawl(root / "crawl")
    key, _ = generate_key(root / "agency.key")
    build_package(root / "crawl", root / "ironside.wacz", load_private_key(key))
    return root / "ironside.wacz", key
