"""MISP event -> case snapshot (S5, S8): darkrange's carriers field by field, else best effort.

A carrier comment (`darkrange:{...}`) gives the item back exactly. Objects and attributes
from another MISP user are read from their standard fields: person objects become persons
(role Suspect -> suspect, Victim -> victim, else other party), tor-hiddenservice sites,
btc-wallet, pgp-meta, url, phone-number objects and e-mail/btc/onion attributes selectors,
text attributes assessments, forensic-evidence with a `sha256:` comment evidence items.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from darkrange.errors import FormatError
from darkrange.share._codec import item_from_json
from darkrange.share._snapshot import (
    Account,
    CaseInfo,
    CaseSnapshot,
    Category,
    CustodyEntry,
    EvidenceItem,
    Identity,
    Listing,
    Method,
    Note,
    Person,
    Provenance,
    Selector,
    Site,
    Trace,
    Wallet,
)

_MARK = "darkrange:"
_CLASSES: dict[str, type[Any]] = {
    "person": Person,
    "site": Site,
    "account": Account,
    "listing": Listing,
    "selector": Selector,
    "wallet": Wallet,
    "trace": Trace,
    "identity": Identity,
    "note": Note,
    "evidence": EvidenceItem,
}
_FIELDS = {
    "person": "persons",
    "site": "sites",
    "account": "accounts",
    "listing": "listings",
    "selector": "selectors",
    "wallet": "wallets",
    "trace": "traces",
    "identity": "identities",
    "note": "notes",
    "evidence": "evidence",
}
_SELECTOR_OBJECTS = {
    "btc-wallet": ("btc", "wallet-address"),
    "pgp-meta": ("pgp", "key-id"),
    "url": ("url", "url"),
    "phone-number": ("phone", "phone-number"),
    "tor-hiddenservice": ("onion", "address"),
}
_SELECTOR_ATTRIBUTES = {"email": "email", "email-src": "email", "btc": "btc", "url": "url"}
_SHA256 = re.compile(r"sha256:([0-9a-f]{64})")


def from_misp_event(event: Any, partner: str | None, when: datetime) -> CaseSnapshot:
    org = getattr(event, "Orgc", None) or getattr(event, "Org", None)
    sender = partner or str(getattr(org, "name", "") or "unknown partner")
    found: dict[str, dict[str, Any]] = {k: {} for k in _FIELDS}
    case_data: dict[str, Any] | None = None
    foreign: list[tuple[str, Any]] = []
    carriers = [("object", o) for o in event.objects] + [("attribute", a) for a in event.attributes]
    for kind, carrier in carriers:
        parsed = _read(getattr(carrier, "comment", None))
        if parsed is None:
            foreign.append((kind, carrier))
            continue
        name, item = parsed
        if name == "case":
            case_data = item
            continue
        if name not in _CLASSES:
            continue
        obj = item_from_json(_CLASSES[name], item)
        prov = obj.provenance or Provenance(
            partner=sender, format="misp", original_id=str(carrier.uuid), imported_at=when
        )
        found[name].setdefault(obj.id, replace(obj, provenance=prov))
    best = _BestEffort(sender, when)
    for kind, carrier in foreign:
        best.read(kind, carrier)
    for name, items in best.found.items():
        for item in items:
            found[name].setdefault(item.id, item)
    case, custody, methods = _case(case_data, event, sender)
    lists = {field: tuple(found[name].values()) for name, field in _FIELDS.items()}
    return CaseSnapshot(case=case, custody=custody, methods=methods, **lists)


def _read(comment: str | None) -> tuple[str, dict[str, Any]] | None:
    if not comment or not comment.startswith(_MARK):
        return None
    try:
        data = json.loads(comment[len(_MARK) :])
        return str(data["kind"]), data["item"]
    except (ValueError, KeyError, TypeError):
        damaged = comment[:60]
        raise FormatError(f"a darkrange comment in the MISP event is damaged: {damaged}") from None


def _case(
    data: dict[str, Any] | None, event: Any, sender: str
) -> tuple[CaseInfo, tuple[CustodyEntry, ...], tuple[Method, ...]]:
    if data is None:
        unstated = "not stated in the partner's event"
        case = CaseInfo(
            id=str(event.uuid),
            title=str(event.info),
            purpose=unstated,
            legal_basis=unstated,
            owner_agency=sender,
        )
        return case, (), ()
    case = item_from_json(CaseInfo, data["case"])
    custody = tuple(item_from_json(CustodyEntry, c) for c in data.get("custody", []))
    methods = tuple(item_from_json(Method, m) for m in data.get("methods", []))
    return case, custody, methods


class _BestEffort:
    """Items from a partner's own objects and attributes, read from their standard fields."""

    def __init__(self, partner: str, when: datetime) -> None:
        self.partner = partner
        self.when = when
        self.found: dict[str, list[Any]] = {
            "person": [],
            "site": [],
            "selector": [],
            "note": [],
            "evidence": [],
        }

    def prov(self, uid: object) -> Provenance:
        return Provenance(
            partner=self.partner, format="misp", original_id=str(uid), imported_at=self.when
        )

    def read(self, kind: str, carrier: Any) -> None:
        if kind == "attribute":
            self.attribute(carrier)
            return
        values = {a.object_relation: str(a.value) for a in carrier.attributes}
        uid = str(carrier.uuid)
        name = carrier.name
        if name == "person":
            self.person(uid, values)
        if name == "tor-hiddenservice" and values.get("address", "").endswith(".onion"):
            self.found["site"].append(
                Site(
                    id=uid,
                    onion=values["address"],
                    name=values.get("title", ""),
                    provenance=self.prov(uid),
                )
            )
        elif name in _SELECTOR_OBJECTS:
            sel_kind, relation = _SELECTOR_OBJECTS[name]
            if values.get(relation):
                self.found["selector"].append(
                    Selector(
                        id=uid, kind=sel_kind, value=values[relation], provenance=self.prov(uid)
                    )
                )
        elif name == "forensic-evidence":
            digest = _SHA256.search(values.get("additional-comments", ""))
            if digest:
                self.found["evidence"].append(
                    EvidenceItem(
                        id=uid,
                        file_name=values.get("name") or values.get("evidence-number") or uid,
                        sha256=digest[1],
                        size=0,
                        provenance=self.prov(uid),
                    )
                )

    def person(self, uid: str, values: dict[str, str]) -> None:
        name = values.get("full-name") or values.get("alias") or values.get("handle")
        if not name:
            return
        role = values.get("role", "").lower()
        category: Category = "other_party"
        if role in ("suspect", "accused", "culprit", "defendent"):
            category = "suspect"
        elif role == "victim":
            category = "victim"
        self.found["person"].append(
            Person(
                id=uid,
                category=category,
                display_name=name,
                pseudonymised="full-name" not in values,
                provenance=self.prov(uid),
            )
        )

    def attribute(self, a: Any) -> None:
        uid = str(a.uuid)
        if a.type in _SELECTOR_ATTRIBUTES:
            self.found["selector"].append(
                Selector(
                    id=uid,
                    kind=_SELECTOR_ATTRIBUTES[a.type],
                    value=str(a.value),
                    provenance=self.prov(uid),
                )
            )
        elif a.type in ("text", "comment") and str(a.value).strip():
            self.found["note"].append(
                Note(id=uid, text=str(a.value), kind="assessment", provenance=self.prov(uid))
            )
