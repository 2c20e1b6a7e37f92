"""A case as `darkrange.share.CaseSnapshot`, the one input every export reads.

Victims and other parties appear under their pseudonym, with no description and with
pseudonymous account handles, unless `pseudonymise=False` (R6). Retracted notes are left out.
A wallet's owner is given only when a named person confirmed it; an unconfirmed one travels as
an assessment note, never as a fact (R7).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from darkrange import share
from darkrange.case._schema_case import Case
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
from darkrange.case._schema_log import CustodyEntry
from darkrange.errors import InputError

PROTECTED = frozenset(share._snapshot.PROTECTED_CATEGORIES)


def _rows(session: Session, table: Any, case_id: int) -> list[Any]:
    return list(
        session.execute(select(table).where(table.case_id == case_id).order_by(table.id)).scalars()
    )


def _eval(item: Any) -> share.Evaluation:
    return share.Evaluation(
        source=item.eval_source, information=item.eval_information, handling=item.handling
    )


def _prov(item: Any) -> share.Provenance | None:
    if item.prov_partner is None:
        return None
    return share.Provenance(
        partner=item.prov_partner,
        format=item.prov_format,
        original_id=item.prov_original_id,
        imported_at=item.prov_imported_at,
    )


def _common(item: Any) -> dict[str, Any]:
    return {"id": str(item.id), "evaluation": _eval(item), "provenance": _prov(item)}


def _lit(value: str) -> Any:
    """A stored code (checked when it was stored, and again by the snapshot's dataclasses)."""
    return value


def _sid(value: int | None) -> str | None:
    return None if value is None else str(value)


def _persons(rows: list[Person], pseudonymise: bool) -> list[share.Person]:
    out = []
    for p in rows:
        hide = p.erased_at is not None or (pseudonymise and p.category in PROTECTED)
        out.append(
            share.Person(
                **_common(p),
                category=_lit(p.category),
                display_name=p.pseudonym if hide or not p.name else p.name,
                pseudonymised=hide or not p.name,
                actor_type=_lit(p.actor_type),
                member_of=_sid(p.member_of),
                description="" if hide else p.description or "",
            )
        )
    return out


def _accounts(rows: list[Account], hidden: dict[int, str]) -> list[share.Account]:
    out = []
    for a in rows:
        pseudonym = hidden.get(a.person_id) if a.person_id is not None else None
        out.append(
            share.Account(
                **_common(a),
                site=a.site,
                person_id=_sid(a.person_id),
                handle=f"{pseudonym}-account-{a.id}" if pseudonym else a.handle,
                url="" if pseudonym else a.url,
            )
        )
    return out


def _wallets(rows: list[Cluster]) -> tuple[list[share.Wallet], list[share.Note]]:
    wallets, notes = [], []
    for c in rows:
        confirmed = c.status == "confirmed" and c.person_id is not None
        wallets.append(
            share.Wallet(
                **_common(c),
                cluster_id=c.cluster_ref,
                addresses=tuple(c.addresses),
                chain=c.chain,
                tags=tuple(c.tags),
                person_id=_sid(c.person_id) if confirmed else None,
            )
        )
        if c.person_id is not None and not confirmed:
            notes.append(
                share.Note(
                    id=f"suggested-owner-of-wallet-{c.id}",
                    kind="assessment",
                    text=f"Automated suggestion ({c.method}, score {c.score:.2f}), not confirmed "
                    "by anyone: this wallet may belong to the person named.",
                    about=(f"wallet:{c.id}", f"person:{c.person_id}"),
                    evaluation=share.Evaluation(
                        source="X", information=4, handling=_lit(c.handling)
                    ),
                )
            )
    return wallets, notes


def _hop(raw: dict[str, Any]) -> share.Hop:
    try:
        return share.Hop(
            txid=str(raw["txid"]),
            time=datetime.fromisoformat(str(raw["time"])).astimezone(UTC),
            amount=int(raw["amount"]),
            from_address=raw.get("from_address"),
            to_address=raw.get("to_address"),
            heuristic=str(raw.get("heuristic", "")),
            confidence=float(raw.get("confidence", 1.0)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(f"a stored trace hop is malformed ({exc})") from None


def _identity(i: Identity) -> share.Identity:
    if i.status == "confirmed" and not i.confirmed_by:
        raise InputError(f"identity {i.id} is marked confirmed but nobody confirmed it")
    return share.Identity(
        **_common(i),
        account_ids=tuple(str(a) for a in i.account_ids),
        status=_lit(i.status),
        score=i.score,
        person_id=_sid(i.person_id),
        confirmed_by=i.confirmed_by,
        confirmed_at=i.confirmed_at,
        evidence=tuple(share.IdentityEvidence(**e) for e in i.evidence),
    )


def _methods(
    evidence: list[Any], identities: list[Identity], clusters: list[Cluster], traces: list[Any]
) -> tuple[share.Method, ...]:
    from darkrange import __version__

    methods = []
    if evidence:
        methods.append(
            share.Method(
                name="Evidence capture",
                version=__version__,
                description="Pages captured as WARC 1.1 with SHA-256 digests at collection, "
                "packaged as signed WACZ 1.2.0 (ed25519) and verified byte by byte when entered "
                "in the case.",
            )
        )
    for name in sorted(({i.method for i in identities} | {c.method for c in clusters}) - {""}):
        methods.append(
            share.Method(
                name=name,
                description="Automated attribution; a suggestion until a named person "
                "confirmed it (LED Art. 11).",
            )
        )
    if traces:
        methods.append(
            share.Method(
                name="Payment tracing",
                version=__version__,
                description="Transactions followed hop by hop; each hop names its heuristic "
                "and confidence.",
            )
        )
    return tuple(methods)


def snapshot(session: Session, case_id: int, pseudonymise: bool = True) -> share.CaseSnapshot:
    """The case as the sharing layer reads it (a pure read: the caller checks and audits)."""
    case = session.get(Case, case_id)
    if case is None:
        raise InputError(f"no case {case_id}")
    persons = _rows(session, Person, case_id)
    hidden = {
        p.id: p.pseudonym
        for p in persons
        if p.erased_at or (pseudonymise and p.category in PROTECTED)
    }
    clusters = _rows(session, Cluster, case_id)
    identities = _rows(session, Identity, case_id)
    evidence = _rows(session, EvidenceItem, case_id)
    traces = _rows(session, Trace, case_id)
    wallets, wallet_notes = _wallets(clusters)
    notes = [
        share.Note(
            **_common(n),
            text=n.text,
            kind=_lit(n.kind),
            author=n.author,
            created=n.created_at,
            about=tuple(a.replace("cluster:", "wallet:") for a in n.about),
        )
        for n in _rows(session, Note, case_id)
        if n.retracted_at is None
    ]
    custody = session.execute(
        select(CustodyEntry)
        .join(EvidenceItem, EvidenceItem.id == CustodyEntry.evidence_id)
        .where(EvidenceItem.case_id == case_id)
        .order_by(CustodyEntry.evidence_id, CustodyEntry.seq)
    ).scalars()
    return share.CaseSnapshot(
        case=share.CaseInfo(
            id=str(case.id),
            title=case.title,
            purpose=case.purpose,
            legal_basis=case.legal_basis,
            tlp=_lit(case.tlp),
            pap=_lit(case.pap),
            handling=_lit(case.handling),
            owner_agency=case.owner_agency,
            created=case.created_at,
            description=case.description,
        ),
        persons=tuple(_persons(persons, pseudonymise)),
        sites=tuple(
            share.Site(**_common(s), onion=s.onion, name=s.name, kind=s.kind)
            for s in _rows(session, Site, case_id)
        ),
        accounts=tuple(_accounts(_rows(session, Account, case_id), hidden)),
        listings=tuple(
            share.Listing(
                **_common(x),
                account_id=str(x.account_id),
                url=x.url,
                title=x.title,
                category=x.category,
                price=x.price,
                seen=x.seen,
            )
            for x in _rows(session, Listing, case_id)
        ),
        selectors=tuple(
            share.Selector(
                **_common(s),
                kind=s.kind,
                value=s.value,
                source_url=s.source,
                first_seen=s.first_seen,
                account_id=_sid(s.account_id),
            )
            for s in _rows(session, Selector, case_id)
        ),
        wallets=tuple(wallets),
        traces=tuple(
            share.Trace(
                **_common(t),
                title=t.title,
                chain=t.chain,
                picture=t.picture,
                hops=tuple(_hop(h) for h in t.hops),
            )
            for t in traces
        ),
        identities=tuple(_identity(i) for i in identities),
        notes=tuple(notes + wallet_notes),
        evidence=tuple(
            share.EvidenceItem(
                **_common(e),
                file_name=e.file_name,
                sha256=e.sha256,
                size=e.size,
                signer_fingerprint=e.signer,
                captured_at=e.captured_at,
                source_url=e.source_url,
                description=e.description,
            )
            for e in evidence
        ),
        custody=tuple(
            share.CustodyEntry(
                evidence_id=str(c.evidence_id),
                actor=c.user,
                action=c.action,
                reason=c.reason,
                time=datetime.fromisoformat(c.at.replace("Z", "+00:00")),
                entry_hash=c.hash,
            )
            for c in custody
        ),
        methods=_methods(evidence, identities, clusters, traces),
    )
