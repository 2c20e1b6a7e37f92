"""A trace as rows for the table and as an SVG picture: transactions in columns by hop, an
arrow for each link labelled with the traced BTC (dashed when a heuristic guessed it), drawn on
the server so the page needs no script and prints as it shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from darkrange.chain._trace import Trace

COLUMN_W = 260
ROW_H = 56
BOX_W = 150
BOX_H = 40
MAX_NODES = 300  # beyond this the picture is cut (the table stays complete)


@dataclass
class HopRow:
    hop: int
    txid: str
    time: str
    from_ref: str | None  # the transaction it came from (or address, for a case's trace)
    address: str | None
    amount: int  # satoshi
    taint: int  # satoshi of the traced money
    heuristic: str
    confidence: float

    @property
    def btc(self) -> str:
        return f"{self.taint / 1e8:.8f}"


@dataclass
class Picture:
    width: int
    height: int
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    cut: bool = False


def rows_of_trace(t: Trace) -> list[HopRow]:
    return [
        HopRow(h.hop, h.txid, h.time, h.from_txid, h.address, h.amount, h.taint, h.heuristic,
               h.confidence)
        for h in t.hops
    ]  # fmt: skip


def _time(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value or "")


def rows_of_case_trace(hops: list[dict[str, Any]]) -> list[HopRow]:
    """A trace kept in a case: its hops in order, each coming from the one before."""
    rows: list[HopRow] = []
    previous: str | None = None
    for n, h in enumerate(hops):
        txid = str(h.get("txid", ""))
        amount = int(h.get("amount") or 0)
        rows.append(
            HopRow(
                int(h.get("hop", n)), txid, _time(h.get("time")), previous,
                h.get("to_address"), amount, int(h.get("taint", amount) or 0),
                str(h.get("heuristic", "")), float(h.get("confidence", 1.0) or 0.0),
            )
        )  # fmt: skip
        previous = txid
    return rows


def picture(rows: list[HopRow]) -> Picture:
    """Lay the transactions out in columns by hop; one arrow per link between two of them."""
    place: dict[str, tuple[int, int]] = {}
    per_column: dict[int, int] = {}
    pic = Picture(0, 0)
    for row in rows:
        if row.txid in place:
            continue
        if len(place) >= MAX_NODES:
            pic.cut = True
            break
        slot = per_column.get(row.hop, 0)
        per_column[row.hop] = slot + 1
        x, y = 10 + row.hop * COLUMN_W, 30 + slot * ROW_H
        place[row.txid] = (x, y)
        pic.nodes.append(
            {"x": x, "y": y, "w": BOX_W, "h": BOX_H, "label": row.txid[:16] + "…",
             "time": row.time, "txid": row.txid}
        )  # fmt: skip
    for row in rows:
        if row.from_ref not in place or row.txid not in place or row.from_ref == row.txid:
            continue
        (x1, y1), (x2, y2) = place[str(row.from_ref)], place[row.txid]
        guess = row.confidence < 1.0
        # amounts on the links the chain itself shows; a guessed link (a service payout
        # candidate, a wallet hop) is dashed and its amount is in the table, not on the arrow
        pic.edges.append(
            {"x1": x1 + BOX_W, "y1": y1 + BOX_H // 2, "x2": x2, "y2": y2 + BOX_H // 2,
             "label": "" if guess else f"{row.btc} BTC", "dashed": guess,
             "lx": x2 - 4, "ly": y2 + BOX_H // 2 - 4}
        )  # fmt: skip
    columns = max(per_column, default=0) + 1
    pic.width = 20 + columns * COLUMN_W
    pic.height = 40 + max(per_column.values(), default=1) * ROW_H
    return pic
