"""E6: an evidentiary copy is never altered (read-only vault, working copies for analysis);
custody is an append-only hash chain per item, shown with the item, and tampering is named."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from darkrange.case import Store, add_evidence, check, copy_out, log_custody, show
from darkrange.errors import FormatError, InputError
from tests.case.conftest import new_case


def _item(store: Store, package: Path, vault: Path) -> tuple[int, int]:
    case_id = new_case(store)
    with store.acting("ana") as actor:
        item = add_evidence(actor, case_id, package, vault)
        return case_id, item.id


def test_item_enters_vault_read_only_with_its_hash_and_custody(
    store: Store, signed_package: tuple[Path, Path], tmp_path: Path
) -> None:
    package, _ = signed_package
    _, item_id = _item(store, package, tmp_path / "vault")
    with store.acting("sue") as actor:
        log_custody(actor, item_id, "analysed", "listing prices extracted for the report")
        view = show(actor, item_id, "preparing the court file")
    digest = hashlib.sha256(package.read_bytes()).hexdigest()
    held = Path(view.item.path or "")
    assert view.item.sha256 == digest and held.name == f"{digest}.wacz"
    assert not os.access(held, os.W_OK) or os.geteuid() == 0  # root ignores modes
    assert held.stat().st_mode & 0o222 == 0
    assert [(c.seq, c.user, c.action) for c in view.custody] == [
        (1, "ana", "collected"),
        (2, "sue", "analysed"),
    ]
    assert view.verdict.ok and view.verdict.entries == 2


def test_a_package_that_fails_verification_is_not_taken(
    store: Store, signed_package: tuple[Path, Path], tmp_path: Path
) -> None:
    package, _ = signed_package
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 1
    bad = tmp_path / "bad.wacz"
    bad.write_bytes(bytes(data))
    case_id = new_case(store)
    with pytest.raises(FormatError, match="failed verification"), store.acting("ana") as actor:
        add_evidence(actor, case_id, bad, tmp_path / "vault")
    assert not any((tmp_path / "vault").rglob("*.wacz"))


def test_analysis_works_on_a_copy_and_check_proves_the_original_intact(
    store: Store, signed_package: tuple[Path, Path], tmp_path: Path
) -> None:
    package, _ = signed_package
    _, item_id = _item(store, package, tmp_path / "vault")
    with store.acting("ana") as actor:
        work = copy_out(actor, item_id, tmp_path / "work.wacz", "parse listings")
        with work.open("r+b") as handle:  # analysis tools may write to their copy
            handle.write(b"scribbled")
        assert check(actor, item_id)
    vault_copy = next((tmp_path / "vault").rglob("*.wacz"))
    vault_copy.chmod(0o644)
    data = bytearray(vault_copy.read_bytes())
    data[100] ^= 0xFF
    vault_copy.write_bytes(bytes(data))
    with store.acting("ana") as actor:
        assert not check(actor, item_id)
        view = show(actor, item_id, "check after alarm")
    assert [c.action for c in view.custody] == ["collected", "copied", "verified", "verified"]
    assert view.custody[-1].reason == "VAULT COPY DIFFERS"


def test_custody_needs_a_reason_and_a_known_action(
    store: Store, signed_package: tuple[Path, Path], tmp_path: Path
) -> None:
    _, item_id = _item(store, signed_package[0], tmp_path / "vault")
    with pytest.raises(InputError, match="justification"), store.acting("ana") as actor:
        log_custody(actor, item_id, "moved", "")
    with pytest.raises(InputError, match="custody action"), store.acting("ana") as actor:
        log_custody(actor, item_id, "lost", "fell off a truck")


def test_tampered_custody_entry_is_named(
    store: Store, signed_package: tuple[Path, Path], tmp_path: Path
) -> None:
    _, item_id = _item(store, signed_package[0], tmp_path / "vault")
    with store.acting("ana") as actor:
        for n in range(3):
            log_custody(actor, item_id, "moved", f"to shelf {n}")
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE custody_log DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER custody_log_no_update"))
        conn.execute(text("UPDATE custody_log SET reason = 'to my car' WHERE seq = 3"))
    with store.acting("ana") as actor:
        view = show(actor, item_id, "audit of the exhibit")
    assert not view.verdict.ok and view.verdict.first_bad == 3
