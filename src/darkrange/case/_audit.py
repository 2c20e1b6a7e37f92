"""The audit log (LED Art. 25, R1): who did what to which personal data, when and why.

Append-only and hash-chained; `verify_audit` names the first edited or removed seq. A
consultation without a justification is refused before anything is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from darkrange.case._access import Actor, justified
from darkrange.case._chain import ChainVerdict, Link, link_hash, stamp, verify_links
from darkrange.case._schema_log import AuditEntry, ChainHead
from darkrange.errors import InputError, StateError

ACTIONS = ("collection", "consultation", "alteration", "disclosure", "combination", "erasure")
# these actions must say why; collection and alteration carry the case's stated purpose
NEEDS_REASON = frozenset({"consultation", "disclosure", "erasure"})


def audit_fields(entry: AuditEntry) -> dict[str, Any]:
    """The hashed fields of an entry, exactly as the chain covers them."""
    return {
        "seq": entry.seq,
        "at": entry.at,
        "user": entry.user,
        "action": entry.action,
        "case": entry.case_id,
        "object": entry.object,
        "justification": entry.justification,
        "recipients": list(entry.recipients),
        "prev_hash": entry.prev_hash,
    }


def record(
    actor: Actor,
    action: str,
    case_id: int | None,
    obj: str,
    justification: str = "",
    recipients: Sequence[str] = (),
) -> AuditEntry:
    """Append one entry; the caller's transaction already holds the chain head (Store.locked)."""
    if action not in ACTIONS:
        raise InputError(f"audit action must be one of {', '.join(ACTIONS)}, not {action!r}")
    if action in NEEDS_REASON:
        justification = justified(justification, action)
    if action == "disclosure" and not recipients:
        raise InputError("a disclosure must name its recipients")
    head = actor.session.get(ChainHead, "audit")
    if head is None:
        raise StateError("the audit chain head is missing: run `darkrange case db upgrade`")
    entry = AuditEntry(
        seq=head.seq + 1,
        at=stamp(actor.now()),
        user=actor.name,
        action=action,
        case_id=case_id,
        object=obj,
        justification=justification.strip(),
        recipients=sorted(recipients),
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = link_hash(audit_fields(entry))
    head.seq, head.hash = entry.seq, entry.hash
    actor.session.add(entry)
    actor.session.flush()
    return entry


def entries(
    session: Session, case_id: int | None = None, after: int = 0, limit: int | None = None
) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.execute(query).scalars())


def _links(rows: Iterable[AuditEntry]) -> Iterable[Link]:
    for row in rows:
        yield Link(row.seq, audit_fields(row), row.hash)


def verify_audit(session: Session) -> ChainVerdict:
    """Re-hash the whole log in seq order (streamed) and compare with the chain head."""
    head = session.get(ChainHead, "audit")
    if head is None:
        raise StateError("the audit chain head is missing: run `darkrange case db upgrade`")
    result = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    )
    try:
        return verify_links(_links(result.scalars()), head.seq, head.hash)
    finally:
        result.close()  # the walk may stop early: release the server-side cursor now
