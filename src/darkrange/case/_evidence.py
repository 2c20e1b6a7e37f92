"""Evidence items: a verified, signed WACZ package copied read-only into a content-addressed
vault, with a chain of custody from the moment it enters the case (E6). Analysis works on
copies (`copy_out`); the vault copy is never altered, and `check` proves it."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from darkrange.case._access import Actor, case_for, justified
from darkrange.case._audit import record
from darkrange.case._chain import ChainVerdict
from darkrange.case._custody import append, custody_of, verify_custody
from darkrange.case._items import collecting
from darkrange.case._schema_items import EvidenceItem
from darkrange.case._schema_log import CustodyEntry
from darkrange.errors import FormatError, InputError, StateError

ENV_VAULT = "DARKRANGE_EVIDENCE_DIR"


def default_vault() -> Path:
    if os.environ.get(ENV_VAULT):
        return Path(os.environ[ENV_VAULT])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "darkrange" / "evidence"


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _into_vault(source: Path, digest: str, vault: Path) -> Path:
    """Copy to vault/ab/abcdef....wacz, read-only; an existing copy must hash the same."""
    target = vault / digest[:2] / f"{digest}.wacz"
    if target.exists():
        if _sha256(target) != digest:
            raise StateError(f"{target}: the vault copy does not match its hash; not touching it")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    shutil.copyfile(source, partial)
    if _sha256(partial) != digest:
        partial.unlink()
        raise StateError(f"{source} changed while it was copied into the vault")
    partial.chmod(0o444)
    os.replace(partial, target)
    return target


def add_evidence(
    actor: Actor,
    case_id: int,
    package: Path,
    vault: Path,
    *,
    pubkey: object | None = None,
    description: str = "",
    source_url: str = "",
) -> EvidenceItem:
    """Verify a signed WACZ package, copy it into the vault and start its custody."""
    from darkrange.collect.evidence import verify_package

    case = collecting(actor, case_id)
    package = Path(package)
    if not package.is_file():
        raise InputError(f"{package}: no such package")
    report = verify_package(package, pubkey)  # type: ignore[arg-type]
    if not report.ok:
        raise FormatError(f"{package.name} failed verification: {report.problems[0]}")
    digest = report.digest.removeprefix("sha256:")
    stored = _into_vault(package, digest, Path(vault))
    captured = None
    if report.signed_at:
        captured = datetime.strptime(report.signed_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    item = EvidenceItem(
        case_id=case.id,
        path=str(stored),
        file_name=package.name,
        sha256=digest,
        size=stored.stat().st_size,
        signer=report.signer or "",
        captured_at=captured,
        verified_at=actor.now(),
        source_url=source_url,
        description=description,
        created_at=actor.now(),
    )
    actor.session.add(item)
    actor.session.flush()
    append(actor, item, "collected", f"from {package}; verified, signer {item.signer}")
    record(actor, "collection", case.id, f"evidence:{item.id}", f"package sha256 {digest}")
    return item


def _item(actor: Actor, item_id: int, permission: str = "case.read") -> EvidenceItem:
    item = actor.session.get(EvidenceItem, item_id)
    if item is None:
        raise InputError(f"no evidence item {item_id}")
    case_for(actor, item.case_id, permission)
    return item


@dataclass
class EvidenceView:
    item: EvidenceItem
    custody: list[CustodyEntry]
    verdict: ChainVerdict


def show(actor: Actor, item_id: int, justification: str) -> EvidenceView:
    """An item with its whole custody and the custody chain's verdict (a consultation)."""
    reason = justified(justification, "consultation")
    item = _item(actor, item_id)
    record(actor, "consultation", item.case_id, f"evidence:{item.id}", reason)
    return EvidenceView(
        item, custody_of(actor.session, item.id), verify_custody(actor.session, item.id)
    )


def log_custody(actor: Actor, item_id: int, action: str, reason: str) -> CustodyEntry:
    """Note a hand-over, move or analysis in the item's custody; the reason is required."""
    item = _item(actor, item_id, "case.write")
    entry = append(actor, item, action, justified(reason, "a custody entry"))
    record(actor, "alteration", item.case_id, f"evidence:{item.id}", f"custody: {action}")
    return entry


def check(actor: Actor, item_id: int) -> bool:
    """Re-hash the vault copy against the hash taken at collection; log it in custody."""
    item = _item(actor, item_id, "case.write")
    if item.path is None:
        raise StateError(f"evidence {item_id} came from a partner: we hold its hash only")
    path = Path(item.path)
    intact = path.is_file() and _sha256(path) == item.sha256
    append(actor, item, "verified", "vault copy intact" if intact else "VAULT COPY DIFFERS")
    record(actor, "consultation", item.case_id, f"evidence:{item.id}", "integrity check")
    return intact


def copy_out(actor: Actor, item_id: int, out: Path, reason: str) -> Path:
    """A working copy for analysis; the evidentiary copy stays in the vault untouched."""
    item = _item(actor, item_id, "case.write")
    why = justified(reason, "a working copy")
    if item.path is None:
        raise StateError(f"evidence {item_id} came from a partner: we hold its hash only")
    out = Path(out)
    if out.exists():
        raise StateError(f"{out} exists; not overwriting")
    shutil.copyfile(item.path, out)
    out.chmod(0o644)
    append(actor, item, "copied", f"working copy to {out}: {why}")
    record(actor, "consultation", item.case_id, f"evidence:{item.id}", why)
    return out
