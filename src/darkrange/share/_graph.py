"""Link-analysis exports (S7): GraphML and two CSV tables that Maltego and i2 import.

Entities carry Maltego's standard type names (maltego.Person, maltego.Alias, maltego.Domain,
maltego.URL, maltego.EmailAddress, maltego.PhoneNumber, maltego.BTCAddress,
maltego.ETHAddress, maltego.CryptocurrencyAddress, maltego.BTCTransaction,
maltego.CryptocurrencyOwner, maltego.Organization, maltego.File, maltego.Phrase); links
carry the relation (owns, member-of, hosts, seller-of, found-on, includes, sent, received,
same-actor). Columns are documented in docs/formats/exports.md.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from darkrange.errors import StateError
from darkrange.share._pseudonym import pseudonymise as _pseudonymise
from darkrange.share._snapshot import CaseSnapshot, Evaluation

ENTITY_COLUMNS = ("id", "type", "value", "label", "category", "evaluation", "handling", "notes")
LINK_COLUMNS = ("source", "target", "type", "label", "confidence", "evaluation")
_SELECTOR_TYPES = {
    "onion": "maltego.Domain",
    "domain": "maltego.Domain",
    "url": "maltego.URL",
    "email": "maltego.EmailAddress",
    "phone": "maltego.PhoneNumber",
    "btc": "maltego.BTCAddress",
    "bitcoin": "maltego.BTCAddress",
    "eth": "maltego.ETHAddress",
    "ethereum": "maltego.ETHAddress",
    "xmr": "maltego.CryptocurrencyAddress",
    "monero": "maltego.CryptocurrencyAddress",
    "ltc": "maltego.CryptocurrencyAddress",
}
_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


@dataclass
class LinkChart:
    """Entities and links of a case, as the link-analysis exports write them."""

    entities: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    _index: dict[tuple[str, str], str] = field(default_factory=dict)

    def entity(
        self,
        kind: str,
        value: str,
        label: str = "",
        category: str = "",
        ev: Evaluation | None = None,
        notes: str = "",
    ) -> str:
        key = (kind, value)
        if key not in self._index:
            ident = f"e{len(self._index) + 1}"
            self._index[key] = ident
            self.entities.append(
                {
                    "id": ident,
                    "type": kind,
                    "value": value,
                    "label": label or value,
                    "category": category,
                    "evaluation": ev.code.split()[0] if ev else "",
                    "handling": ev.handling if ev else "",
                    "notes": notes,
                }
            )
        return self._index[key]

    def link(
        self,
        source: str,
        target: str,
        kind: str,
        label: str = "",
        confidence: float | None = None,
        ev: Evaluation | None = None,
    ) -> None:
        self.links.append(
            {
                "source": source,
                "target": target,
                "type": kind,
                "label": label or kind,
                "confidence": "" if confidence is None else f"{confidence:.2f}",
                "evaluation": ev.code if ev else "",
            }
        )


def link_chart(snapshot: CaseSnapshot, *, pseudonymise: bool = True) -> LinkChart:
    """The case as entities and links (victims pseudonymised unless told otherwise)."""
    snap = _pseudonymise(snapshot) if pseudonymise else snapshot
    chart = LinkChart()
    ids: dict[str, str] = {}
    for p in snap.persons:
        kind = "maltego.Person" if p.actor_type == "criminal" else "maltego.Organization"
        ids[f"person:{p.id}"] = chart.entity(
            kind, p.display_name, category=p.category, ev=p.evaluation, notes=p.description
        )
    for p in snap.persons:
        if p.member_of:
            chart.link(ids[f"person:{p.id}"], ids[f"person:{p.member_of}"], "member-of")
    for s in snap.sites:
        ids[f"site:{s.id}"] = chart.entity("maltego.Domain", s.onion, s.name, s.kind, s.evaluation)
    for a in snap.accounts:
        ids[f"account:{a.id}"] = chart.entity(
            "maltego.Alias", a.handle, f"{a.handle} @ {a.site}", ev=a.evaluation, notes=a.url
        )
        site = chart.entity("maltego.Domain", a.site)
        chart.link(site, ids[f"account:{a.id}"], "hosts")
        if a.person_id:
            chart.link(
                ids[f"person:{a.person_id}"], ids[f"account:{a.id}"], "owns", ev=a.evaluation
            )
    for x in snap.listings:
        ids[f"listing:{x.id}"] = chart.entity(
            "maltego.URL", x.url, x.title, x.category, x.evaluation, x.price
        )
        chart.link(ids[f"account:{x.account_id}"], ids[f"listing:{x.id}"], "seller-of")
    for sel in snap.selectors:
        kind = _SELECTOR_TYPES.get(sel.kind.lower(), "maltego.Phrase")
        label = f"{sel.kind}: {sel.value}"
        ident = chart.entity(kind, sel.value, label, sel.kind, sel.evaluation, sel.source_url)
        if sel.account_id:
            chart.link(ident, ids[f"account:{sel.account_id}"], "found-on", ev=sel.evaluation)
    _money(snap, chart, ids)
    _identities(snap, chart, ids)
    for e in snap.evidence:
        chart.entity(
            "maltego.File",
            e.file_name,
            category="evidence",
            ev=e.evaluation,
            notes=f"sha256:{e.sha256}",
        )
    return chart


def _money(snap: CaseSnapshot, chart: LinkChart, ids: dict[str, str]) -> None:
    for w in snap.wallets:
        owner = chart.entity(
            "maltego.CryptocurrencyOwner",
            f"cluster {w.cluster_id}",
            category=",".join(w.tags),
            ev=w.evaluation,
        )
        for address in w.addresses:
            chart.link(owner, chart.entity("maltego.BTCAddress", address), "includes")
        if w.person_id:
            chart.link(ids[f"person:{w.person_id}"], owner, "owns", ev=w.evaluation)
    for t in snap.traces:
        for h in t.hops:
            tx = chart.entity(
                "maltego.BTCTransaction",
                h.txid,
                category=t.title,
                ev=t.evaluation,
                notes=f"{h.amount} sat, {h.heuristic}",
            )
            if h.from_address:
                source = chart.entity("maltego.BTCAddress", h.from_address)
                chart.link(source, tx, "sent", f"{h.amount} sat", h.confidence, t.evaluation)
            if h.to_address:
                target = chart.entity("maltego.BTCAddress", h.to_address)
                chart.link(tx, target, "received", f"{h.amount} sat", h.confidence, t.evaluation)


def _identities(snap: CaseSnapshot, chart: LinkChart, ids: dict[str, str]) -> None:
    for i in snap.identities:
        first = ids[f"account:{i.account_ids[0]}"]
        for other in i.account_ids[1:]:
            label = f"same actor ({i.status})"
            chart.link(first, ids[f"account:{other}"], "same-actor", label, i.score, i.evaluation)


def to_graphml(snapshot: CaseSnapshot, *, pseudonymise: bool = True) -> str:
    """The case as GraphML text, one node per entity and one edge per link."""
    chart = link_chart(snapshot, pseudonymise=pseudonymise)
    ET.register_namespace("", _GRAPHML_NS)
    root = ET.Element(f"{{{_GRAPHML_NS}}}graphml")
    for n, name in enumerate(ENTITY_COLUMNS[1:]):
        ET.SubElement(
            root,
            f"{{{_GRAPHML_NS}}}key",
            id=f"n{n}",
            attrib={"for": "node", "attr.name": name, "attr.type": "string"},
        )
    for n, name in enumerate(LINK_COLUMNS[2:]):
        ET.SubElement(
            root,
            f"{{{_GRAPHML_NS}}}key",
            id=f"l{n}",
            attrib={"for": "edge", "attr.name": name, "attr.type": "string"},
        )
    graph = ET.SubElement(
        root, f"{{{_GRAPHML_NS}}}graph", id=snapshot.case.id, edgedefault="directed"
    )
    for e in chart.entities:
        node = ET.SubElement(graph, f"{{{_GRAPHML_NS}}}node", id=e["id"])
        for n, name in enumerate(ENTITY_COLUMNS[1:]):
            ET.SubElement(node, f"{{{_GRAPHML_NS}}}data", key=f"n{n}").text = e[name]
    for m, link in enumerate(chart.links):
        edge = ET.SubElement(
            graph,
            f"{{{_GRAPHML_NS}}}edge",
            id=f"l{m + 1}",
            source=link["source"],
            target=link["target"],
        )
        for n, name in enumerate(LINK_COLUMNS[2:]):
            ET.SubElement(edge, f"{{{_GRAPHML_NS}}}data", key=f"l{n}").text = link[name]
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def to_csv(snapshot: CaseSnapshot, folder: Path, *, pseudonymise: bool = True) -> tuple[Path, Path]:
    """Write `entities.csv` and `links.csv` into `folder`; returns their paths.

    Each file is written whole to a temporary file and renamed, so a crash leaves either
    the old file or the new one, never half of one.
    """
    chart = link_chart(snapshot, pseudonymise=pseudonymise)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StateError(f"cannot create {folder}: {exc.strerror or exc}") from None
    entities = folder / "entities.csv"
    links = folder / "links.csv"
    _write_atomic(entities, _table(ENTITY_COLUMNS, chart.entities))
    _write_atomic(links, _table(LINK_COLUMNS, chart.links))
    return entities, links


def _table(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _write_atomic(path: Path, text: str) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise StateError(f"cannot write {path}: {exc.strerror or exc}") from None
