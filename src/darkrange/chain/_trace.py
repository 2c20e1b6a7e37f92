"""k-hop traces: follow the money forward (outspends) or backward (prevouts) under a taint model.

A trace keeps, for every output (forward) or input (backward) it reached, how many satoshis
of the traced money it carries. Each hop recomputes the reached transactions' outputs (or
inputs) from everything tainted so far and pushes only the increase on, so a transaction
reached twice is counted once and every taint model stays consistent.

Every hop of the report is a fact of the chain (an output spent by a transaction) with the
heuristic that linked it and a confidence; see `Hop`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from darkrange.chain._graph import IntArray, TxGraph
from darkrange.chain._service import ServiceHop, Services
from darkrange.chain._taint import MODELS, spread
from darkrange.chain._wallets import WALLET_CONFIDENCE, Wallets
from darkrange.errors import InputError

DIRECTIONS = ("forward", "backward")
FANOUT = 500  # transactions followed per hop at most, the biggest flows first (0: no cap)


@dataclass(frozen=True)
class Start:
    """Where a trace starts: an address, a transaction or a cluster (named by an address)."""

    kind: str  # address | tx | cluster
    value: str


@dataclass
class Hop:
    """One link of the trace: money moving from one transaction to the next."""

    hop: int  # 0 for the starting transactions
    txid: str  # the transaction reached
    time: str  # its block time, UTC
    from_txid: str | None  # forward: the transaction whose output it spends; backward: funded
    vout: int | None  # the output that links them
    address: str | None  # the output's address
    amount: int  # the output's value, satoshi
    taint: int  # satoshis of the traced money on this link
    heuristic: str  # start | outspend | prevout | wallet | service (see _EXPLAIN in _report)
    confidence: float  # 1.0: the link is on the chain; lower when a heuristic guessed it
    candidates: int = 0  # service hops: payouts that matched the same entry (competitors + 1)
    payout_vout: int | None = None  # service hops: the payout output that matched

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Trace:
    start: Start
    direction: str
    model: str
    max_hops: int
    hops: list[Hop] = field(default_factory=list)
    truncated: bool = False  # stopped at max_txs before reaching max_hops
    # (hop, transactions left out): hops where more transactions were reached than the fan-out
    # cap allows; those carrying the least traced money were not followed
    capped: list[tuple[int, int]] = field(default_factory=list)
    start_value: int = 0  # satoshis traced from the start

    def txids(self) -> set[str]:
        return {h.txid for h in self.hops}

    def reached(self, hop: int) -> list[Hop]:
        return [h for h in self.hops if h.hop == hop]


def start_rows(graph: TxGraph, start: Start, direction: str, clusters: IntArray | None) -> IntArray:
    """Output rows the trace starts from (forward) or explains (backward)."""
    if start.kind == "tx":
        t = graph.tx_index(start.value)
        if direction == "forward":
            return np.arange(graph.tx_out_ptr[t], graph.tx_out_ptr[t + 1])
        prevs = graph.in_prev[graph.tx_in_ptr[t] : graph.tx_in_ptr[t + 1]]
        return np.asarray(prevs[prevs >= 0])
    if start.kind == "address":
        members = np.asarray([graph.address_index(start.value)])
    elif start.kind == "cluster":
        if clusters is None:
            raise InputError("tracing a cluster needs the clusters (run `chain cluster` first)")
        root = graph.address_index(start.value)
        if clusters[root] != root:
            raise InputError(f"{start.value} is not a cluster id (its cluster is named "
                             f"{graph.address(int(clusters[root]))})")  # fmt: skip
        members = np.flatnonzero(clusters == root)
    else:
        raise InputError(f"unknown start {start.kind!r}: address, tx or cluster")
    # forward: the coins the address received; backward: what funded them
    return np.concatenate([graph.outputs_to(int(a)) for a in members])


def _strings(array: pa.Array, ids: IntArray) -> list[Any]:
    """array[ids] as Python values, None where the id is -1."""
    return list(array.take(pa.array(ids, mask=ids < 0)).to_pylist())


def _hops(g: TxGraph, links: list[list[Any]]) -> list[Hop]:
    """Hops from the tracer's integer links, sorted by (hop, time, txid, vout)."""
    if not links:
        return []
    cols = list(zip(*links, strict=True))
    hop, t, other, row, override = (np.asarray(cols[i], dtype=np.int64) for i in (0, 1, 2, 3, 9))
    has_row = row >= 0
    safe = np.where(has_row, row, 0)
    vout = np.where(has_row, safe - g.tx_out_ptr[g.out_txs[safe]], 0)
    amount = np.where(override >= 0, override, np.where(has_row, g.out_value[safe], 0))
    times = g.tx_time[t]
    # txids are sorted, so a transaction's index orders like its txid; times like their text
    order = np.lexsort((vout, t, times, hop))
    text = np.datetime_as_string(times[order].astype("datetime64[s]"), unit="s")
    txids = _strings(g.txids, t[order])
    others = _strings(g.txids, other[order])
    addresses = _strings(g.addresses, np.where(has_row, g.out_addr[safe], -1)[order])
    hops = []
    for k, i in enumerate(order.tolist()):
        _, _, _, r, taint, how, confidence, candidates, p = links[i][:9]
        hops.append(Hop(
            hop=int(hop[i]), txid=txids[k], time=f"{text[k]}Z", from_txid=others[k],
            vout=int(vout[i]) if r >= 0 else None, address=addresses[k], amount=int(amount[i]),
            taint=int(taint), heuristic=how, confidence=confidence, candidates=candidates,
            payout_vout=None if p < 0 else p - int(g.tx_out_ptr[t[i]]),
        ))  # fmt: skip
    return hops


