"""Case snapshot <-> MISP event (pymisp, offline), S5.

Each darkrange item has one carrier in the event, an object from MISP's standard templates
(person, tor-hiddenservice, user-account, url, btc-wallet, btc-transaction, pgp-meta,
phone-number, forensic-case, forensic-evidence) or, where no template fits (notes,
identities, e-mail and other selectors), an attribute. The carrier's `comment` holds the
item as darkrange JSON (`darkrange:{...}`) so `from_misp` gets it back field by field;
MISP users read the standard attributes and the references seller-of, owns, paid, member-of
and hosts. uuids are deterministic (uuid5 of the agency, case and item), so re-sending the
case updates the partner's event instead of duplicating it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from darkrange.errors import FormatError, InputError
from darkrange.share._codec import item_from_json, item_to_json
from darkrange.share._codes import (
    DARK_WEB_MOTIVATIONS,
    MISP_DISTRIBUTION,
    PAP_TAGS,
    dark_web_topic,
)
from darkrange.share._misp_import import from_misp_event
from darkrange.share._pseudonym import pseudonymise as _pseudonymise
from darkrange.share._snapshot import CaseSnapshot, Identity, Selector, Trace, Wallet
from darkrange.share._stix_base import DARKRANGE_NS

MARK = "darkrange:"
_ROLES = {"suspect": "Suspect", "convicted": "Culprit", "victim": "Victim"}


def to_misp(
    snapshot: CaseSnapshot,
    *,
    pseudonymise: bool = True,
    suggested_as_fact: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The case as a MISP event (the JSON MISP imports, `{"Event": {...}}`)."""
    suggested = [i.id for i in snapshot.identities if i.status == "suggested"]
    if suggested_as_fact and suggested:
        raise InputError(
            f"identity {suggested[0]} is only suggested: no named person confirmed it, so it "
            "cannot be shared as fact (LED art. 11)"
        )
    shared = _pseudonymise(snapshot) if pseudonymise else snapshot
    event = _Event(shared, now or datetime.now(UTC)).build()
    return {"Event": json.loads(event.to_json())}


def from_misp(
    event: dict[str, Any], *, partner: str | None = None, imported_at: datetime | None = None
) -> CaseSnapshot:
    """A snapshot of what a (partner's) MISP event holds, with provenance on every item."""
    from pymisp import MISPEvent

    body = event.get("Event", event) if isinstance(event, dict) else None
    if not isinstance(body, dict) or "info" not in body:
        raise FormatError("not a MISP event: no Event object with an 'info'")
    misp = MISPEvent()
    try:
        misp.from_dict(**body)
    except Exception as exc:  # pymisp raises its own and plain errors alike
        raise FormatError(f"MISP event could not be read: {exc}") from None
    return from_misp_event(misp, partner, imported_at or datetime.now(UTC))


def comment(kind: str, item: Any) -> str:
    return MARK + json.dumps({"kind": kind, "item": item_to_json(item)}, sort_keys=True)


def read_comment(text: str | None) -> tuple[str, dict[str, Any]] | None:
    if not text or not text.startswith(MARK):
        return None
    data = json.loads(text[len(MARK) :])
    return str(data["kind"]), data["item"]


def decode(cls: type[Any], item: dict[str, Any]) -> Any:
    return item_from_json(cls, item)


