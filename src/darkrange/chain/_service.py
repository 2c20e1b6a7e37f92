"""Service hops: following money through a custodial service by amount and time.

A mixer, an escrow market or an exchange pays out with other coins than it received, so the
outspend graph breaks there. When traced money enters a service cluster (tagged as a service,
or shaped like one: many deposits from outside, many payouts), the candidates are the
service's payouts within a time window whose amount is the entering amount minus a fee in a
given range. Every candidate becomes a hop with heuristic `service` and a confidence that
shares 0.9 between the candidates (nearer in time weighs more): never certain, and the number
of competing candidates (false leads but one, at best) is reported with each hop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from darkrange.chain._components import Ids
from darkrange.chain._graph import TxGraph

SERVICE_CONFIDENCE = 0.9  # shared between the candidates of one entry
DAY = 86_400


def amount_weight(ratio: Ids) -> Ids:
    """How much a payout of `ratio` x the deposit looks like the service paying it back.

    The same amount (an escrow release, an exchange withdrawal of the whole balance) weighs
    most; a fee of 0.5-3.5 % (what mixers take) next; any other amount in range least.
    """
    fee = 1.0 - ratio
    out: Ids = np.where(fee == 0, 1.0, np.where((fee >= 0.005) & (fee <= 0.035), 0.1, 0.01))
    return out


@dataclass(frozen=True)
class ServiceHop:
    tx: int  # the payout transaction
    row: int  # the payout output that matched
    carry: float  # traced satoshis carried to it
    confidence: float
    candidates: int  # how many payouts matched this entry (1: no competitor)


def first_input_cluster(g: TxGraph, root: Ids) -> Ids:
    """For each transaction, the cluster of its first input with a known address, or -1."""
    in_tx = np.repeat(np.arange(g.n_tx), np.diff(g.tx_in_ptr))
    known = np.flatnonzero(g.in_addr >= 0)
    payer = np.full(g.n_tx, -1, dtype=np.int64)
    tx_known, first = np.unique(in_tx[known], return_index=True)
    payer[tx_known] = root[g.in_addr[known[first]]]
    return payer


@dataclass
class Services:
    """Service clusters of a graph and every payout of the chain, indexed by time."""

    graph: TxGraph
    root: Ids
    tagged: frozenset[int] = frozenset()  # clusters tagged with a service category
    window_s: int = 14 * DAY
    fee_min: float = 0.0
    fee_max: float = 0.05
    max_candidates: int = 20
    min_deposits: int = 20  # shape: deposits from outside
    min_addresses: int = 10
    payer: Ids = field(init=False)
    payee: Ids = field(init=False)
    _rows: Ids = field(init=False)  # payout rows (paid to another cluster), in time order
    _times: Ids = field(init=False)
    _service: Ids = field(init=False)  # bool per cluster root

    def __post_init__(self) -> None:
        g = self.graph
        out_tx = np.repeat(np.arange(g.n_tx), np.diff(g.tx_out_ptr))
        self.payer = first_input_cluster(g, self.root)[out_tx]
        has = g.out_addr >= 0
        self.payee = np.where(has, self.root[np.maximum(g.out_addr, 0)], -1)
        payout = has & (self.payer >= 0) & (self.payer != self.payee) & ~g.tx_coinjoin[out_tx]
        rows = np.flatnonzero(payout)
        order = np.argsort(g.tx_time[out_tx[rows]], kind="stable")
        self._rows = rows[order]
        self._times = g.tx_time[out_tx[self._rows]]
        n = len(self.root)
        deposits = np.bincount(self.payee[payout], minlength=n)
        size = np.bincount(self.root, minlength=n)
        self._service = (deposits >= self.min_deposits) & (size >= self.min_addresses)
        if self.tagged:
            self._service[np.fromiter(self.tagged, dtype=np.int64)] = True

    def is_service(self, cluster: int) -> bool:
        return bool(cluster >= 0 and self._service[cluster])

    def entry(self, row: int) -> bool:
        """Does output `row` look like money handed to a service (a deposit)?

        Yes when it pays a service cluster from outside; when the transaction spending it
        pays a service cluster (a forward into the service); when that transaction has a
        sweep's shape (three or more inputs and at most two outputs, or one input and one
        output); or when it is never spent (the trail ends there on the chain).
        """
        c = int(self.payee[row])
        if c < 0 or int(self.payer[row]) == c:
            return False
        if self._service[c]:
            return True
        g = self.graph
        spender = int(g.out_spender[row])
        if spender < 0:
            return True  # a dead end on the chain: the service correlation is all that is left
        if g.tx_coinjoin[spender]:
            return False
        outs = g.outputs(spender)
        payees = self.payee[outs.start : outs.stop]
        if bool(np.any(self._service[payees[payees >= 0]])):
            return True
        n_in = int(g.tx_in_ptr[spender + 1] - g.tx_in_ptr[spender])
        return (n_in >= 3 and len(outs) <= 2) or (n_in == 1 and len(outs) == 1)

    def hops(self, row: int, taint: float) -> list[ServiceHop]:
        """Scored candidate payouts for traced money `taint` handed to a service at `row`."""
        if taint <= 0 or not self.entry(row):
            return []
        g = self.graph
        amount = float(g.out_value[row])
        t0 = int(g.tx_time[g.out_tx(row)])
        a = int(np.searchsorted(self._times, t0, side="right"))  # paid after the deposit
        b = int(np.searchsorted(self._times, t0 + self.window_s, side="right"))
        rows, times = self._rows[a:b], self._times[a:b]
        values = g.out_value[rows]
        ok = (values >= amount * (1 - self.fee_max)) & (values <= amount * (1 - self.fee_min))
        ok &= self.payer[rows] != self.payer[row]  # not the depositor paying again
        spender = int(g.out_spender[row])
        if spender >= 0:  # the transaction spending the deposit is an outspend, not a payout
            ok &= (rows < g.tx_out_ptr[spender]) | (rows >= g.tx_out_ptr[spender + 1])
        rows, values, times = rows[ok], values[ok], times[ok]
        if not len(rows):
            return []
        weight = amount_weight(values / amount) / (1.0 + (times - t0) / DAY)
        keep = np.argsort(-weight, kind="stable")[: self.max_candidates]
        share = SERVICE_CONFIDENCE * weight / weight.sum()
        carried = min(taint, amount) / amount
        return [
            ServiceHop(
                g.out_tx(int(rows[k])),
                int(rows[k]),
                float(g.out_value[rows[k]]) * carried,
                round(float(share[k]), 3),
                len(rows),
            )
            for k in keep
        ]
