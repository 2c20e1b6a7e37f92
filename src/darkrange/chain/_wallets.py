"""Wallet pass-through: following money across a custodial wallet (market, mixer, exchange).

A service pays out with other coins than the ones it received, so the outspend graph breaks
there. When traced money lands in a wallet (a cluster of two or more addresses), the tracer
also follows what the wallet paid out afterwards (within a time window), carrying taint by
the wallet-level version of the model:

- poison: every later payout carries its full value;
- haircut: each payout carries the received share of the wallet's balance at arrival;
- fifo: the wallet pays out its older coins first: the received coins leave only once the
  balance it held before has left.

Such a hop is a heuristic, not a fact of the chain: its confidence is lower (see
WALLET_CONFIDENCE), and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from darkrange.chain._change import ChangeSuggestions
from darkrange.chain._components import Ids, components, group_edges
from darkrange.chain._graph import TxGraph

WALLET_CONFIDENCE = 0.5
DAY = 86_400


@dataclass
class _Wallet:
    rows: Ids  # outputs paying the wallet
    recv_time: Ids
    spend_time: Ids  # -1 while unspent
    payouts: list[tuple[int, int, int]]  # (time, tx, value leaving the wallet), time order


@dataclass
class Wallets:
    """Wallet labels (cluster root per address) over a graph, with a per-wallet cache."""

    graph: TxGraph
    root: Ids
    window_s: int = 30 * DAY
    max_payouts: int = 200
    _cache: dict[int, _Wallet] = field(default_factory=dict)
    _size: Ids | None = None

    def wallet_of(self, row: int) -> int:
        """The wallet an output pays, or -1 (no address, or a single-address cluster)."""
        a = int(self.graph.out_addr[row])
        if a < 0:
            return -1
        if self._size is None:
            self._size = np.bincount(self.root, minlength=len(self.root))
        w = int(self.root[a])
        return w if self._size[w] > 1 else -1

    def _load(self, w: int) -> _Wallet:
        if w in self._cache:
            return self._cache[w]
        g = self.graph
        members = np.flatnonzero(self.root == w)
        rows = np.concatenate([g.outputs_to(int(a)) for a in members])
        out_tx = np.searchsorted(g.tx_out_ptr, rows, side="right") - 1
        spender = g.out_spender[rows]
        recv = g.tx_time[out_tx]
        spend = np.where(spender >= 0, g.tx_time[np.maximum(spender, 0)], -1)
        mine = set(members.tolist())
        payouts = []
        for s in sorted(set(spender[spender >= 0].tolist())):
            value = sum(int(g.out_value[r]) for r in g.outputs(s) if int(g.out_addr[r]) not in mine)
            if value > 0:
                payouts.append((int(g.tx_time[s]), s, value))
        payouts.sort()
        wallet = _Wallet(rows, recv, spend, payouts)
        self._cache[w] = wallet
        return wallet

    def carries(self, row: int, taint: float, model: str) -> list[tuple[int, float]]:
        """(payout tx, tainted satoshis) for money `taint` arriving in output `row`."""
        w = self.wallet_of(row)
        if w < 0 or taint <= 0:
            return []
        g = self.graph
        wallet = self._load(w)
        t0 = int(g.tx_time[g.out_tx(row)])
        received = wallet.recv_time <= t0
        left = (wallet.spend_time >= 0) & (wallet.spend_time <= t0)
        values = g.out_value[wallet.rows]
        balance = float(values[received].sum() - values[left].sum())
        before = max(0.0, balance - float(g.out_value[row]))
        out: list[tuple[int, float]] = []
        spent = 0.0
        share = min(1.0, taint / balance) if balance > 0 else 1.0
        for when, tx, value in wallet.payouts:
            if when < t0:
                continue
            if when > t0 + self.window_s or len(out) >= self.max_payouts:
                break
            if model == "poison":
                carry = float(value)
            elif model == "haircut":
                carry = value * share
            else:  # fifo: the coins held before leave first
                lo, hi = spent, spent + value
                carry = max(0.0, min(hi, before + taint) - max(lo, before))
                spent = hi
            if carry > 0:
                out.append((tx, carry))
            if model == "fifo" and spent >= before + taint:
                break
        return out


def graph_clusters(g: TxGraph) -> Ids:
    """Multi-input clusters over the graph (CoinJoins and multisig inputs excluded)."""
    in_tx = np.repeat(np.arange(g.n_tx), np.diff(g.tx_in_ptr))
    ok = (g.in_addr >= 0) & ~g.in_multisig & ~g.tx_coinjoin[in_tx]
    src, dst = group_edges(in_tx[ok], g.in_addr[ok])
    return components(len(g.addresses), src, dst)


@dataclass
class MergeReport:
    merged: int = 0
    refused_size: int = 0
    refused_ratio: int = 0
    largest: int = 0


def merge_change(
    g: TxGraph,
    root: Ids,
    suggestions: ChangeSuggestions,
    *,
    threshold: float = 0.7,
    max_size: int | None = None,
    max_ratio: float = 0.2,
) -> tuple[Ids, MergeReport]:
    """Clusters with high-score change outputs joined to their spender, under a guard.

    A link is refused when the merged cluster would exceed `max_size` addresses (default 1%
    of all addresses, at least 1,000), or when it would join two clusters that are both sizeable
    (the smaller above 10 addresses and above `max_ratio` of the larger): a change output
    brings along a new address, not a second big wallet.
    """
    n = len(root)
    cap = max_size if max_size is not None else max(1_000, n // 100)
    parent = root.copy()
    size = np.bincount(root, minlength=n)
    report = MergeReport()
    first_in = g.in_addr[g.tx_in_ptr[:-1].clip(max=max(len(g.in_addr) - 1, 0))]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    order = np.lexsort((suggestions.tx, g.tx_height[suggestions.tx]))
    for k in order:
        if suggestions.score[k] < threshold:
            continue
        change = int(g.out_addr[suggestions.row[k]])
        spender = int(first_in[suggestions.tx[k]])
        if change < 0 or spender < 0:
            continue
        a, b = find(change), find(spender)
        if a == b:
            continue
        small, big = sorted((int(size[a]), int(size[b])))
        if small + big > cap:
            report.refused_size += 1
            continue
        if small > 10 and small > max_ratio * big:
            report.refused_ratio += 1
            continue
        lo, hi = min(a, b), max(a, b)  # the smaller id stays root: names stay the smallest
        parent[hi] = lo
        size[lo] += size[hi]
        report.merged += 1
    labels = np.array([find(i) for i in range(n)], dtype=np.int64) if n else parent
    report.largest = int(np.bincount(labels).max()) if n else 0
    return labels, report