class _Tracer:
    def __init__(
        self, graph: TxGraph, model: str, max_txs: int, min_taint: float,
        wallets: Wallets | None = None, services: Services | None = None,
        stop: Callable[[int], bool] | None = None, fanout: int = 0,
    ) -> None:  # fmt: skip
        self.g = graph
        self.fanout = fanout  # at most this many transactions a hop (0: no cap)
        self.capped: list[tuple[int, int]] = []
        self.wallets = wallets
        self.services = services
        self.stop = stop  # rows the taint reaches but does not go beyond (exposure)
        self.taint_out: dict[int, float] = {}
        self.row_hop: dict[int, int] = {}  # hop at which each row first got taint
        self.direct: dict[int, float] = defaultdict(float)  # service carries per payout row
        self.hop = 0
        self.model = model
        self.max_txs = max_txs
        self.min_taint = min_taint
        # (row, tx) -> [hop, tx, from tx, row, taint, heuristic, confidence, candidates,
        #               payout row, amount when not the row's value]; -1: none
        self.links: dict[tuple[int, int], list[Any]] = {}
        self.seen_tx: set[int] = set()

    def _link(
        self, hop: int, t: int, other: int | None, row: int, taint: float, how: str,
        confidence: float = 1.0, candidates: int = 0, payout: int | None = None,
    ) -> None:  # fmt: skip
        # kept as integers: the strings of the report are looked up once, for all links
        key = (row, t)
        if key in self.links:
            self.links[key][4] += round(taint)
            return
        other_tx = -1 if other is None else other
        payout_row = -1 if payout is None else payout
        self.links[key] = [hop, t, other_tx, row, round(taint), how, confidence, candidates,
                           payout_row, -1]  # fmt: skip

    def report(self) -> list[Hop]:
        """The links as hops, in report order (hop, time, transaction, output)."""
        return _hops(self.g, list(self.links.values()))

    def _cap(self, hop: int, weight: dict[int, float]) -> list[int]:
        """The hop's transactions in order, only the `fanout` carrying most money when capped.

        Hubs (an exchange's batch payout, a consolidation of hundreds of deposits) spread a
        sliver of taint over thousands of transactions within a few hops; following the
        biggest flows keeps a trace readable and fast, and the report says what was left.
        """
        txs = sorted(weight)
        if not self.fanout or len(txs) <= self.fanout:
            return txs
        kept = sorted(txs, key=lambda t: (-weight[t], t))[: self.fanout]
        self.capped.append((hop, len(txs) - self.fanout))
        return sorted(kept)

    def forward(self, seed: dict[int, float], max_hops: int) -> bool:
        g = self.g
        taint_out: dict[int, float] = defaultdict(float)
        self.taint_out = taint_out
        extra: dict[int, float] = defaultdict(float)  # taint reaching a tx through a wallet
        frontier = dict(seed)
        for row, value in seed.items():
            taint_out[row] = value
            self.row_hop[row] = 0
            t = g.out_tx(row)
            self.seen_tx.add(t)
            self._link(0, t, None, row, value, "start")
        for hop in range(1, max_hops + 1):
            self.hop = hop
            by_tx: dict[int, list[int]] = defaultdict(list)
            jumps: dict[int, list[tuple[int, float]]] = defaultdict(list)
            served: dict[int, list[tuple[int, ServiceHop]]] = defaultdict(list)
            for row, delta in frontier.items():
                if delta < self.min_taint or (hop > 1 and self.stop and self.stop(row)):
                    continue
                t = int(g.out_spender[row])
                if t >= 0:
                    by_tx[t].append(row)
                entered = self.services.hops(row, delta) if self.services else []
                for s in entered:
                    if s.tx not in (t, g.out_tx(row)):
                        served[s.tx].append((row, s))
                if self.wallets is not None and not entered:
                    for tx, carry in self.wallets.carries(row, delta, self.model):
                        if tx not in (t, g.out_tx(row)):
                            jumps[tx].append((row, carry))
            weight: dict[int, float] = defaultdict(float)
            for t, rows in by_tx.items():
                weight[t] += sum(frontier[r] for r in rows)
            for t, carries in jumps.items():
                weight[t] += sum(c for _, c in carries)
            for t, entries in served.items():
                weight[t] += sum(sh.carry for _, sh in entries)
            frontier = {}
            for t in self._cap(hop, weight):
                if len(self.seen_tx) >= self.max_txs and t not in self.seen_tx:
                    return True
                self.seen_tx.add(t)
                for row in by_tx.get(t, []):
                    self._link(hop, t, g.out_tx(row), row, taint_out[row], "outspend")
                for row, carry in jumps.get(t, []):
                    extra[t] += carry
                    self._link(hop, t, g.out_tx(row), row, carry, "wallet", WALLET_CONFIDENCE)
                for row, s in served.get(t, []):
                    self.direct[s.row] += s.carry
                    self._link(hop, t, g.out_tx(row), row, s.carry, "service", s.confidence,
                               s.candidates, s.row)  # fmt: skip
                self._push(t, taint_out, extra[t], frontier)
        return False

    def _push(
        self, t: int, taint_out: dict[int, float], extra: float, frontier: dict[int, float]
    ) -> None:
        """Recompute t's output taint from its inputs (and wallet carries); push increases."""
        g = self.g
        i0, i1 = int(g.tx_in_ptr[t]), int(g.tx_in_ptr[t + 1])
        prevs = g.in_prev[i0:i1].tolist()
        values = g.in_value[i0:i1].tolist()
        taints = [taint_out.get(p, 0.0) if p >= 0 else 0.0 for p in prevs]
        outs = g.outputs(t)
        out_values = g.out_value[outs.start : outs.stop].tolist()
        new = spread(self.model, values, taints, out_values)
        if extra > 0:
            # wallet carries go to the payout's outputs in proportion to value
            total = sum(out_values) or 1
            new = [min(v, n + extra * v / total) for n, v in zip(new, out_values, strict=True)]
        for r, value in zip(outs, new, strict=True):
            if r in self.direct:  # a service payout matched: its carry lands on this output
                value = min(float(g.out_value[r]), value + self.direct[r])
            delta = value - taint_out.get(r, 0.0)
            if delta > 0:
                taint_out[r] = value
                frontier[r] = delta
                self.row_hop.setdefault(r, self.hop)

    def backward(self, seed: dict[int, float], max_hops: int, first: int = 0) -> bool:
        """Seed: output rows with the taint to explain; walks to the outputs that funded them."""
        g = self.g
        taint_out: dict[int, float] = defaultdict(float)
        self.taint_out = taint_out
        frontier = dict(seed)
        for row, value in seed.items():
            taint_out[row] = value
            self.row_hop[row] = 0
        for hop in range(first, max_hops + 1):
            by_tx: dict[int, list[int]] = defaultdict(list)
            for row, delta in frontier.items():
                stopped = hop > first and self.stop is not None and self.stop(row)
                if delta >= self.min_taint and not stopped:
                    by_tx[g.out_tx(row)].append(row)
            weight = {t: sum(frontier[r] for r in rows) for t, rows in by_tx.items()}
            frontier = {}
            for t in self._cap(hop, weight):
                if len(self.seen_tx) >= self.max_txs and t not in self.seen_tx:
                    return True
                self.seen_tx.add(t)
                for row in by_tx[t]:
                    spender = int(g.out_spender[row])
                    how = "start" if hop == 0 else "prevout"
                    other = spender if spender >= 0 and hop > 0 else None
                    self._link(hop, t, other, row, taint_out[row], how)
                if hop == max_hops:
                    continue
                outs = g.outputs(t)
                out_values = [int(g.out_value[r]) for r in outs]
                out_taints = [taint_out.get(r, 0.0) for r in outs]
                ins = g.inputs(t)
                in_values = [max(int(g.in_value[i]), 0) for i in ins]
                funded = spread(self.model, out_values, out_taints, in_values)
                for i, value in zip(ins, funded, strict=True):
                    p = int(g.in_prev[i])
                    if p < 0:
                        continue
                    delta = value - taint_out.get(p, 0.0)
                    if delta > 0:
                        taint_out[p] = value
                        frontier[p] = delta
                        self.row_hop.setdefault(p, hop + 1)
        return False


