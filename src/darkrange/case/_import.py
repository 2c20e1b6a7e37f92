"""A partner's STIX bundle or MISP event (as a CaseSnapshot) into one of our cases, each item
keeping where it came from (S8). Their confirmations stay theirs: `confirmed_by` names the
partner's person and agency."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from darkrange import share
from darkrange.case._access import Actor, justified
from darkrange.case._audit import record
from darkrange.case._items import collecting
from darkrange.case._retention import review_due
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
from darkrange.errors import InputError


class _Importer:
    def __init__(self, actor: Actor, case_id: int, partner: str, fmt: str) -> None:
        self.actor, self.case = actor, collecting(actor, case_id)
        self.partner, self.fmt = partner, fmt
        self.ids: dict[str, dict[str, int]] = {}

    def common(self, item: Any) -> dict[str, Any]:
        prov = item.provenance
        return {
            "case_id": self.case.id,
            "eval_source": item.evaluation.source,
            "eval_information": item.evaluation.information,
            "handling": item.evaluation.handling,
            "prov_partner": prov.partner if prov else self.partner,
            "prov_format": prov.format if prov else self.fmt,
            "prov_original_id": prov.original_id if prov else item.id,
            "prov_imported_at": self.actor.now(),
        }

    def ref(self, kind: str, their: str | None) -> int | None:
        return None if their is None else self.ids[kind][their]

    def add(self, kind: str, their: str, row: Any) -> None:
        self.actor.session.add(row)
        self.actor.session.flush()
        self.ids.setdefault(kind, {})[their] = row.id

    def persons(self, snap: share.CaseSnapshot) -> None:
        now = self.actor.now()
        pending = list(snap.persons)
        # groups first, so member_of can point at them
        pending.sort(key=lambda p: p.member_of is not None)
        for n, p in enumerate(pending, start=1):
            row = Person(
                **self.common(p),
                category=p.category,
                pseudonym=f"I-{self._count('person') + n:03d}",
                name=None if p.pseudonymised else p.display_name,
                actor_type=p.actor_type,
                description=p.description or None,
                member_of=self.ref("person", p.member_of),
                role="contact" if p.category == "other_party" else None,
                review_due=review_due(self.case.retention_plan, p.category, now),
                created_at=now,
            )
            if p.pseudonymised:
                row.description = f"partner pseudonym: {p.display_name}"
            self.add("person", p.id, row)

    def _count(self, kind: str) -> int:
        from sqlalchemy import func, select

        return self.actor.session.execute(
            select(func.count()).select_from(Person).where(Person.case_id == self.case.id)
        ).scalar_one()

    def rest(self, snap: share.CaseSnapshot) -> None:
        for s in snap.sites:
            self.add("site", s.id, Site(**self.common(s), onion=s.onion, name=s.name, kind=s.kind))
        for a in snap.accounts:
            self.add(
                "account",
                a.id,
                Account(
                    **self.common(a),
                    site=a.site,
                    handle=a.handle,
                    url=a.url,
                    person_id=self.ref("person", a.person_id),
                ),
            )
        for x in snap.listings:
            self.add(
                "listing",
                x.id,
                Listing(
                    **self.common(x),
                    account_id=self.ref("account", x.account_id),
                    url=x.url,
                    title=x.title,
                    category=x.category,
                    price=x.price,
                    seen=x.seen,
                ),
            )
        for sel in snap.selectors:
            self.add(
                "selector",
                sel.id,
                Selector(
                    **self.common(sel),
                    kind=sel.kind,
                    value=sel.value,
                    source=sel.source_url,
                    first_seen=sel.first_seen,
                    account_id=self.ref("account", sel.account_id),
                ),
            )
        for w in snap.wallets:
            owner = self.ref("person", w.person_id)
            self.add(
                "wallet",
                w.id,
                Cluster(
                    **self.common(w),
                    cluster_ref=w.cluster_id,
                    addresses=list(w.addresses),
                    tags=list(w.tags),
                    chain=w.chain,
                    person_id=owner,
                    method=f"{self.partner}",
                    status="confirmed" if owner else "suggested",
                    score=1.0 if owner else 0.0,
                    confirmed_by=f"partner: {self.partner}" if owner else None,
                    confirmed_at=self.actor.now() if owner else None,
                ),
            )
        for t in snap.traces:
            hops = [
                {
                    "txid": h.txid,
                    "time": h.time.astimezone(UTC).isoformat(),
                    "amount": h.amount,
                    "from_address": h.from_address,
                    "to_address": h.to_address,
                    "heuristic": h.heuristic,
                    "confidence": h.confidence,
                }
                for h in t.hops
            ]
            self.add(
                "trace",
                t.id,
                Trace(**self.common(t), title=t.title, chain=t.chain, hops=hops, picture=t.picture),
            )
        for e in snap.evidence:
            self.add(
                "evidence",
                e.id,
                EvidenceItem(
                    **self.common(e),
                    path=None,
                    file_name=e.file_name,
                    sha256=e.sha256,
                    size=e.size,
                    signer=e.signer_fingerprint,
                    captured_at=e.captured_at,
                    source_url=e.source_url,
                    description=e.description,
                    created_at=self.actor.now(),
                ),
            )
        for i in snap.identities:
            self.add(
                "identity",
                i.id,
                Identity(
                    **self.common(i),
                    account_ids=[self.ids["account"][a] for a in i.account_ids],
                    person_id=self.ref("person", i.person_id),
                    status=i.status,
                    score=i.score,
                    method=f"{self.partner}",
                    evidence=[
                        {"kind": e.kind, "score": e.score, "explanation": e.explanation}
                        for e in i.evidence
                    ],
                    confirmed_by=f"{i.confirmed_by} ({self.partner})" if i.confirmed_by else None,
                    confirmed_at=i.confirmed_at,
                ),
            )

    def notes(self, snap: share.CaseSnapshot) -> None:
        kinds = {"wallet": "cluster"}
        for n in snap.notes:
            about = []
            for ref in n.about:
                kind, _, their = ref.partition(":")
                if their in self.ids.get(kind, {}):
                    about.append(f"{kinds.get(kind, kind)}:{self.ids[kind][their]}")
            self.add(
                "note",
                n.id,
                Note(
                    **self.common(n),
                    text=n.text,
                    kind=n.kind,
                    author=n.author,
                    about=about,
                    created_at=n.created or self.actor.now(),
                ),
            )


def import_snapshot(
    actor: Actor, case_id: int, snap: share.CaseSnapshot, partner: str, fmt: str, justification: str
) -> dict[str, int]:
    """Add everything in `snap` to the case; returns how many items of each kind came in."""
    reason = justified(justification, "an import")
    if not partner.strip():
        raise InputError("name the partner the data came from (--partner)")
    importer = _Importer(actor, case_id, partner.strip(), fmt)
    importer.persons(snap)
    importer.rest(snap)
    importer.notes(snap)
    counts = {kind: len(ids) for kind, ids in sorted(importer.ids.items())}
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    record(actor, "collection", case_id, f"import:{fmt}", f"from {partner}: {reason} ({summary})")
    return counts
