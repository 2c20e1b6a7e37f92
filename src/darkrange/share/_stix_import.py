"""STIX 2.1 bundle -> case snapshot, with provenance on every item (S8).

A bundle darkrange wrote comes back field by field from its `x_darkrange_*` properties. A
partner's bundle from another tool is read from the standard properties: threat actors become
suspects, individuals other parties, user accounts on onion hosts accounts, onion domains
sites, simple indicators and observables selectors, notes and opinions assessments (unless
labelled fact), and hashed external references evidence items. The result is meant to be
merged into an existing case, which keeps its own purpose and legal basis.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from darkrange.errors import FormatError
from darkrange.share._codes import evaluation_from_json
from darkrange.share._snapshot import (
    ACTOR_TYPES,
    Account,
    CaseInfo,
    CaseSnapshot,
    CustodyEntry,
    EvidenceItem,
    Hop,
    Identity,
    IdentityEvidence,
    Listing,
    Method,
    Note,
    NoteKind,
    Person,
    Provenance,
    Selector,
    Site,
    Trace,
    Wallet,
)
from darkrange.share._stix_base import darkrange_property as _prop
from darkrange.share._stix_base import parse_timestamp

_SIMPLE_PATTERN = re.compile(r"^\[([a-z0-9-]+):value\s*=\s*'((?:[^'\\]|\\.)*)'")
_SCO_KINDS = {"url": "url", "email-addr": "email", "cryptocurrency-wallet": "crypto-address"}


def from_stix(
    bundle: dict[str, Any], *, partner: str | None = None, imported_at: datetime | None = None
) -> CaseSnapshot:
    """A snapshot of what a (partner's) bundle holds; every item names where it came from."""
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise FormatError("not a STIX bundle: the top-level object's type is not 'bundle'")
    objects = bundle.get("objects")
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise FormatError("the STIX bundle has no list of objects")
    reader = _Reader(objects, partner, imported_at or datetime.now(UTC))
    try:
        return reader.snapshot()
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"STIX bundle does not follow darkrange's properties: {exc!r}") from None