def trace(
    graph: TxGraph,
    start: Start,
    *,
    direction: str = "forward",
    hops: int = 5,
    model: str = "haircut",
    clusters: IntArray | None = None,
    wallets: Wallets | None = None,
    services: Services | None = None,
    max_txs: int = 10_000,
    min_taint: float = 1.0,
    fanout: int = FANOUT,
) -> Trace:
    """Follow the money `hops` hops from `start`; at most `max_txs` transactions are reached."""
    if direction not in DIRECTIONS:
        raise InputError(f"--direction must be forward or backward, not {direction!r}")
    if model not in MODELS:
        raise InputError(f"--model must be one of {', '.join(MODELS)}, not {model!r}")
    if hops < 0 or hops > 50:
        raise InputError(f"--hops must be between 0 and 50, not {hops}")
    rows = start_rows(graph, start, direction, clusters)
    seed = {int(r): float(graph.out_value[r]) for r in rows}
    result = Trace(start, direction, model, hops, start_value=int(sum(seed.values())))
    tracer = _Tracer(graph, model, max_txs, min_taint, wallets, services, fanout=fanout)
    if direction == "forward":
        result.truncated = tracer.forward(seed, hops)
    elif start.kind == "tx":
        t = graph.tx_index(start.value)
        tracer.seen_tx.add(t)
        total = int(sum(seed.values()))
        tracer.links[(-1, t)] = [0, t, -1, -1, total, "start", 1.0, 0, -1, total]
        result.truncated = tracer.backward(seed, hops, first=1)
    else:
        result.truncated = tracer.backward(seed, hops)
    result.hops = tracer.report()
    result.capped = tracer.capped
    return result