class _Event:
    def __init__(self, snap: CaseSnapshot, now: datetime) -> None:
        from pymisp import MISPEvent

        self.snap = snap
        self.case = snap.case
        self.ns = uuid.uuid5(DARKRANGE_NS, f"{self.case.owner_agency}\x00{self.case.id}")
        self.event = MISPEvent()
        self.now = now
        self.objects: dict[str, Any] = {}  # darkrange ref ("account:a1") -> MISPObject

    def uid(self, key: str) -> str:
        return str(uuid.uuid5(self.ns, f"misp/{key}"))

    def obj(self, template: str, key: str, carried: tuple[str, Any] | None, **attrs: Any) -> Any:
        from pymisp import MISPObject

        o = MISPObject(template, standalone=False)
        o.uuid = self.uid(key)
        if carried is not None:
            o.comment = comment(*carried)
        for n, (relation, value) in enumerate(attrs.items()):
            for m, v in enumerate(value if isinstance(value, list) else [value]):
                if v not in (None, ""):
                    a = o.add_attribute(_relation(relation), value=v)
                    if a is not None:
                        a.uuid = self.uid(f"{key}/{n}/{m}")
        self.event.add_object(o)
        self.objects[key] = o
        return o

    def attr(self, kind: str, value: str, key: str, carried: tuple[str, Any], **kw: Any) -> None:
        a = self.event.add_attribute(kind, value, comment=comment(*carried), **kw)
        if not isinstance(a, list):
            a.uuid = self.uid(key)

    def ref(self, src: str, dst: str, relation: str, note: str = "") -> None:
        if src in self.objects and dst in self.objects:
            target = self.objects[dst].uuid
            r = self.objects[src].add_reference(target, relation, comment=note or None)
            r.uuid = self.uid(f"ref/{src}/{relation}/{dst}/{note}")

    def build(self) -> Any:
        case = self.case
        e = self.event
        e.uuid = self.uid("event")
        e.info = f"{case.title} [{case.id}]"
        e.distribution = MISP_DISTRIBUTION[case.tlp]
        e.threat_level_id = 2
        e.analysis = 1
        e.date = (case.created or self.now).date()
        for tag in self.tags():
            e.add_tag(tag)
        self.case_objects()
        self.people_and_places()
        for s in self.snap.selectors:
            self.selector(s)
        for w in self.snap.wallets:
            self.wallet(w)
        for t in self.snap.traces:
            self.trace(t)
        for i in self.snap.identities:
            self.identity(i)
        for n in self.snap.notes:
            self.attr("text", n.text, f"note/{n.id}", ("note", n), category="Other")
        self.references()
        return e

    def tags(self) -> list[str]:
        tags = [f"tlp:{self.case.tlp}", PAP_TAGS[self.case.pap]]
        kinds = sorted({s.kind for s in self.snap.sites if s.kind in DARK_WEB_MOTIVATIONS})
        tags += [f'dark-web:motivation="{DARK_WEB_MOTIVATIONS[k]}"' for k in kinds]
        topics = sorted({dark_web_topic(x.category) for x in self.snap.listings if x.category})
        tags += [f'dark-web:topic="{t}"' for t in topics]
        return list(dict.fromkeys(tags))

    def case_objects(self) -> None:
        case = self.case
        carried = {"case": case, "custody": self.snap.custody, "methods": self.snap.methods}
        self.obj(
            "forensic-case",
            "case",
            ("case", carried),
            case_number=case.id,
            case_name=case.title,
            analysis_start_date=case.created,
            additional_comments=f"Purpose: {case.purpose}. Legal basis: {case.legal_basis}. "
            f"Handling: {case.handling}.",
        )
        for ev in self.snap.evidence:
            self.obj(
                "forensic-evidence",
                f"evidence:{ev.id}",
                ("evidence", ev),
                case_number=case.id,
                evidence_number=ev.id,
                name=ev.file_name,
                additional_comments=f"sha256:{ev.sha256} size:{ev.size} ({ev.evaluation.code})",
            )
            self.ref(f"evidence:{ev.id}", "case", "part-of")

    def people_and_places(self) -> None:
        for p in self.snap.persons:
            name = {"alias": p.display_name} if p.pseudonymised else {"full_name": p.display_name}
            role = _ROLES.get(p.category)
            text = "other party" if role is None else ""
            self.obj("person", f"person:{p.id}", ("person", p), role=role, text=text, **name)
        for s in self.snap.sites:
            self.obj(
                "tor-hiddenservice",
                f"site:{s.id}",
                ("site", s),
                address=s.onion,
                title=s.name,
                description=s.kind,
            )
        for a in self.snap.accounts:
            self.obj(
                "user-account",
                f"account:{a.id}",
                ("account", a),
                username=a.handle,
                link=a.url,
                description=f"account on {a.site}",
            )
        for x in self.snap.listings:
            self.obj(
                "url",
                f"listing:{x.id}",
                ("listing", x),
                url=x.url,
                text=f"{x.title} ({x.price})" if x.price else x.title,
            )

    def selector(self, s: Selector) -> None:
        kind = s.kind.lower()
        key = f"selector:{s.id}"
        carried = ("selector", s)
        if kind in ("btc", "bitcoin"):
            self.obj("btc-wallet", key, carried, wallet_address=s.value, time=s.first_seen)
        elif kind == "pgp":
            self.obj("pgp-meta", key, carried, key_id=s.value)
        elif kind == "onion":
            self.obj("tor-hiddenservice", key, carried, address=s.value, first_seen=s.first_seen)
        elif kind == "url":
            self.obj("url", key, carried, url=s.value, first_seen=s.first_seen)
        elif kind == "phone":
            self.obj("phone-number", key, carried, phone_number=s.value)
        elif kind == "email":
            self.attr("email", s.value, key, carried, category="Social network")
        else:
            self.attr("text", f"{s.kind}: {s.value}", key, carried, category="Other")

    def wallet(self, w: Wallet) -> None:
        for n, address in enumerate(w.addresses):
            # Later addresses point at the carrier, so an import does not read them twice.
            carried = ("wallet", w) if n == 0 else ("part", {"of": f"wallet:{w.id}"})
            o = self.obj("btc-wallet", f"wallet:{w.id}/{n}", carried, wallet_address=address)
            self.objects.setdefault(f"address:{address}", o)

    def trace(self, t: Trace) -> None:
        if not t.hops:
            self.attr("text", t.title, f"trace:{t.id}", ("trace", t), category="Other")
        for n, h in enumerate(t.hops):
            carried = ("trace", t) if n == 0 else ("part", {"of": f"trace:{t.id}"})
            self.obj(
                "btc-transaction",
                f"trace:{t.id}/{n}",
                carried,
                transaction_number=h.txid,
                time=h.time,
                value_BTC=h.amount / 100_000_000,
            )
            if h.from_address and h.to_address:
                note = f"{h.txid} ({h.heuristic}, confidence {h.confidence:.2f})"
                self.ref(f"address:{h.from_address}", f"address:{h.to_address}", "paid", note)

    def identity(self, i: Identity) -> None:
        accounts = " = ".join(i.account_ids)
        value = f"{i.status} identity {accounts}, score {i.score:.2f}"
        if i.status == "suggested":
            value += " (automated suggestion, not confirmed; not a fact)"
        self.attr(
            "text", value, f"identity:{i.id}", ("identity", i), category="Other", to_ids=False
        )

    def references(self) -> None:
        snap = self.snap
        for p in snap.persons:
            if p.member_of:
                self.ref(f"person:{p.id}", f"person:{p.member_of}", "member-of")
        for a in snap.accounts:
            if a.person_id:
                self.ref(f"person:{a.person_id}", f"account:{a.id}", "owns")
            for s in snap.sites:
                if s.onion == a.site:
                    self.ref(f"site:{s.id}", f"account:{a.id}", "hosts")
        for x in snap.listings:
            self.ref(f"account:{x.account_id}", f"listing:{x.id}", "seller-of")
        for w in snap.wallets:
            if w.person_id:
                for n in range(len(w.addresses)):
                    self.ref(f"person:{w.person_id}", f"wallet:{w.id}/{n}", "owns")


def _relation(name: str) -> str:
    """Python keyword -> MISP object relation: `case_number` is `case-number`; names with
    capitals (`value_BTC`) are MISP's own spelling and stay."""
    return name if name != name.lower() else name.replace("_", "-")