class _Reader:
    def __init__(self, objects: list[dict[str, Any]], partner: str | None, when: datetime) -> None:
        self.objects = objects
        self.by_id = {o.get("id"): o for o in objects}
        self.when = when
        self.case_obj = next((o for o in objects if "x_darkrange_case" in o), None)
        self.partner = partner or self._sender()

    def _sender(self) -> str:
        creator = (self.case_obj or {}).get("created_by_ref")
        if creator is None:
            creator = next(
                (
                    o["created_by_ref"]
                    for o in self.objects
                    if "created_by_ref" in o and o.get("type") != "extension-definition"
                ),
                None,
            )
        sender = self.by_id.get(creator) or {}
        return str(sender.get("name") or "unknown partner")

    def prov(self, meta: dict[str, Any] | None, original_id: str) -> Provenance:
        """Keep the first source's provenance when the item was itself imported earlier."""
        earlier = (meta or {}).get("provenance")
        if isinstance(earlier, dict):
            return Provenance(
                partner=earlier["partner"],
                format=earlier["format"],
                original_id=earlier["original_id"],
                imported_at=parse_timestamp(earlier.get("imported_at")),
            )
        return Provenance(
            partner=self.partner, format="stix", original_id=original_id, imported_at=self.when
        )

    def items(self, name: str, types: tuple[str, ...] = ()) -> list[tuple[dict[str, Any], Any]]:
        found = []
        for o in self.objects:
            meta = _prop(o, name)
            if meta is not None and (not types or o.get("type") in types):
                found.append((o, meta))
        return found

    def ev(self, obj: dict[str, Any], meta: dict[str, Any] | None = None) -> Any:
        raw = (meta or {}).get("evaluation") or _prop(obj, "x_darkrange_evaluation")
        return evaluation_from_json(raw)

    def snapshot(self) -> CaseSnapshot:
        case, evidence, custody, methods = self.case()
        ours = self.case_obj is not None
        return CaseSnapshot(
            case=case,
            persons=tuple(self.persons() if ours else self.foreign_persons()),
            sites=tuple(self.sites() if ours else self.foreign_sites()),
            accounts=tuple(self.accounts() if ours else self.foreign_accounts()),
            listings=tuple(self.listings()),
            selectors=tuple(self.selectors() if ours else self.foreign_selectors()),
            wallets=tuple(self.wallets()),
            traces=tuple(self.traces()),
            identities=tuple(self.identities()),
            notes=tuple(self.notes() if ours else self.foreign_notes()),
            evidence=tuple(evidence),
            custody=tuple(custody),
            methods=tuple(methods),
        )

    # darkrange's own bundles

    def case(self) -> tuple[CaseInfo, list[EvidenceItem], list[CustodyEntry], list[Method]]:
        if self.case_obj is None:
            return self.foreign_case(), self.foreign_evidence(), [], []
        g = self.case_obj
        c = g["x_darkrange_case"]
        case = CaseInfo(
            id=c["id"],
            title=c["title"],
            purpose=c["purpose"],
            legal_basis=c["legal_basis"],
            tlp=c["tlp"],
            pap=c["pap"],
            handling=c["handling"],
            owner_agency=c["owner_agency"],
            created=parse_timestamp(c.get("created")),
            description=c.get("description", ""),
        )
        evidence = [
            EvidenceItem(
                id=e["id"],
                file_name=e["file_name"],
                sha256=e["sha256"],
                size=int(e["size"]),
                signer_fingerprint=e.get("signer_fingerprint", ""),
                captured_at=parse_timestamp(e.get("captured_at")),
                source_url=e.get("source_url", ""),
                description=e.get("description", ""),
                evaluation=evaluation_from_json(e.get("evaluation")),
                provenance=self.prov(e, g["id"]),
            )
            for e in g.get("x_darkrange_evidence", [])
        ]
        custody = [
            CustodyEntry(**{**c, "time": parse_timestamp(c["time"])})
            for c in g.get("x_darkrange_custody", [])
        ]
        methods = [Method(**m) for m in g.get("x_darkrange_methods", [])]
        return case, evidence, custody, methods

    def persons(self) -> list[Person]:
        return [
            Person(
                id=m["id"],
                category=m["category"],
                display_name=o["name"],
                pseudonymised=bool(m.get("pseudonymised")),
                actor_type=m.get("actor_type", "criminal"),
                member_of=m.get("member_of"),
                description=m.get("description", ""),
                evaluation=self.ev(o),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_person")
        ]

    def sites(self) -> list[Site]:
        return [
            Site(
                id=m["id"],
                onion=m["onion"],
                name=m.get("name", ""),
                kind=m.get("kind", ""),
                evaluation=self.ev(o),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_site")
        ]

    def accounts(self) -> list[Account]:
        return [
            Account(
                id=m["id"],
                site=m["site"],
                handle=m["handle"],
                person_id=m.get("person_id"),
                url=m.get("url", ""),
                evaluation=self.ev(o, m),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_account")
        ]

    def listings(self) -> list[Listing]:
        return [
            Listing(
                id=m["id"],
                account_id=m["account_id"],
                url=m["url"],
                title=m["title"],
                category=m.get("category", ""),
                price=m.get("price", ""),
                seen=parse_timestamp(m.get("seen")),
                evaluation=self.ev(o),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_listing")
        ]

    def selectors(self) -> list[Selector]:
        return [
            Selector(
                id=m["id"],
                kind=m["kind"],
                value=m["value"],
                source_url=m.get("source_url", ""),
                first_seen=parse_timestamp(m.get("first_seen")),
                account_id=m.get("account_id"),
                evaluation=self.ev(o),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_selector")
        ]

    def wallets(self) -> list[Wallet]:
        return [
            Wallet(
                id=m["id"],
                cluster_id=m["cluster_id"],
                addresses=tuple(m["addresses"]),
                chain=m.get("chain", "bitcoin"),
                tags=tuple(m.get("tags", ())),
                person_id=m.get("person_id"),
                evaluation=self.ev(o),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_wallet")
        ]

    def traces(self) -> list[Trace]:
        return [
            Trace(
                id=m["id"],
                title=m["title"],
                chain=m.get("chain", "bitcoin"),
                picture=m.get("picture"),
                hops=tuple(_hop(h) for h in m["hops"]),
                evaluation=self.ev(o),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_trace")
        ]

    def identities(self) -> list[Identity]:
        return [
            Identity(
                id=m["id"],
                account_ids=tuple(m["account_ids"]),
                status=m["status"],
                score=float(m["score"]),
                evidence=tuple(IdentityEvidence(**e) for e in m.get("evidence", [])),
                person_id=m.get("person_id"),
                confirmed_by=m.get("confirmed_by"),
                confirmed_at=parse_timestamp(m.get("confirmed_at")),
                evaluation=self.ev(o),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_identity")
        ]

    def notes(self) -> list[Note]:
        return [
            Note(
                id=m["id"],
                text=o["content"],
                kind=m["kind"],
                author=m.get("author", ""),
                created=parse_timestamp(m.get("created")),
                about=tuple(m.get("about", ())),
                evaluation=self.ev(o),
                provenance=self.prov(m, o["id"]),
            )
            for o, m in self.items("x_darkrange_note")
        ]

    # a partner's bundle from another tool

    def typed(self, *types: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("type") in types]

    def foreign_case(self) -> CaseInfo:
        unstated = "not stated in the partner's bundle"
        group = next(iter(self.typed("grouping", "report")), {})
        return CaseInfo(
            id=str(group.get("id") or "imported"),
            title=str(group.get("name") or f"STIX import from {self.partner}"),
            purpose=unstated,
            legal_basis=unstated,
            owner_agency=self.partner,
            description=str(group.get("description") or ""),
        )

    def foreign_persons(self) -> list[Person]:
        creators = {o.get("created_by_ref") for o in self.objects}
        persons = []
        for o in self.typed("threat-actor", "identity"):
            if o["type"] == "identity" and (
                o["id"] in creators or o.get("identity_class") != "individual"
            ):
                continue
            types = [t for t in o.get("threat_actor_types", []) if t in ACTOR_TYPES]
            persons.append(
                Person(
                    id=o["id"],
                    category="suspect" if o["type"] == "threat-actor" else "other_party",
                    display_name=str(o.get("name") or o["id"]),
                    actor_type=types[0] if types else "criminal",
                    description=str(o.get("description") or ""),
                    provenance=self.prov(None, o["id"]),
                )
            )
        return persons

    def foreign_sites(self) -> list[Site]:
        return [
            Site(id=o["id"], onion=o["value"], provenance=self.prov(None, o["id"]))
            for o in self.typed("domain-name")
            if str(o.get("value", "")).endswith(".onion")
        ]

    def foreign_accounts(self) -> list[Account]:
        accounts = []
        for o in self.typed("user-account"):
            login, _, host = str(o.get("user_id") or "").rpartition("@")
            if host.endswith(".onion") and login:
                accounts.append(
                    Account(
                        id=o["id"], site=host, handle=login, provenance=self.prov(None, o["id"])
                    )
                )
        return accounts

    def foreign_selectors(self) -> list[Selector]:
        seen: dict[str, Selector] = {}
        for o in self.typed("indicator"):
            match = _SIMPLE_PATTERN.match(str(o.get("pattern", "")))
            if match:
                kind, value = _selector_kind(match[1], match[2]), _unescape(match[2])
                self._add(seen, o, kind, value, o.get("valid_from"))
        for o in self.typed(*_SCO_KINDS, "domain-name", "darkrange-selector"):
            value = str(o.get("value") or "")
            kind = str(o.get("kind") or _selector_kind(o["type"], value))
            if value:
                self._add(seen, o, kind, value, None)
        return list(seen.values())

    def _add(
        self, seen: dict[str, Selector], o: dict[str, Any], kind: str, value: str, when: object
    ) -> None:
        if value not in seen:
            seen[value] = Selector(
                id=o["id"],
                kind=kind,
                value=value,
                first_seen=parse_timestamp(when),
                provenance=self.prov(None, o["id"]),
            )

    def foreign_notes(self) -> list[Note]:
        notes = []
        for o in self.typed("note", "opinion"):
            text = str(o.get("content") or o.get("explanation") or o.get("abstract") or "")
            if not text.strip():
                continue
            authors = o.get("authors") or [""]
            kind: NoteKind = "fact" if "fact" in (o.get("labels") or []) else "assessment"
            notes.append(
                Note(
                    id=o["id"],
                    text=text,
                    kind=kind,
                    author=str(authors[0]),
                    created=parse_timestamp(o.get("created")),
                    provenance=self.prov(None, o["id"]),
                )
            )
        return notes

    def foreign_evidence(self) -> list[EvidenceItem]:
        items: dict[str, EvidenceItem] = {}
        for o in self.objects:
            for n, ref in enumerate(o.get("external_references") or []):
                digest = str((ref.get("hashes") or {}).get("SHA-256", "")).lower()
                if len(digest) == 64 and digest not in items:
                    name = str(ref.get("external_id") or ref.get("source_name") or digest)
                    items[digest] = EvidenceItem(
                        id=f"{o['id']}#{n}",
                        file_name=name,
                        sha256=digest,
                        size=0,
                        description=str(ref.get("description") or ""),
                        provenance=self.prov(None, o["id"]),
                    )
        return list(items.values())


def _hop(h: dict[str, Any]) -> Hop:
    time = parse_timestamp(h["time"])
    if time is None:
        raise ValueError(f"hop {h.get('txid')} has no time")
    return Hop(
        txid=h["txid"],
        time=time,
        amount=int(h["amount"]),
        from_address=h.get("from"),
        to_address=h.get("to"),
        heuristic=h["heuristic"],
        confidence=float(h["confidence"]),
    )


def _selector_kind(sco: str, value: str) -> str:
    if sco == "domain-name":
        return "onion" if value.endswith(".onion") else "domain"
    return _SCO_KINDS.get(sco, sco)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)
