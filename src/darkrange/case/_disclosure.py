"""Disclosure with four eyes: one member asks, a different supervisor on the case approves, the
asker releases; the release is logged as a disclosure with its recipients (R1), every evidence
item's custody notes it (E6), and what was sent is remembered so recipients can be told of later
corrections (R4). A case with records overdue for review discloses nothing (R5)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select

from darkrange import share
from darkrange.case._access import AccessDenied, Actor, case_for, justified
from darkrange.case._audit import record
from darkrange.case._cases import open_case
from darkrange.case._custody import append
from darkrange.case._retention import overdue_count
from darkrange.case._schema_case import Disclosure, Notice
from darkrange.case._schema_items import ITEM_TABLES, EvidenceItem, Note
from darkrange.case._snapshot import snapshot
from darkrange.errors import InputError, StateError

FORMATS = ("stix", "misp", "graphml", "csv", "report")
T = TypeVar("T")


def request(
    actor: Actor,
    case_id: int,
    fmt: str,
    recipients: Sequence[str],
    justification: str,
    *,
    pseudonymise: bool = True,
) -> Disclosure:
    case = open_case(actor, case_id, "disclosure.request")
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    names = sorted({r.strip() for r in recipients if r.strip()})
    if not names:
        raise InputError("a disclosure names its recipients (--recipient)")
    reason = justified(justification, "a disclosure")
    ask = Disclosure(
        case_id=case.id,
        format=fmt,
        recipients=names,
        justification=reason,
        pseudonymise=pseudonymise,
        status="pending",
        requested_by=actor.user.id,
        requested_at=actor.now(),
        included=[],
    )
    actor.session.add(ask)
    actor.session.flush()
    why = f"disclosure {ask.id} requested" + ("" if pseudonymise else ", NOT pseudonymised")
    record(actor, "alteration", case.id, f"disclosure:{ask.id}", why)
    return ask


def _pending(actor: Actor, request_id: int) -> Disclosure:
    ask = actor.session.get(Disclosure, request_id)
    if ask is None:
        raise InputError(f"no disclosure request {request_id}")
    return ask


def decide(actor: Actor, request_id: int, approve: bool, justification: str = "") -> Disclosure:
    """A supervisor on the case, not the one who asked, approves or refuses (four eyes)."""
    ask = _pending(actor, request_id)
    case_for(actor, ask.case_id, "disclosure.approve")
    if ask.requested_by == actor.user.id:
        raise AccessDenied("access denied: four eyes: a different supervisor must decide")
    if ask.status != "pending":
        raise StateError(f"disclosure {request_id} is {ask.status}, not pending")
    ask.status = "approved" if approve else "refused"
    ask.decided_by, ask.decided_at = actor.user.id, actor.now()
    record(
        actor,
        "alteration",
        ask.case_id,
        f"disclosure:{ask.id}",
        f"{ask.status}: {justification}".strip(),
    )
    return ask


def release(
    actor: Actor, request_id: int, write: Callable[[share.CaseSnapshot, bool], T]
) -> tuple[Disclosure, T]:
    """Build the snapshot, let `write` produce the files, and log it all in one transaction:
    if writing fails nothing is recorded as sent, and the request stays approved."""
    ask = _pending(actor, request_id)
    case = open_case(actor, ask.case_id, "disclosure.request")
    if ask.requested_by != actor.user.id:
        raise AccessDenied("access denied: only the member who asked releases a disclosure")
    if ask.status != "approved":
        raise StateError(f"disclosure {request_id} is {ask.status}: a supervisor must approve it")
    overdue = overdue_count(actor, case.id)
    if overdue:
        raise StateError(
            f"case {case.id} has {overdue} record(s) overdue for review: erase or extend them "
            "(`darkrange case retention due`) before disclosing"
        )
    snap = snapshot(actor.session, case.id, ask.pseudonymise)
    result = write(snap, ask.pseudonymise)
    ask.included = sorted(
        f"{kind}:{i}" for kind in share._snapshot._KIND_FIELDS for i in snap.ids_of(kind)
    )
    ask.status, ask.done_at = "done", actor.now()
    for item in actor.session.execute(
        select(EvidenceItem).where(EvidenceItem.case_id == case.id)
    ).scalars():
        append(actor, item, "disclosed", f"hash sent to {', '.join(ask.recipients)} ({ask.format})")
    record(
        actor,
        "disclosure",
        case.id,
        f"disclosure:{ask.id}",
        f"{ask.format}: {ask.justification}",
        ask.recipients,
    )
    return ask, result


def found_wrong(actor: Actor, case_id: int, ref: str, reason: str) -> list[Notice]:
    """An item turned out wrong: retract it if a note, and list every recipient to tell (R4)."""
    why = justified(reason, "a correction")
    open_case(actor, case_id)
    kind, _, raw = ref.partition(":")
    if kind not in ITEM_TABLES or not raw.isdigit():
        raise InputError(f"name the item as kind:id (such as note:4), not {ref!r}")
    item = actor.session.get(ITEM_TABLES[kind], int(raw))
    if item is None or item.case_id != case_id:  # type: ignore[attr-defined]
        raise InputError(f"case {case_id} has no {ref}")
    if isinstance(item, Note):
        item.retracted_at, item.retraction = actor.now(), why
    shared_as = ref.replace("cluster:", "wallet:")
    sent = actor.session.execute(
        select(Disclosure).where(Disclosure.case_id == case_id, Disclosure.status == "done")
    ).scalars()
    notices = []
    for ask in sent:
        if shared_as not in ask.included:
            continue
        for recipient in ask.recipients:
            notice = Notice(
                case_id=case_id,
                disclosure_id=ask.id,
                recipient=recipient,
                item=ref,
                reason=why,
                created_at=actor.now(),
            )
            actor.session.add(notice)
            notices.append(notice)
    actor.session.flush()
    record(
        actor,
        "alteration",
        case_id,
        ref,
        f"found wrong: {why}; {len(notices)} recipient(s) to notify",
    )
    return notices


def notices(actor: Actor, case_id: int) -> list[Notice]:
    case_for(actor, case_id)
    return list(
        actor.session.execute(
            select(Notice).where(Notice.case_id == case_id).order_by(Notice.id)
        ).scalars()
    )


def mark_sent(actor: Actor, notice_id: int) -> Notice:
    notice = actor.session.get(Notice, notice_id)
    if notice is None:
        raise InputError(f"no notice {notice_id}")
    case_for(actor, notice.case_id, "case.write")
    if notice.sent_at is not None:
        raise StateError(f"notice {notice_id} was sent already")
    notice.sent_at = actor.now()
    record(
        actor,
        "disclosure",
        notice.case_id,
        f"notice:{notice.id}",
        f"correction of {notice.item}: {notice.reason}",
        [notice.recipient],
    )
    return notice


def output_digest(paths: Sequence[Path]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.read_bytes())
    return digest.hexdigest()
