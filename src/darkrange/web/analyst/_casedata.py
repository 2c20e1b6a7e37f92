"""What a case page shows, read inside the unit of work that consulted the case.

Access and the audit entry come first (`darkrange.case.consult`, or `case_for` and `record`
for one item); only then are the case's items read, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from darkrange.case import Actor, custody_of
from darkrange.case._schema_case import Disclosure, User
from darkrange.case._schema_items import (
    Account,
    Cluster,
    EvidenceItem,
    Identity,
    Listing,
    Note,
    Person,
    Selector,
    Site,
    Trace,
)

ITEMS: dict[str, Any] = {
    "persons": Person,
    "sites": Site,
    "accounts": Account,
    "listings": Listing,
    "selectors": Selector,
    "identities": Identity,
    "clusters": Cluster,
    "traces": Trace,
    "notes": Note,
}


@dataclass
class CaseItems:
    items: dict[str, list[Any]]
    evidence: list[tuple[EvidenceItem, list[Any]]]  # (item, its custody entries)
    disclosures: list[Disclosure]
    names: dict[int, str] = field(default_factory=dict)  # user id -> username


def _rows(actor: Actor, table: Any, case_id: int) -> list[Any]:
    query = select(table).where(table.case_id == case_id).order_by(table.id)
    return list(actor.session.execute(query).scalars())


def case_items(actor: Actor, case_id: int) -> CaseItems:
    """Every item of a case the actor has just consulted (access already checked)."""
    items = {name: _rows(actor, table, case_id) for name, table in ITEMS.items()}
    evidence = [
        (item, custody_of(actor.session, item.id)) for item in _rows(actor, EvidenceItem, case_id)
    ]
    disclosures = _rows(actor, Disclosure, case_id)
    names = {int(i): str(n) for i, n in actor.session.execute(select(User.id, User.username)).all()}
    return CaseItems(items, evidence, disclosures, names)


def trace_item(actor: Actor, case_id: int, trace_id: int) -> Trace | None:
    trace = actor.session.get(Trace, trace_id)
    return trace if trace is not None and trace.case_id == case_id else None
