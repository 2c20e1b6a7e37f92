"""A trace as a prosecutor reads it: JSON, CSV, plain text, and a picture (PNG)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from darkrange.chain._trace import Hop, Trace
from darkrange.errors import InputError

FIELDS = ("hop", "txid", "time", "from_txid", "vout", "address", "amount", "taint",
          "heuristic", "confidence", "candidates", "payout_vout")  # fmt: skip
_EXPLAIN = {
    "start": "where the trace starts",
    "outspend": "spends an output of the previous transaction (on the chain)",
    "prevout": "funded the previous transaction (on the chain)",
    "wallet": "paid out by the wallet that received the money (heuristic: custodial wallet)",
    "service": "a payout of the service the money was deposited with, matched by amount minus"
    " a fee and by time (heuristic: service amount/time correlation; candidates compete)",
}


def as_json(t: Trace) -> str:
    return json.dumps(
        {
            "start": {"kind": t.start.kind, "value": t.start.value},
            "direction": t.direction,
            "model": t.model,
            "hops": t.max_hops,
            "start_value_sat": t.start_value,
            "truncated": t.truncated,
            "capped": [{"hop": h, "left_out": n} for h, n in t.capped],
            "links": [h.as_json() for h in t.hops],
        },
        indent=1,
    )


def as_csv(t: Trace) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FIELDS)
    for h in t.hops:
        writer.writerow([getattr(h, f) if getattr(h, f) is not None else "" for f in FIELDS])
    return buf.getvalue()


def _btc(sat: int) -> str:
    return f"{sat / 1e8:.8f} BTC"


def as_text(t: Trace) -> str:
    lines = [
        f"Trace of {t.start.kind} {t.start.value}: {t.direction}, up to {t.max_hops} hop(s), "
        f"taint model {t.model}; {_btc(t.start_value)} traced.",
    ]
    if t.truncated:
        lines.append("The trace stopped early: it reached the limit on transactions.")
    for hop, left in t.capped:
        lines.append(f"Hop {hop}: {left} transaction(s) carrying the least money not followed "
                     "(fan-out cap).")  # fmt: skip
    for hop in range(t.max_hops + 1):
        links = t.reached(hop)
        if not links:
            continue
        lines.append("")
        lines.append(f"Hop {hop}: {len(links)} link(s)")
        for h in links:
            lines.append(_line(h, t.direction))
    lines.append("")
    lines.append("Heuristics: " + "; ".join(f"{k}: {v}" for k, v in _EXPLAIN.items()) + ".")
    return "\n".join(lines) + "\n"


def _line(h: Hop, direction: str) -> str:
    where = f"output {h.vout} to {h.address}" if h.vout is not None else "start"
    link = f" from {h.from_txid}" if h.from_txid else ""
    lead = ""
    if h.heuristic == "service":
        lead = f" (payout output {h.payout_vout}; 1 of {h.candidates} candidate payouts)"
    return (
        f"  {h.time}  tx {h.txid}{link}, {where}: amount {_btc(h.amount)}, "
        f"traced {_btc(h.taint)}; {h.heuristic}, confidence {h.confidence:.2f}{lead}"
    )


def write_png(t: Trace, path: Path) -> None:
    """Transactions in columns by hop, arrows for links (labelled with traced BTC)."""
    if path.is_dir() or not path.parent.is_dir():
        raise InputError(f"cannot write the picture to {path}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns: dict[int, list[str]] = {}
    for h in t.hops:
        col = columns.setdefault(h.hop, [])
        if h.txid not in col:
            col.append(h.txid)
    pos = {(hop, tx): (hop, -i) for hop, txs in columns.items() for i, tx in enumerate(txs[:40])}
    where = {tx: xy for (_, tx), xy in pos.items()}
    height = max((len(c) for c in columns.values()), default=1)
    fig, ax = plt.subplots(figsize=(3 + 2.5 * len(columns), 1 + 0.5 * min(height, 40)))
    for h in t.hops:
        if h.from_txid in where and h.txid in where:
            (x0, y0), (x1, y1) = where[h.from_txid], where[h.txid]
            style = {"wallet": "--", "service": ":"}.get(h.heuristic, "-")
            ax.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": "->", "ls": style})
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, f"{h.taint / 1e8:.4f}", fontsize=6)
    for tx, (x, y) in where.items():
        ax.plot([x], [y], "o", color="tab:blue")
        ax.text(x, y + 0.15, tx[:10], fontsize=6, ha="center")
    ax.set_xlabel("hop")
    ax.set_yticks([])
    ax.set_title(f"{t.direction} trace of {t.start.value[:20]} ({t.model})", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
