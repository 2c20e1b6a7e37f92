"""The frame of a STIX 2.1 bundle for a case: deterministic ids, markings, references between
items, and the case grouping that carries evidence, custody and methods.

`_stix_export` adds one method per kind of case item on top of this frame.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from darkrange.share._codes import TLP_MARKING_IDS, evaluation_json
from darkrange.share._snapshot import Account, CaseSnapshot, Evaluation
from darkrange.share._stix_base import (
    CUSTOM_SCOS,
    DARKRANGE_NS,
    HANDLING_MARKING_IDS,
    sco_id,
    timestamp,
)

FORMAT_VERSION = "1"


class BundleFrame:
    def __init__(self, snap: CaseSnapshot, now: datetime, *, pseudonymised: bool) -> None:
        self.snap = snap
        self.case = snap.case
        self.ns = uuid.uuid5(DARKRANGE_NS, f"{self.case.owner_agency}\x00{self.case.id}")
        self.now = timestamp(now)
        self.created = timestamp(self.case.created) if self.case.created else self.now
        self.tlp = TLP_MARKING_IDS[self.case.tlp]
        self.agency = self.sdo_id("identity", "agency")
        self.pseudonymised = pseudonymised
        self.objects: dict[str, dict[str, Any]] = {}
        self.handling_used: set[str] = set()
        self.actors = {p.id for p in snap.persons if p.category in ("suspect", "convicted")}

    # ids and common properties

    def sdo_id(self, kind: str, key: str) -> str:
        return f"{kind}--{uuid.uuid5(self.ns, f'{kind}/{key}')}"

    def markings(self, handling: str) -> list[str]:
        self.handling_used.add(handling)
        return [self.tlp, HANDLING_MARKING_IDS[handling]]

    def sdo(self, kind: str, key: str, ev: Evaluation, **props: Any) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "type": kind,
            "spec_version": "2.1",
            "id": self.sdo_id(kind, key),
            "created": self.created,
            "modified": max(self.now, self.created),
            "created_by_ref": self.agency,
            "object_marking_refs": self.markings(ev.handling),
            "x_darkrange_evaluation": evaluation_json(ev),
        }
        obj.update({k: v for k, v in props.items() if v not in (None, "", [], {})})
        self.objects[obj["id"]] = obj
        return obj

    def sco(self, sco_kind: str, **props: Any) -> str:
        oid = sco_id(sco_kind, props)
        if oid not in self.objects:
            obj: dict[str, Any] = {"type": sco_kind, "spec_version": "2.1", "id": oid, **props}
            if sco_kind in CUSTOM_SCOS:
                obj["extensions"] = {CUSTOM_SCOS[sco_kind]: {"extension_type": "new-sco"}}
            obj["object_marking_refs"] = self.markings(self.case.handling)
            self.objects[oid] = obj
        return oid

    def rel(
        self, src: str, kind: str, dst: str, key: str, ev: Evaluation, **props: Any
    ) -> dict[str, Any]:
        return self.sdo(
            "relationship", key, ev, relationship_type=kind, source_ref=src, target_ref=dst, **props
        )

    # references between items

    def person_ref(self, pid: str) -> str:
        kind = "threat-actor" if pid in self.actors else "identity"
        return self.sdo_id(kind, f"person/{pid}")

    def account_ref(self, a: Account) -> str:
        return sco_id("user-account", account_props(a))

    def item_ref(self, ref: str) -> str:
        kind, _, item = ref.partition(":")
        accounts = {a.id: a for a in self.snap.accounts}
        identities = {i.id: i for i in self.snap.identities}
        if kind == "person":
            return self.person_ref(item)
        if kind == "account":
            return self.account_ref(accounts[item])
        if kind == "identity":
            carrier = "note" if identities[item].status == "confirmed" else "opinion"
            return self.sdo_id(carrier, f"identity/{item}")
        carriers = {
            "site": "infrastructure",
            "listing": "observed-data",
            "selector": "indicator",
            "wallet": "grouping",
            "trace": "grouping",
            "note": "note",
        }
        if kind in carriers:
            return self.sdo_id(carriers[kind], f"{kind}/{item}")
        return self.sdo_id("grouping", "case")  # evidence lives on the case

    def grouping(self) -> dict[str, Any]:
        case = self.case
        snap = self.snap
        refs = [oid for oid in self.objects if oid != self.agency]
        evidence = [
            {
                **{k: v for k, v in asdict(e).items() if k not in ("evaluation", "provenance")},
                "captured_at": timestamp(e.captured_at) if e.captured_at else None,
                "evaluation": evaluation_json(e.evaluation),
                **provenance(e.provenance),
            }
            for e in snap.evidence
        ]
        custody = [{**asdict(c), "time": timestamp(c.time)} for c in snap.custody]
        grouping = self.sdo(
            "grouping",
            "case",
            Evaluation(source="A", information=1, handling=case.handling),
            name=case.title,
            description=case.description or case.purpose,
            context="suspicious-activity",
            object_refs=refs or [self.agency],
            external_references=[
                {
                    "source_name": "darkrange-evidence",
                    "external_id": e.file_name,
                    "description": e.description or f"Evidence package {e.file_name}",
                    "hashes": {"SHA-256": e.sha256},
                }
                for e in snap.evidence
            ],
            x_darkrange_case={
                "format_version": FORMAT_VERSION,
                "id": case.id,
                "title": case.title,
                "purpose": case.purpose,
                "legal_basis": case.legal_basis,
                "tlp": case.tlp,
                "pap": case.pap,
                "handling": case.handling,
                "owner_agency": case.owner_agency,
                "created": timestamp(case.created) if case.created else None,
                "description": case.description,
                "pseudonymised": self.pseudonymised,
            },
            x_darkrange_evidence=evidence,
            x_darkrange_custody=custody,
            x_darkrange_methods=[asdict(m) for m in snap.methods],
        )
        del self.objects[grouping["id"]]
        return grouping


def account_props(a: Account) -> dict[str, Any]:
    return {"user_id": f"{a.handle}@{a.site}", "account_login": a.handle}


def provenance(p: object) -> dict[str, Any]:
    if p is None:
        return {}
    data = asdict(p)  # type: ignore[call-overload]
    if data.get("imported_at") is not None:
        data["imported_at"] = timestamp(data["imported_at"])
    return {"provenance": data}
