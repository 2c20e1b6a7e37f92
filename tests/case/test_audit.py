"""R1: the audit log is append-only and hash-chained; tampering is found and named; a
consultation without justification is refused; the signed export checks out."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from darkrange.case import (
    JustificationRequired,
    Store,
    add_person,
    consult,
    entries,
    export_audit,
    record,
    verify_audit,
    verify_export,
)
from darkrange.collect.evidence import generate_key, load_private_key, load_public_key
from darkrange.errors import FormatError, InputError, StateError
from tests.case.conftest import new_case


def _drop_protection(store: Store) -> None:
    """What a database owner bent on tampering does first: remove the triggers."""
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def _filled(store: Store) -> int:
    case_id = new_case(store)
    with store.acting("ana") as actor:
        for n in range(4):
            add_person(actor, case_id, "suspect", f"Suspect {n}")
        consult(actor, case_id, "weekly review of the case")
    return case_id


def test_every_action_is_logged_with_who_when_why(store: Store) -> None:
    case_id = _filled(store)
    with store.session() as session:
        log = entries(session, case_id)
        assert verify_audit(session).ok
    actions = [e.action for e in log]
    assert actions.count("collection") == 4
    assert log[-1].action == "consultation"
    assert log[-1].justification == "weekly review of the case"
    assert log[-1].user == "ana" and log[-1].at == "2030-01-01T09:00:00.000000Z"
    assert [e.seq for e in log] == sorted(e.seq for e in log)
    assert all(e.prev_hash != e.hash for e in log)


def test_consultation_without_justification_is_refused_and_not_shown(store: Store) -> None:
    case_id = new_case(store)
    with store.session() as session:
        before = len(entries(session))
    for reason in ("", "  ", "x"):
        refused = pytest.raises(JustificationRequired, match="consultation needs a justification")
        with refused, store.acting("ana") as actor:
            consult(actor, case_id, reason)
    with store.session() as session:
        assert len(entries(session)) == before


def test_disclosure_entry_needs_recipients(store: Store) -> None:
    new_case(store)
    with pytest.raises(InputError, match="recipients"), store.acting("ana") as actor:
        record(actor, "disclosure", None, "case:1", "sent to partner")


def test_database_refuses_update_and_delete_of_audit_entries(store: Store) -> None:
    _filled(store)
    for statement in (
        "UPDATE audit_log SET justification = 'x' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    with store.session() as session:
        assert verify_audit(session).ok


@pytest.mark.parametrize(
    ("tamper", "first_bad"),
    [
        ("UPDATE audit_log SET justification = 'nothing to see' WHERE seq = 5", 5),
        ("UPDATE audit_log SET \"user\" = 'sue' WHERE seq = 3", 3),
        ("DELETE FROM audit_log WHERE seq = 4", 4),
        ("DELETE FROM audit_log WHERE seq >= 7", 7),
    ],
)
def test_verify_names_the_first_edited_or_removed_entry(
    store: Store, tamper: str, first_bad: int
) -> None:
    _filled(store)
    _drop_protection(store)
    with store.engine.begin() as conn:
        conn.execute(text(tamper))
    with store.session() as session:
        verdict = verify_audit(session)
    assert not verdict.ok
    assert verdict.first_bad == first_bad, str(verdict)
    assert f"seq {first_bad}" in str(verdict)


def test_a_recomputed_hash_still_breaks_the_next_link(store: Store) -> None:
    """A forger who edits an entry and fixes its own hash breaks the following entry."""
    from darkrange.case._audit import audit_fields
    from darkrange.case._chain import link_hash
    from darkrange.case._schema_log import AuditEntry

    _filled(store)
    _drop_protection(store)
    with store.session() as session:
        entry = session.get(AuditEntry, 5)
        assert entry is not None
        entry.justification = "rewritten"
        entry.hash = link_hash(audit_fields(entry))
    with store.session() as session:
        verdict = verify_audit(session)
    assert verdict.first_bad == 6 and "prev_hash" in verdict.problem


def test_signed_export_verifies_and_any_change_fails(store: Store, tmp_path: Path) -> None:
    case_id = _filled(store)
    key, pub = generate_key(tmp_path / "agency.key")
    out = tmp_path / "audit.json"
    with store.acting("aud") as actor:
        doc = export_audit(actor, load_private_key(key), out)
    assert len(doc["entries"]) == doc["head"]["seq"] > 5
    assert verify_export(out, load_public_key(pub)).ok
    # the export itself was logged as a disclosure to the authority
    with store.session() as session:
        last = entries(session)[-1]
    assert last.action == "disclosure" and last.recipients == ["supervisory authority"]

    other, _ = generate_key(tmp_path / "other.key")
    with pytest.raises(FormatError, match="signature does not verify"):
        verify_export(out, load_public_key(other))
    edited = json.loads(out.read_text())
    edited["entries"][2]["justification"] = "changed"
    (tmp_path / "edited.json").write_text(json.dumps(edited))
    with pytest.raises(FormatError, match="signature does not verify"):
        verify_export(tmp_path / "edited.json", load_public_key(pub))

    one_case = tmp_path / "case.json"
    with store.acting("aud") as actor:
        partial = export_audit(actor, load_private_key(key), one_case, case_id)
    assert {e["case"] for e in partial["entries"]} == {case_id}
    assert verify_export(one_case, load_public_key(pub)).ok


def test_export_refuses_a_broken_chain(store: Store, tmp_path: Path) -> None:
    _filled(store)
    _drop_protection(store)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    key, _ = generate_key(tmp_path / "agency.key")
    with pytest.raises(StateError, match="does not verify"), store.acting("aud") as actor:
        export_audit(actor, load_private_key(key), tmp_path / "audit.json")
    assert not (tmp_path / "audit.json").exists()


def test_timestamped_export_verifies_and_a_changed_token_or_document_fails(
    store: Store, tmp_path: Path
) -> None:
    from darkrange.collect.evidence import request_timestamp
    from tests.collect.test_evidence_tsa import authority

    _filled(store)
    key, pub = generate_key(tmp_path / "agency.key")
    out = tmp_path / "audit.json"
    with authority() as url, store.acting("aud") as actor:
        doc = export_audit(
            actor, load_private_key(key), out, None, lambda h: request_timestamp(url, h)
        )
    assert doc["timestamp"]["authority"].startswith("CN=Test TSA")
    assert verify_export(out, load_public_key(pub)).ok

    stamped = json.loads(out.read_text())
    moved = dict(stamped, exported_by="someone else")
    (tmp_path / "moved.json").write_text(json.dumps(moved))
    with pytest.raises(FormatError, match="RFC 3161 timestamp does not match"):
        verify_export(tmp_path / "moved.json", load_public_key(pub))
    token = bytearray(base64.b64decode(stamped["timestamp"]["rfc3161"]))
    token[-5] ^= 1
    stamped["timestamp"]["rfc3161"] = base64.b64encode(bytes(token)).decode()
    (tmp_path / "token.json").write_text(json.dumps(stamped))
    with pytest.raises(FormatError, match="RFC 3161 timestamp"):
        verify_export(tmp_path / "token.json", load_public_key(pub))
