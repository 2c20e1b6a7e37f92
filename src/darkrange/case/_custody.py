"""Chain of custody per evidence item (E6): who collected, verified, analysed, copied, moved or
disclosed it, when and why, in the same hash chain as the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from darkrange.case._access import Actor
from darkrange.case._chain import ChainVerdict, Link, link_hash, stamp, verify_links
from darkrange.case._schema_items import EvidenceItem
from darkrange.case._schema_log import GENESIS, ChainHead, CustodyEntry
from darkrange.errors import InputError

CUSTODY_ACTIONS = (
    "collected",
    "received",
    "verified",
    "analysed",
    "copied",
    "moved",
    "sealed",
    "disclosed",
)


def head_name(evidence_id: int) -> str:
    return f"custody:{evidence_id}"


def custody_fields(entry: CustodyEntry) -> dict[str, Any]:
    return {
        "evidence": entry.evidence_id,
        "seq": entry.seq,
        "at": entry.at,
        "user": entry.user,
        "action": entry.action,
        "reason": entry.reason,
        "prev_hash": entry.prev_hash,
    }


def append(actor: Actor, item: EvidenceItem, action: str, reason: str = "") -> CustodyEntry:
    if action not in CUSTODY_ACTIONS:
        raise InputError(f"custody action must be one of {', '.join(CUSTODY_ACTIONS)}")
    session = actor.session
    name = head_name(item.id)
    head = session.execute(
        select(ChainHead).where(ChainHead.name == name).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = ChainHead(name=name, seq=0, hash=GENESIS)
        session.add(head)
    entry = CustodyEntry(
        evidence_id=item.id,
        seq=head.seq + 1,
        at=stamp(actor.now()),
        user=actor.name,
        action=action,
        reason=reason.strip(),
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = link_hash(custody_fields(entry))
    head.seq, head.hash = entry.seq, entry.hash
    session.add(entry)
    session.flush()
    return entry


def custody_of(session: Session, evidence_id: int) -> list[CustodyEntry]:
    return list(
        session.execute(
            select(CustodyEntry)
            .where(CustodyEntry.evidence_id == evidence_id)
            .order_by(CustodyEntry.seq)
        ).scalars()
    )


def verify_custody(session: Session, evidence_id: int) -> ChainVerdict:
    head = session.get(ChainHead, head_name(evidence_id))
    rows = custody_of(session, evidence_id)
    links = (Link(r.seq, custody_fields(r), r.hash) for r in rows)
    return verify_links(links, head.seq if head else 0, head.hash if head else GENESIS)
