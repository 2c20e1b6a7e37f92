"""R2-R7 and four-eyes disclosure, each with the case where it must fail."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import pytest

from darkrange import share
from darkrange.case import (
    AccessDenied,
    ManualClock,
    Store,
    add_account,
    add_cluster,
    add_note,
    add_person,
    confirm,
    consult,
    create_case,
    decide,
    due,
    entries,
    erase,
    extend,
    found_wrong,
    notices,
    release,
    request,
    snapshot,
    suggest_identity,
)
from darkrange.case._schema_case import Case
from darkrange.case._schema_items import Identity, Person
from darkrange.errors import InputError, StateError
from tests.case.conftest import ONION_A, ONION_B, new_case


def _write(out: Path):  # type: ignore[no-untyped-def]
    """A plain writer for release(): the snapshot as JSON (the real formats live in share)."""

    def write(snap: share.CaseSnapshot, pseudonymise: bool) -> list[Path]:
        out.write_text(json.dumps(asdict(snap), default=str))
        return [out]

    return write


# R2 ---------------------------------------------------------------------------------------


def test_r2_a_case_states_purpose_and_legal_basis_first(store: Store) -> None:
    with pytest.raises(InputError, match="legal basis"), store.acting("ana") as actor:
        create_case(actor, "t", "Investigate vendor sales", "", "Customs")
    with pytest.raises(InputError, match="purpose"), store.acting("ana") as actor:
        create_case(actor, "t", "tbd", "Code of Criminal Procedure 126", "Customs")
    case_id = new_case(store)
    with store.session() as session:  # a case that lost its basis (an old row, a bad import)
        case = session.get(Case, case_id)
        assert case is not None
        case.legal_basis = " "
    refused = pytest.raises(StateError, match="no personal data may be collected")
    with refused, store.acting("ana") as actor:
        add_person(actor, case_id, "suspect", "John")


# R3 ---------------------------------------------------------------------------------------


def test_r3_every_person_has_a_data_subject_category(store: Store) -> None:
    case_id = new_case(store)
    with store.acting("ana") as actor:
        kinds = [
            add_person(actor, case_id, "suspect", "A").category,
            add_person(actor, case_id, "convicted", "B").category,
            add_person(actor, case_id, "victim", "C").category,
            add_person(actor, case_id, "other_party", "D", role="witness").role,
        ]
    assert kinds == ["suspect", "convicted", "victim", "witness"]
    for category, role in (("informant", None), ("other_party", None), ("suspect", "witness")):
        with pytest.raises(InputError), store.acting("ana") as actor:
            add_person(actor, case_id, category, "E", role=role)


# R4 ---------------------------------------------------------------------------------------


def _approved(store: Store, case_id: int, fmt: str = "stix", **kw: bool) -> int:
    with store.acting("ana") as actor:
        ask = request(actor, case_id, fmt, ["Europol", "FIOD"], "joint investigation team", **kw)
    with store.acting("sue") as actor:
        decide(actor, ask.id, True, "necessary and proportionate")
    return ask.id


def test_r4_notes_are_fact_or_assessment_and_wrong_ones_reach_recipients(
    store: Store, tmp_path: Path
) -> None:
    case_id = new_case(store)
    with store.acting("ana") as actor, pytest.raises(InputError, match="fact or an assessment"):
        add_note(actor, case_id, "ships from NL", "rumour")
    with store.acting("ana") as actor:
        note = add_note(actor, case_id, "Ships from NL", "assessment", source="B", information=2)
        kept = add_note(actor, case_id, "Shop opened 2029", "fact", source="A", information=1)
    ask_id = _approved(store, case_id)
    with store.acting("ana") as actor:
        release(actor, ask_id, _write(tmp_path / "out.json"))
    sent = json.loads((tmp_path / "out.json").read_text())
    assert {(n["kind"], n["evaluation"]["source"]) for n in sent["notes"]} == {
        ("assessment", "B"),
        ("fact", "A"),
    }
    with store.acting("ana") as actor:
        owed = found_wrong(actor, case_id, f"note:{note.id}", "the parcel came from BE")
        assert sorted(n.recipient for n in owed) == ["Europol", "FIOD"]
        late = add_note(actor, case_id, "Uses DHL", "assessment")  # never sent to anyone
        assert found_wrong(actor, case_id, f"note:{late.id}", "it was UPS") == []
        assert len(notices(actor, case_id)) == 2
        snap = snapshot(actor.session, case_id)
    assert [n.text for n in snap.notes] == [kept.text]  # retracted ones are not sent again


# R5 ---------------------------------------------------------------------------------------


def test_r5_due_records_are_raised_and_block_disclosure_until_decided(
    store: Store, tmp_path: Path
) -> None:
    clock = store.clock
    assert isinstance(clock, ManualClock)
    case_id = new_case(store)
    with store.acting("ana") as actor:
        suspect = add_person(actor, case_id, "suspect", "John Doe")
        victim = add_person(actor, case_id, "victim", "Jane Roe", description="buyer, Utrecht")
        add_account(actor, case_id, ONION_A, "jane_r", victim.id)
        witness = add_person(actor, case_id, "other_party", "Joe", role="bystander")
    clock.advance(timedelta(days=180))
    with store.acting("ana") as actor:
        assert due(actor, case_id) == []
    clock.advance(timedelta(days=10))  # other party: 6 months
    with store.acting("ana") as actor:
        assert [d.person_id for d in due(actor, case_id)] == [witness.id]
    clock.advance(timedelta(days=200))  # victim: 1 year
    with store.acting("ana") as actor:
        listed = due(actor, case_id)
        assert [d.person_id for d in listed] == [witness.id, victim.id]
        assert consult(actor, case_id, "review").due == listed
    ask_id = _approved(store, case_id)
    with pytest.raises(StateError, match="2 record\\(s\\) overdue"), store.acting("ana") as actor:
        release(actor, ask_id, _write(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()
    with pytest.raises(AccessDenied), store.acting("ben") as actor:  # not on the case
        erase(actor, victim.id, "no longer needed")
    with pytest.raises(InputError, match="justification"), store.acting("sue") as actor:
        extend(actor, witness.id, "")
    with store.acting("sue") as actor:
        extend(actor, witness.id, "witness statement needed at trial", "6m")
        gone = erase(actor, victim.id, "purpose achieved: purchase proven by other evidence")
    assert gone.name is None and gone.description is None and gone.erased_at is not None
    with store.acting("ana") as actor:
        assert due(actor, case_id) == []
        release(actor, ask_id, _write(tmp_path / "ok.json"))
        snap = snapshot(actor.session, case_id, pseudonymise=False)
    trace = {p.id: p for p in snap.persons}[str(victim.id)]
    assert trace.display_name == gone.pseudonym and trace.category == "victim"
    assert "Jane" not in json.dumps(asdict(snap), default=str)
    assert "jane_r" not in (tmp_path / "ok.json").read_text()
    with store.session() as session:
        log = entries(session, case_id)
    assert any(e.action == "erasure" and e.object == f"person:{victim.id}" for e in log)
    assert suspect.review_due - suspect.created_at == timedelta(days=1096)


# R6 ---------------------------------------------------------------------------------------


def test_r6_need_to_know_and_pseudonyms_by_default(store: Store) -> None:
    case_id = new_case(store)
    with pytest.raises(AccessDenied, match="not a member"), store.acting("ben") as actor:
        consult(actor, case_id, "curious")
    with store.acting("ana") as actor:
        add_person(actor, case_id, "suspect", "John Doe")
        victim = add_person(actor, case_id, "victim", "Jane Roe", description="lives in Utrecht")
        add_account(actor, case_id, ONION_B, "janeroe77", victim.id)
        hidden = snapshot(actor.session, case_id)
        shown = snapshot(actor.session, case_id, pseudonymise=False)
    text = json.dumps(asdict(hidden), default=str)
    assert "Jane" not in text and "janeroe77" not in text and "Utrecht" not in text
    assert "John Doe" in text
    assert "Jane Roe" in json.dumps(asdict(shown), default=str)


def test_r6_revealing_protected_persons_is_recorded_in_the_request(store: Store) -> None:
    case_id = new_case(store)
    with store.acting("ana") as actor:
        ask = request(
            actor, case_id, "misp", ["Europol"], "victim identification", pseudonymise=False
        )
    with store.session() as session:
        last = entries(session, case_id)[-1]
    assert ask.pseudonymise is False and "NOT pseudonymised" in last.justification


# R7 ---------------------------------------------------------------------------------------


def test_r7_automated_attribution_stays_a_suggestion_until_a_named_person_confirms(
    store: Store,
) -> None:
    case_id = new_case(store)
    with store.acting("ana") as actor:
        person = add_person(actor, case_id, "suspect", "John Doe")
        a = add_account(actor, case_id, ONION_A, "ironside")
        b = add_account(actor, case_id, ONION_B, "ir0nside")
        ev = [{"kind": "pgp-key", "score": 0.97, "explanation": "same key fingerprint"}]
        link = suggest_identity(actor, case_id, [a.id, b.id], 0.93, "linker 1.0", ev)
        wallet = add_cluster(
            actor,
            case_id,
            "c-17",
            ["bc1qexample"],
            person_id=person.id,
            method="co-spend clustering",
            score=0.8,
        )
        before = snapshot(actor.session, case_id)
    assert [(i.status, i.confirmed_by) for i in before.identities] == [("suggested", None)]
    assert before.wallets[0].person_id is None  # an unconfirmed owner is not a fact
    assert any(n.kind == "assessment" and f"wallet:{wallet.id}" in n.about for n in before.notes)
    with pytest.raises(InputError, match="justification"), store.acting("sue") as actor:
        confirm(actor, f"identity:{link.id}", "")
    with pytest.raises(AccessDenied), store.acting("aud") as actor:
        confirm(actor, f"identity:{link.id}", "looks right")
    with store.acting("sue") as actor:
        confirm(actor, f"identity:{link.id}", "same PGP key on both profiles, checked by hand")
        confirm(actor, f"cluster:{wallet.id}", "payment from the test buy lands in it")
        after = snapshot(actor.session, case_id)
    assert [(i.status, i.confirmed_by) for i in after.identities] == [("confirmed", "sue")]
    assert after.wallets[0].person_id == str(person.id)
    assert not any(n.id.startswith("suggested-owner") for n in after.notes)


def test_r7_a_confirmation_without_a_name_cannot_be_exported(store: Store) -> None:
    case_id = new_case(store)
    with store.acting("ana") as actor:
        a = add_account(actor, case_id, ONION_A, "ironside")
        b = add_account(actor, case_id, ONION_B, "ir0nside")
        link = suggest_identity(actor, case_id, [a.id, b.id], 0.9, "linker 1.0")
    with store.session() as session:  # a row marked confirmed behind the toolkit's back
        row = session.get(Identity, link.id)
        assert row is not None
        row.status = "confirmed"
    with pytest.raises(InputError, match="nobody confirmed it"), store.session() as session:
        snapshot(session, case_id)


# four eyes ----------------------------------------------------------------------------------


def test_disclosure_needs_a_different_supervisor_and_is_logged_with_recipients(
    store: Store, tmp_path: Path
) -> None:
    case_id = new_case(store, members=("sue", "sam", "tom"))
    with store.acting("sue") as actor:
        own = request(actor, case_id, "stix", ["Europol"], "joint investigation team")
    with pytest.raises(AccessDenied, match="four eyes"), store.acting("sue") as actor:
        decide(actor, own.id, True)
    with store.acting("ana") as actor:
        ask = request(actor, case_id, "stix", ["Europol"], "joint investigation team")
    for who in ("ana", "tom", "ben"):  # the asker, a trainee, a non-member
        with pytest.raises(AccessDenied), store.acting(who) as actor:
            decide(actor, ask.id, True)
    with pytest.raises(StateError, match="must approve"), store.acting("ana") as actor:
        release(actor, ask.id, _write(tmp_path / "early.json"))
    with store.acting("sam") as actor:
        decide(actor, ask.id, True, "proportionate")
    with pytest.raises(AccessDenied, match="who asked"), store.acting("tom") as actor:
        release(actor, ask.id, _write(tmp_path / "other.json"))
    with store.acting("ana") as actor:
        release(actor, ask.id, _write(tmp_path / "out.json"))
    with pytest.raises(StateError, match="done"), store.acting("ana") as actor:
        release(actor, ask.id, _write(tmp_path / "again.json"))
    with store.session() as session:
        last = entries(session, case_id)[-1]
    assert (last.action, last.user, last.recipients) == ("disclosure", "ana", ["Europol"])


def test_a_failed_write_records_no_disclosure(store: Store) -> None:
    case_id = new_case(store)
    ask_id = _approved(store, case_id)

    def broken(snap: share.CaseSnapshot, pseudonymise: bool) -> None:
        raise StateError("disk full")

    with pytest.raises(StateError, match="disk full"), store.acting("ana") as actor:
        release(actor, ask_id, broken)
    with store.session() as session:
        assert all(e.action != "disclosure" for e in entries(session, case_id))
        person_count = session.query(Person).count()
    assert person_count == 0
