"""Retention (LED Art. 5, R5): a review deadline per data-subject category, the due list, and
for each due record either erasure (personal fields cleared, a metadata trace kept) or an
extension with its justification. All times come from the injected clock."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from darkrange.case._access import Actor, case_for, justified, lead_case, require
from darkrange.case._audit import record
from darkrange.case._schema_case import Case, Member
from darkrange.case._schema_items import Account, Note, Person
from darkrange.errors import InputError, StateError

CATEGORIES = ("suspect", "convicted", "victim", "other_party")
OTHER_PARTY_ROLES = ("witness", "contact", "bystander")
# review periods in days; a case's retention plan may set its own per category
DEFAULT_PLAN: dict[str, int] = {
    "suspect": 1096,
    "convicted": 1826,
    "victim": 365,
    "other_party": 183,
}
_PERIOD = re.compile(r"^(\d+)([dwmy])$")
_DAYS = {"d": 1, "w": 7, "m": 30.5, "y": 365.25}
ERASED = "[erased]"


def parse_period(text: str) -> int:
    """`90d`, `6m`, `3y`, `2w` -> days."""
    match = _PERIOD.match(text.strip().lower())
    if not match or int(match[1]) == 0:
        raise InputError(f"review period {text!r}: want a number and d, w, m or y, such as 6m")
    return round(int(match[1]) * _DAYS[match[2]])


def parse_plan(text: str | None) -> dict[str, int]:
    """`suspect=3y,victim=1y` -> the full plan, defaults for categories not named."""
    plan = dict(DEFAULT_PLAN)
    for part in (text or "").split(","):
        if not part.strip():
            continue
        category, _, period = part.partition("=")
        if category.strip() not in CATEGORIES:
            raise InputError(f"retention plan: unknown category {category.strip()!r}")
        plan[category.strip()] = parse_period(period)
    return plan


def review_due(plan: Mapping[str, object], category: str, start: datetime) -> datetime:
    days = plan.get(category, DEFAULT_PLAN[category])
    return start + timedelta(days=int(str(days)))


@dataclass(frozen=True)
class DueRecord:
    case_id: int
    person_id: int
    pseudonym: str
    category: str
    review_due: datetime
    overdue_days: int


def due(actor: Actor, case_id: int | None = None) -> list[DueRecord]:
    """Records whose review date has come, on the given case or every case the actor is on."""
    if case_id is not None:
        case_for(actor, case_id)
        cases = [case_id]
    else:
        require(actor, "case.read")
        case_for_any = select(Member.case_id).where(Member.user_id == actor.user.id)
        cases = list(actor.session.execute(case_for_any).scalars())
    now = actor.now()
    rows = actor.session.execute(
        select(Person)
        .where(Person.case_id.in_(cases), Person.erased_at.is_(None), Person.review_due <= now)
        .order_by(Person.review_due, Person.id)
    ).scalars()
    return [
        DueRecord(p.case_id, p.id, p.pseudonym, p.category, p.review_due, (now - p.review_due).days)
        for p in rows
    ]


def overdue_count(actor: Actor, case_id: int) -> int:
    return len(due(actor, case_id))


def _person(actor: Actor, person_id: int) -> tuple[Case, Person]:
    person = actor.session.get(Person, person_id)
    if person is None:
        raise InputError(f"no person {person_id}")
    case = lead_case(actor, person.case_id)
    if person.erased_at is not None:
        raise StateError(f"person {person_id} was erased on {person.erased_at:%Y-%m-%d}")
    return case, person


def extend(actor: Actor, person_id: int, justification: str, period: str | None = None) -> Person:
    """Keep a record for another review period; the reason goes into the audit log."""
    reason = justified(justification, "an extension")
    case, person = _person(actor, person_id)
    days = parse_period(period) if period else None
    start = actor.now()
    person.review_due = (
        start + timedelta(days=days)
        if days
        else review_due(case.retention_plan, person.category, start)
    )
    person.extensions += 1
    record(actor, "alteration", case.id, f"person:{person.id}", f"retention extended: {reason}")
    return person


def erase(actor: Actor, person_id: int, justification: str) -> Person:
    """Clear a person's personal fields and their accounts' handles; keep the metadata trace."""
    reason = justified(justification, "erasure")
    case, person = _person(actor, person_id)
    person.name = None
    person.description = None
    person.erased_at = actor.now()
    person.erased_by = actor.user.id
    person.erasure_reason = reason
    for account in actor.session.execute(
        select(Account).where(Account.person_id == person.id)
    ).scalars():
        account.handle, account.url = ERASED, ""
    ref = f"person:{person.id}"
    for note in actor.session.execute(select(Note).where(Note.case_id == case.id)).scalars():
        if list(note.about) == [ref]:
            note.text = ERASED
    record(actor, "erasure", case.id, ref, reason)
    return person
