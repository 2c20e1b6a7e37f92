"""Case snapshot -> STIX 2.1 bundle (S1-S4, S6, R4, R6, R7).

Every object gets a deterministic id (uuid5 of the agency and case id plus the item's key;
observables use STIX's own SCO id rule), the case's TLP 2.0 marking and a handling-code
statement marking (the frame: _stix_bundle). Each darkrange item rides on one carrier object
with an `x_darkrange_*` property, so `from_stix` gets the case back field by field; see
docs/formats/exports.md.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from darkrange.errors import InputError
from darkrange.share._codes import (
    HANDLING_MEANINGS,
    TLP_MARKING_IDS,
    evaluation_json,
    tlp_extension_definition,
    tlp_marking,
)
from darkrange.share._pseudonym import pseudonymise as _pseudonymise
from darkrange.share._snapshot import (
    Account,
    CaseSnapshot,
    Evaluation,
    Identity,
    Listing,
    Note,
    Person,
    Selector,
    Site,
    Trace,
    Wallet,
)
from darkrange.share._stix_base import (
    custom_sco_definitions,
    handling_marking,
    pattern_literal,
    sco_type,
    timestamp,
    with_properties_extension,
)
from darkrange.share._stix_bundle import BundleFrame, account_props, provenance

SUGGESTED_MAX_CONFIDENCE = 29  # the top of STIX's "low" band: never more for a suggestion


def to_stix(
    snapshot: CaseSnapshot,
    *,
    pseudonymise: bool = True,
    suggested_as_fact: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A STIX 2.1 bundle (a JSON-ready dict) of the case.

    Victims and other parties appear only under pseudonyms unless `pseudonymise` is False
    (R6). Suggested identities go out as opinions and low-confidence relationships labelled
    "suggested"; asking for them as fact (`suggested_as_fact`) raises InputError (R7).
    """
    suggested = [i.id for i in snapshot.identities if i.status == "suggested"]
    if suggested_as_fact and suggested:
        raise InputError(
            f"identity {suggested[0]} is only suggested: no named person confirmed it, so it "
            "cannot be shared as fact (LED art. 11)"
        )
    shared = _pseudonymise(snapshot) if pseudonymise else snapshot
    return _Bundle(shared, now or datetime.now(UTC), pseudonymised=pseudonymise).build()


