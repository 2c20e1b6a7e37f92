"""Compliance from a real case store: a trainee who records the case (its legal basis) before
adding a crawl, consults with reasons and shares pseudonymised scores 100; one who crawled
before opening the case and exported a bystander unpseudonymised scores lower, each violation
named. Times are relative to now because evidence signatures may not lie in the future."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from darkrange.case import (
    ManualClock,
    Store,
    add_evidence,
    add_member,
    add_person,
    add_user,
    bootstrap_admin,
    consult,
    create_case,
    decide,
    release,
    request,
    upgrade,
    use_hasher,
)
from darkrange.cli import main
from darkrange.collect.evidence import (
    CaptureInfo,
    WarcWriter,
    build_package,
    format_request_head,
    format_response_head,
    generate_key,
    load_private_key,
)
from darkrange.errors import InputError
from darkrange.train import Course, compliance_from_case, score_compliance, scoreboard

from .conftest import make_course

use_hasher(PasswordHasher.from_parameters(CHEAPEST))
NOW = datetime.now(UTC).replace(microsecond=0)
BASIS = "court order 2026/114 under the criminal procedure code"


def package(folder: Path) -> Path:
    """A one-page crawl, signed now (a signature may not predate the crawl's own records)."""
    with WarcWriter(folder / "crawl", CaptureInfo("t", "T-1", "training")) as writer:
        head = format_request_head("GET", "/", "HTTP/1.1", [(b"host", b"x.onion")])
        reply = format_response_head("HTTP/1.1", 200, "OK", [(b"content-type", b"text/html")])
        moment = datetime.now(UTC) - timedelta(minutes=1)
        writer.write_exchange("http://x.onion/", head, b"", reply, b"<h1>x</h1>", None, moment)
    key, _ = generate_key(folder / "agency.key")
    out = folder / "crawl.wacz"
    build_package(folder / "crawl", out, load_private_key(key))
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(f"sqlite:///{tmp_path / 'cases.db'}", ManualClock(NOW - timedelta(hours=3)))
    upgrade(opened)
    with opened.session() as session:
        bootstrap_admin(session, opened.clock, "root", "correct horse battery")
    with opened.acting("root") as admin:
        add_user(admin, "t1", "trainee", "correct horse battery")
        add_user(admin, "t2", "trainee", "correct horse battery")
        add_user(admin, "sue", "supervisor", "correct horse battery")
    yield opened
    opened.close()


def at(store: Store, moment: datetime) -> None:
    store.clock = ManualClock(moment)


def share(store: Store, user: str, case_id: int, pseudonymise: bool) -> None:
    with store.acting(user) as actor:
        ask = request(
            actor, case_id, "csv", ["customs"], "joint parcel case", pseudonymise=pseudonymise
        )
        ask_id = ask.id
    with store.acting("sue") as actor:
        decide(actor, ask_id, True, "need to know: the parcels")
    with store.acting(user) as actor:
        release(actor, ask_id, lambda snap, hidden: None)


def work(store: Store, tmp_path: Path, user: str, careful: bool) -> int:
    """The careful trainee opens the case first; the other crawls first and shares openly."""
    crawl = package(tmp_path / user)
    at(store, NOW - timedelta(hours=1) if careful else NOW + timedelta(minutes=10))
    with store.acting(user) as actor:
        case_id = create_case(
            actor, "Parcels", "seized parcels and their vendor", BASIS, "customs"
        ).id
    at(store, NOW + timedelta(minutes=20))
    with store.acting(user) as actor:
        add_evidence(actor, case_id, crawl, tmp_path / "vault")
        add_person(actor, case_id, "suspect", "V. Endor")
        add_person(actor, case_id, "other_party", "A. Neighbour", role="bystander")
        consult(actor, case_id, "check the vendor's listings before the search")
        add_member(actor, case_id, "sue", "supervises disclosures")
    with store.acting("root") as admin:
        add_user(admin, f"{user}-peer", "trainee", "correct horse battery")  # not in the trail
    share(store, user, case_id, pseudonymise=careful)
    return case_id


def test_careful_trainee_scores_full_marks(store: Store, tmp_path: Path) -> None:
    work(store, tmp_path, "t1", careful=True)
    entries = compliance_from_case(store, "t1")
    actions = [e["action"] for e in entries]
    assert {"collect", "consult", "export"} <= set(actions)
    export = next(e for e in entries if e["action"] == "export")
    assert export["recipients"] == ["customs"]
    assert export["exported_categories"] == ["bystander (pseudonymised)", "suspect"]
    result = score_compliance(entries)
    assert result.checks >= 8 and result.score == 100.0, result.violations


def test_collecting_first_and_exporting_bystanders_are_named(store: Store, tmp_path: Path) -> None:
    careless = work(store, tmp_path, "t2", careful=False)
    entries = compliance_from_case(store, "t2", case_ids=[careless])
    result = score_compliance(entries)
    rules = sorted({v.rule for v in result.violations})
    assert rules == ["legal_basis", "protected_data"]
    assert 50 < result.score < 100
    [collect] = [v for v in result.violations if v.rule == "legal_basis"]
    assert entries[collect.entry]["action"] == "collect"
    assert entries[collect.entry]["time"] < entries[collect.entry]["legal_basis_recorded_at"]
    # the careful trainee's trail is not mixed in, and other users' entries are left out
    work(store, tmp_path, "t1", careful=True)
    assert len(compliance_from_case(store, "t2")) == len(entries)


def test_unknown_user_is_a_clear_error(store: Store) -> None:
    with pytest.raises(InputError, match="no user 'nobody'"):
        compliance_from_case(store, "nobody")
    assert compliance_from_case(store, "t1") == []  # a known user with no work yet


def test_cli_scores_the_case_trail_and_records_it(
    store: Store, tmp_path: Path, course_world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work(store, tmp_path, "t2", careful=False)
    (tmp_path / "c").mkdir()
    course: Course = make_course(tmp_path / "c", course_world)
    db = str(tmp_path / "cases.db")
    args = ["course", "compliance", "--state", str(course.root), "--trainee", "t2"]
    assert main([*args, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "legal_basis: collect before a legal basis was recorded" in out
    assert "protected_data: export includes bystander data" in out
    row = next(r for r in scoreboard(course, False) if r.name == "t2")
    assert row.compliance is not None and row.compliance < 100
    assert main([*args, "--db", db, str(tmp_path / "trail.json")]) == 2  # file or --db, not both
