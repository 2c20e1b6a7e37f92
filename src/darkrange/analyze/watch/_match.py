"""Watchlists applied to page records and to new blocks of a chain store: alerts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from darkrange.analyze.link import check_records, first_pointer, read_kind
from darkrange.analyze.watch._watchlist import Watchlist
from darkrange.extract import find_selectors

__all__ = ["Alert", "match_chain", "match_records"]

# Per record kind: the fields holding text, the handle fields and what identifies the record.
_TEXT = {
    "listings": ("title", "description"),
    "vendors": ("handle", "terms"),
    "reviews": ("text",),
    "threads": ("title",),
    "posts": ("text",),
    "pastes": ("title", "text"),
}
_HANDLES = {
    "listings": ("vendor",),
    "vendors": ("handle",),
    "reviews": ("vendor",),
    "threads": ("author",),
    "posts": ("author",),
    "pastes": (),
}
_IDS = {
    "listings": ("listing_id",),
    "vendors": ("handle",),
    "reviews": ("listing_id", "buyer", "time", "occurrence"),
    "threads": ("thread_id",),
    "posts": ("post_id",),
    "pastes": ("paste_id",),
}
_EXTRA = ("pgp_fingerprint", "contacts")


@dataclass(frozen=True)
class Alert:
    alert_id: str
    watchlist: str
    kind: str  # selector, handle, keyword, pattern, rule, chain
    rule: str
    matched: tuple[str, ...]
    where: dict[str, Any]  # record kind, site, id, url, pointer (or txid, height for chain)
    snippet: str

    def to_json(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "watchlist": self.watchlist,
            "kind": self.kind,
            "rule": self.rule,
            "matched": list(self.matched),
            "where": self.where,
            "snippet": self.snippet,
        }


def _alert_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]


def _snippet(text: str, needle: str, width: int = 80) -> str:
    at = text.casefold().find(needle.casefold()) if needle else -1
    at = max(at, 0)
    start = max(0, at - width // 2)
    piece = " ".join(text[start : start + width + len(needle)].split())
    return (
        ("..." if start else "")
        + piece
        + ("..." if start + width + len(needle) < len(text) else "")
    )


def _selectors(text: str, row: dict[str, Any]) -> set[str]:
    found = {s.normalized.casefold() for s in find_selectors(text) if s.valid}
    if row.get("pgp_fingerprint"):
        found.add(str(row["pgp_fingerprint"]).replace(" ", "").casefold())
    for contact in row.get("contacts") or []:
        if isinstance(contact, dict) and contact.get("value"):
            found.add(str(contact["value"]).casefold())
    return found


Match = tuple[str, str, tuple[str, ...], str]


def _record_matches(w: Watchlist, kind: str, row: dict[str, Any]) -> Iterator[Match]:
    """(kind, rule, matched, needle for the snippet) for everything the record matches."""
    text = "\n".join(str(row.get(f) or "") for f in _TEXT[kind])
    folded = text.casefold()
    if w.selectors:
        found = _selectors(text, row)
        for sel in w.selectors:
            key = sel.replace(" ", "").casefold()
            if key in found or (len(key) >= 8 and key in folded):
                yield "selector", sel, (sel,), sel
    for field_name in _HANDLES[kind]:
        handle = row.get(field_name)
        watched = w.handle_match(str(handle)) if handle else None
        if watched:
            yield "handle", watched, (str(handle),), str(handle)
    for word, regex in w.keywords:
        m = regex.search(text)
        if m:
            yield "keyword", word, (m.group(0),), m.group(0)
    for name, regex in w.patterns:
        m = regex.search(text)
        if m:
            yield "pattern", name, (m.group(0),), m.group(0)
    for rule in w.rules:
        hit = rule.matches(text)
        if hit:
            first = rule.strings[hit[0]].search(text)
            yield "rule", rule.name, tuple(hit), first.group(0) if first else ""


def match_records(w: Watchlist, records: Path) -> list[Alert]:
    """Every match of the watchlist in a records folder, one alert per (rule, record)."""
    check_records(records)
    alerts: list[Alert] = []
    for kind in _TEXT:
        columns = [
            "site",
            "site_name",
            "url",
            "pointers",
            *_TEXT[kind],
            *_HANDLES[kind],
            *_IDS[kind],
            *(_EXTRA if kind == "vendors" else ()),
        ]
        for row in read_kind(records, kind, list(dict.fromkeys(columns))):
            ident = [str(row.get(k)) for k in _IDS[kind]]
            for what, rule, matched, needle in _record_matches(w, kind, row):
                text = "\n".join(str(row.get(f) or "") for f in _TEXT[kind])
                where = {
                    "record": kind,
                    "site": row.get("site"),
                    "site_name": row.get("site_name"),
                    "id": "/".join(ident),
                    "url": row.get("url"),
                    "pointer": first_pointer(row),
                }
                alerts.append(
                    Alert(
                        alert_id=_alert_id(w.name, what, rule, kind, row.get("site"), *ident),
                        watchlist=w.name,
                        kind=what,
                        rule=rule,
                        matched=matched,
                        where=where,
                        snippet=_snippet(text, needle),
                    )
                )
    return alerts


def match_chain(w: Watchlist, store: Path, after_height: int) -> tuple[list[Alert], int]:
    """Payments to or from watched addresses in blocks above `after_height`; returns the alerts
    and the highest block height stored (the next run starts after it)."""
    from darkrange.chain import ChainStore

    watched = [s for s in w.selectors if s]
    con = ChainStore.open(store).connect()
    try:
        top = con.execute("SELECT max(height) FROM blocks").fetchone()
        height = int(top[0]) if top and top[0] is not None else after_height
        if not watched:
            return [], height
        con.execute("CREATE TEMP TABLE watched(address VARCHAR)")
        con.executemany("INSERT INTO watched VALUES (?)", [(a,) for a in watched])
        rows = con.execute(
            "SELECT 'received', o.txid, o.block_height, o.vout, o.address, o.value "
            "FROM outputs o JOIN watched w ON o.address = w.address WHERE o.block_height > ? "
            "UNION ALL "
            "SELECT 'spent', i.txid, i.block_height, i.vin, i.address, i.value "
            "FROM inputs_resolved i JOIN watched w ON i.address = w.address "
            "WHERE i.block_height > ? ORDER BY 3, 2, 1, 4",
            [after_height, after_height],
        ).fetchall()
    finally:
        con.close()
    alerts = []
    for direction, txid, block, index, address, value in rows:
        where = {
            "record": "transaction",
            "txid": txid,
            "height": block,
            "index": index,
            "direction": direction,
            "address": address,
            "value_sat": value,
        }
        alerts.append(
            Alert(
                alert_id=_alert_id(w.name, "chain", address, txid, direction, index),
                watchlist=w.name,
                kind="chain",
                rule=address,
                matched=(address,),
                where=where,
                snippet=f"{address} {direction} {value} sat in {txid} (block {block})",
            )
        )
    return alerts, height