class _Bundle(BundleFrame):
    # the build

    def build(self) -> dict[str, Any]:
        self.sdo(
            "identity",
            "agency",
            Evaluation(source="A", information=1, handling=self.case.handling),
            name=self.case.owner_agency,
            identity_class="organization",
            description="The agency sharing this case.",
        )
        for p in self.snap.persons:
            self.person(p)
        for s in self.snap.sites:
            self.site(s)
        for a in self.snap.accounts:
            self.account(a)
        for x in self.snap.listings:
            self.listing(x)
        for sel in self.snap.selectors:
            self.selector(sel)
        for w in self.snap.wallets:
            self.wallet(w)
        for t in self.snap.traces:
            self.trace(t)
        for i in self.snap.identities:
            self.identity(i)
        for n in self.snap.notes:
            self.note(n)
        grouping = self.grouping()
        head = [tlp_extension_definition(), tlp_marking(self.case.tlp)]
        if self.case.tlp != "clear":
            head.append(tlp_marking("clear"))  # marks darkrange's public definitions
        head += [handling_marking(c, HANDLING_MEANINGS[c]) for c in sorted(self.handling_used)]
        head += custom_sco_definitions(TLP_MARKING_IDS["clear"])
        objects = [*head, *self.objects.values(), grouping]
        for obj in objects:
            with_properties_extension(obj)
        bundle_id = f"bundle--{uuid.uuid5(self.ns, f'bundle/{self.now}')}"
        return {"type": "bundle", "id": bundle_id, "objects": objects}

    def person(self, p: Person) -> None:
        meta = {
            "id": p.id,
            "category": p.category,
            "pseudonymised": p.pseudonymised,
            "actor_type": p.actor_type,
            "member_of": p.member_of,
            "description": p.description,
            **provenance(p.provenance),
        }
        key = f"person/{p.id}"
        label = p.category.replace("_", "-")
        if p.id in self.actors:
            self.sdo(
                "threat-actor",
                key,
                p.evaluation,
                name=p.display_name,
                description=p.description,
                threat_actor_types=[p.actor_type],
                labels=[label],
                x_darkrange_person=meta,
            )
        else:
            self.sdo(
                "identity",
                key,
                p.evaluation,
                name=p.display_name,
                identity_class="individual",
                labels=[label] + (["pseudonymised"] if p.pseudonymised else []),
                x_darkrange_person=meta,
            )
        if p.member_of is not None:
            self.rel(
                self.person_ref(p.id),
                "related-to",
                self.person_ref(p.member_of),
                f"member-of/{p.id}",
                p.evaluation,
                description="member of",
                x_darkrange_relation="member-of",
            )

    def site(self, s: Site) -> None:
        infra = self.sdo(
            "infrastructure",
            f"site/{s.id}",
            s.evaluation,
            name=s.name or s.onion,
            infrastructure_types=["anonymization"],
            description=f"Onion service ({s.kind}) at {s.onion}",
            x_darkrange_site={
                "id": s.id,
                "onion": s.onion,
                "name": s.name,
                "kind": s.kind,
                **provenance(s.provenance),
            },
        )
        domain = self.sco("domain-name", value=s.onion)
        self.rel(infra["id"], "consists-of", domain, f"site-domain/{s.id}", s.evaluation)

    def account(self, a: Account) -> None:
        props = account_props(a)
        oid = self.sco("user-account", **props, display_name=a.handle)
        self.objects[oid]["object_marking_refs"] = self.markings(a.evaluation.handling)
        self.objects[oid]["x_darkrange_account"] = {
            "id": a.id,
            "site": a.site,
            "handle": a.handle,
            "person_id": a.person_id,
            "url": a.url,
            "evaluation": evaluation_json(a.evaluation),
            **provenance(a.provenance),
        }
        if a.person_id is not None:
            owner = self.person_ref(a.person_id)
            self.rel(owner, "related-to", oid, f"owns/{a.id}", a.evaluation, description="owns")

    def listing(self, x: Listing) -> None:
        refs = [self.sco("url", value=x.url)]
        seen = timestamp(x.seen) if x.seen else self.created
        self.sdo(
            "observed-data",
            f"listing/{x.id}",
            x.evaluation,
            first_observed=seen,
            last_observed=seen,
            number_observed=1,
            object_refs=refs,
            x_darkrange_listing={
                "id": x.id,
                "account_id": x.account_id,
                "url": x.url,
                "title": x.title,
                "category": x.category,
                "price": x.price,
                "seen": timestamp(x.seen) if x.seen else None,
                **provenance(x.provenance),
            },
        )

    def selector(self, s: Selector) -> None:
        kind = sco_type(s.kind)
        props = {"value": s.value}
        if kind == "darkrange-selector":
            props["kind"] = s.kind
        oid = self.sco(kind, **props)
        seen = timestamp(s.first_seen) if s.first_seen else self.created
        meta = {
            "id": s.id,
            "kind": s.kind,
            "value": s.value,
            "source_url": s.source_url,
            "first_seen": timestamp(s.first_seen) if s.first_seen else None,
            "account_id": s.account_id,
            **provenance(s.provenance),
        }
        od = self.sdo(
            "observed-data",
            f"selector-seen/{s.id}",
            s.evaluation,
            first_observed=seen,
            last_observed=seen,
            number_observed=1,
            object_refs=[oid],
        )
        pattern = f"[{kind}:value = {pattern_literal(s.value)}]"
        if kind == "darkrange-selector":
            pattern = pattern[:-1] + f" AND {kind}:kind = {pattern_literal(s.kind)}]"
        ind = self.sdo(
            "indicator",
            f"selector/{s.id}",
            s.evaluation,
            name=f"{s.kind} {s.value}",
            description=f"{s.kind} selector seen at {s.source_url or 'an unrecorded page'}",
            indicator_types=["attribution"],
            pattern=pattern,
            pattern_type="stix",
            pattern_version="2.1",
            valid_from=seen,
            x_darkrange_selector=meta,
        )
        self.rel(ind["id"], "based-on", od["id"], f"based-on/{s.id}", s.evaluation)
        self.sdo(
            "sighting",
            f"selector/{s.id}",
            s.evaluation,
            sighting_of_ref=ind["id"],
            observed_data_refs=[od["id"]],
            where_sighted_refs=[self.agency],
            first_seen=seen,
            last_seen=seen,
            count=1,
        )
        owner = self._owner_of(s.account_id)
        if owner is not None and owner in self.actors:
            self.rel(
                ind["id"], "indicates", self.person_ref(owner), f"indicates/{s.id}", s.evaluation
            )

    def _owner_of(self, account_id: str | None) -> str | None:
        for a in self.snap.accounts:
            if a.id == account_id:
                return a.person_id
        return None

    def wallet(self, w: Wallet) -> None:
        refs = [self.sco("cryptocurrency-wallet", value=addr) for addr in w.addresses]
        self.sdo(
            "grouping",
            f"wallet/{w.id}",
            w.evaluation,
            name=f"Wallet cluster {w.cluster_id}",
            context="suspicious-activity",
            labels=["wallet-cluster", *w.tags],
            object_refs=refs,
            x_darkrange_wallet={
                "id": w.id,
                "cluster_id": w.cluster_id,
                "addresses": list(w.addresses),
                "chain": w.chain,
                "tags": list(w.tags),
                "person_id": w.person_id,
                **provenance(w.provenance),
            },
        )
        if w.person_id is not None:
            for n, ref in enumerate(refs):
                key = f"owns-address/{w.id}/{n}"
                owner = self.person_ref(w.person_id)
                self.rel(owner, "related-to", ref, key, w.evaluation, description="owns")

    def trace(self, t: Trace) -> None:
        refs = [self.sco("cryptocurrency-transaction", value=h.txid) for h in t.hops]
        hops = [
            {
                "txid": h.txid,
                "time": timestamp(h.time),
                "amount": h.amount,
                "from": h.from_address,
                "to": h.to_address,
                "heuristic": h.heuristic,
                "confidence": h.confidence,
            }
            for h in t.hops
        ]
        self.sdo(
            "grouping",
            f"trace/{t.id}",
            t.evaluation,
            name=t.title,
            context="suspicious-activity",
            labels=["payment-trace"],
            object_refs=list(dict.fromkeys(refs)) or [self.agency],
            x_darkrange_trace={
                "id": t.id,
                "title": t.title,
                "chain": t.chain,
                "picture": t.picture,
                "hops": hops,
                **provenance(t.provenance),
            },
        )

    def identity(self, i: Identity) -> None:
        accounts = {a.id: a for a in self.snap.accounts}
        refs = [self.account_ref(accounts[a]) for a in i.account_ids]
        confirmed = i.status == "confirmed"
        score = round(i.score * 100)
        confidence = score if confirmed else min(score, SUGGESTED_MAX_CONFIDENCE)
        if i.person_id is not None:
            pairs = [(self.person_ref(i.person_id), r) for r in refs]
        else:
            pairs = [(refs[0], r) for r in refs[1:]]
        rels = [
            self.rel(
                src,
                "related-to",
                dst,
                f"identity/{i.id}/{n}",
                i.evaluation,
                confidence=confidence,
                labels=[i.status],
                description="same actor" + ("" if confirmed else " (suggested, not confirmed)"),
            )["id"]
            for n, (src, dst) in enumerate(pairs)
        ]
        meta = {
            "id": i.id,
            "account_ids": list(i.account_ids),
            "status": i.status,
            "score": i.score,
            "evidence": [asdict(e) for e in i.evidence],
            "person_id": i.person_id,
            "confirmed_by": i.confirmed_by,
            "confirmed_at": timestamp(i.confirmed_at) if i.confirmed_at else None,
            **provenance(i.provenance),
        }
        why = "; ".join(f"{e.kind} ({e.score:.2f}): {e.explanation}" for e in i.evidence)
        key = f"identity/{i.id}"
        if confirmed:
            self.sdo(
                "note",
                key,
                i.evaluation,
                abstract=f"Identity confirmed by {i.confirmed_by}",
                content=why or "Confirmed without recorded evidence.",
                authors=[i.confirmed_by],
                object_refs=rels + refs,
                labels=["identity", "confirmed", "fact"],
                confidence=confidence,
                x_darkrange_identity=meta,
            )
        else:
            self.sdo(
                "opinion",
                key,
                i.evaluation,
                opinion="agree" if i.score >= 0.8 else "neutral",
                explanation="Automated suggestion, not confirmed by a person. " + why,
                authors=["darkrange automated linking"],
                object_refs=rels + refs,
                labels=["identity", "suggested", "assessment"],
                confidence=confidence,
                x_darkrange_identity=meta,
            )

    def note(self, n: Note) -> None:
        refs = [self.item_ref(r) for r in n.about] or [self.sdo_id("grouping", "case")]
        self.sdo(
            "note",
            f"note/{n.id}",
            n.evaluation,
            abstract=f"{n.kind.capitalize()} ({n.evaluation.code})",
            content=n.text,
            authors=[n.author] if n.author else None,
            object_refs=list(dict.fromkeys(refs)),
            labels=[n.kind],
            x_darkrange_note={
                "id": n.id,
                "kind": n.kind,
                "author": n.author,
                "created": timestamp(n.created) if n.created else None,
                "about": list(n.about),
                **provenance(n.provenance),
            },
        )
