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

from darkrange.chain._graph import IntArray, TxGraph
from darkrange.chain._service import ServiceHop, Services
from darkrange.chain._taint import MODELS, spread
from darkrange.chain._wallets import WALLET_CONFIDENCE, Wallets
from darkrange.errors import InputError

DIRECTIONS = ("forward", "backward")


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


class _Tracer:
    def __init__(
        self, graph: TxGraph, model: str, max_txs: int, min_taint: float,
        wallets: Wallets | None = None, services: Services | None = None,
        stop: Callable[[int], bool] | None = None,
    ) -> None:  # fmt: skip
        self.g = graph
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
        self.hops: list[Hop] = []
        self.links: dict[tuple[int, int], Hop] = {}  # (row, tx) -> its hop
        self.seen_tx: set[int] = set()

    def _link(
        self, hop: int, t: int, other: int | None, row: int, taint: float, how: str,
        confidence: float = 1.0, candidates: int = 0, payout: int | None = None,
    ) -> None:  # fmt: skip
        key = (row, t)
        if key in self.links:
            self.links[key].taint += round(taint)
            return
        g = self.g
        payout_vout = None if payout is None else payout - int(g.tx_out_ptr[t])
        link = Hop(
            hop=hop, txid=g.txid(t), time=g.time_text(t),
            from_txid=None if other is None else g.txid(other),
            vout=row - int(g.tx_out_ptr[g.out_tx(row)]) if row >= 0 else None,
            address=g.address(int(g.out_addr[row])) if row >= 0 else None,
            amount=int(g.out_value[row]) if row >= 0 else 0,
            taint=round(taint), heuristic=how, confidence=confidence,
            candidates=candidates, payout_vout=payout_vout,
        )  # fmt: skip
        self.links[key] = link
        self.hops.append(link)

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
            frontier = {}
            for t in sorted(set(by_tx) | set(jumps) | set(served)):
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
        ins = g.inputs(t)
        prevs = [int(g.in_prev[i]) for i in ins]
        values = [int(g.in_value[i]) for i in ins]
        taints = [taint_out.get(p, 0.0) if p >= 0 else 0.0 for p in prevs]
        outs = g.outputs(t)
        out_values = [int(g.out_value[r]) for r in outs]
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
            frontier = {}
            for t in sorted(by_tx):
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
    tracer = _Tracer(graph, model, max_txs, min_taint, wallets, services)
    if direction == "forward":
        result.truncated = tracer.forward(seed, hops)
    elif start.kind == "tx":
        t = graph.tx_index(start.value)
        tracer.seen_tx.add(t)
        tracer.hops.append(
            Hop(
                0,
                graph.txid(t),
                graph.time_text(t),
                None,
                None,
                None,
                int(sum(seed.values())),
                int(sum(seed.values())),
                "start",
                1.0,
            )
        )
        result.truncated = tracer.backward(seed, hops, first=1)
    else:
        result.truncated = tracer.backward(seed, hops)
    result.hops = sorted(tracer.hops, key=lambda h: (h.hop, h.time, h.txid, h.vout or 0))
    return result
