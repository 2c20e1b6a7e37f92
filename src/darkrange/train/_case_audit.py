"""The compliance score's input read from a trainee's real audit trail in a case store.

`darkrange.case` keeps a hash-chained audit log (LED Art. 25) of what each user did; this maps a
user's entries to the plain entries `score_compliance` checks (docs/formats/exercise.md):

- collection -> `collect`, timed when the data was really collected: an evidence package signed
  before it was added counts from its signing time, so a crawl made before the case existed
  is a collection before the legal basis;
- consultation -> `consult` with its justification; disclosure -> `export` with its recipients
  and the data-subject categories of the persons it sent (an `other_party` by its role:
  witness, contact or bystander; a pseudonymised person as `<category> (pseudonymised)`);
- alteration, combination, erasure keep their names (only their case is checked);
- `legal_basis_recorded_at` is when the case, and with it its stated legal basis, was created.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from darkrange.case import Store
from darkrange.case._schema_case import Case, Disclosure
from darkrange.case._schema_items import EvidenceItem, Person
from darkrange.case._schema_log import AuditEntry
from darkrange.errors import InputError

__all__ = ["compliance_from_case"]

ACTION = {"collection": "collect", "consultation": "consult", "disclosure": "export"}
CATEGORY = {"other_party": "bystander"}  # the case's term for a bystander (LED Art. 6 d)
PROTECTED = frozenset({"victim", "other_party"})


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ref(obj: str, kind: str) -> int | None:
    """The id in an audit object such as `evidence:4`, when it names that kind."""
    name, _, raw = obj.partition(":")
    return int(raw) if name == kind and raw.isdigit() else None


class _Trail:
    """Lookups one user's entries need, loaded once per call."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cases = {c.id: c.created_at for c in session.execute(select(Case)).scalars()}

    def collected_at(self, entry: AuditEntry) -> str:
        item_id = _ref(entry.object, "evidence")
        item = self.session.get(EvidenceItem, item_id) if item_id is not None else None
        if item is not None and item.captured_at is not None:
            captured = _iso(item.captured_at)
            return min(captured, entry.at)  # both are UTC with a Z: text order is time order
        return entry.at

    def categories(self, entry: AuditEntry) -> list[str]:
        ask_id = _ref(entry.object, "disclosure")
        ask = self.session.get(Disclosure, ask_id) if ask_id is not None else None
        if ask is None:
            return []
        found = set()
        for ref in ask.included:
            person_id = _ref(str(ref), "person")
            person = self.session.get(Person, person_id) if person_id is not None else None
            if person is None:
                continue
            name = CATEGORY.get(person.category, person.category)
            if person.category == "other_party" and person.role:
                name = person.role  # witness, contact or bystander
            hidden = person.erased_at is not None or (
                ask.pseudonymise and person.category in PROTECTED
            )
            found.add(f"{name} (pseudonymised)" if hidden else name)
        return sorted(found)

    def entry(self, row: AuditEntry) -> dict[str, Any]:
        action = ACTION.get(row.action, row.action)
        created = self.cases.get(row.case_id) if row.case_id is not None else None
        out: dict[str, Any] = {
            "time": self.collected_at(row) if action == "collect" else row.at,
            "action": action,
            "justification": row.justification,
            "case": "" if row.case_id is None else f"case {row.case_id}",
            "legal_basis_recorded_at": None if created is None else _iso(created),
        }
        if action == "export":
            out["recipients"] = list(row.recipients)
            out["exported_categories"] = self.categories(row)
        return out


def compliance_from_case(
    store: Store | str | Path, username: str, case_ids: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    """The audit entries of `username` (in log order, optionally only of `case_ids`) as
    `score_compliance` entries. `store` is an open Store, a database URL or a SQLite path."""
    opened = store if isinstance(store, Store) else Store.open(store)
    try:
        with opened.session() as session:
            query = select(AuditEntry).where(AuditEntry.user == username)
            if case_ids is not None:
                query = query.where(AuditEntry.case_id.in_(list(case_ids)))
            rows = list(session.execute(query.order_by(AuditEntry.seq)).scalars())
            if not rows and _unknown(session, username):
                raise InputError(f"no user {username!r} in case database {opened.where}")
            trail = _Trail(session)
            return [trail.entry(row) for row in rows]
    finally:
        if opened is not store:
            opened.close()


def _unknown(session: Session, username: str) -> bool:
    from darkrange.case._schema_case import User

    found = session.execute(select(User.id).where(User.username == username)).first()
    return found is None
