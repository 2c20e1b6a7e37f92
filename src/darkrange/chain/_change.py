"""Change-address heuristics: scored suggestions of which output went back to the spender.

Each heuristic that fires for an output adds evidence (combined as a noisy-or); a transaction
gets at most one suggestion, its best output, discounted by the runner-up so ambiguous cases
score low. Suggestions never change `chain cluster` unless the user asks to merge them, and
then only through the guard in `merge_change` (a wrong change link can join two big wallets;
BlockSci's old change rule once built a 256M-address super-cluster).

Heuristics (weights are prior confidences):
- self      the output pays one of the transaction's own input addresses (address reuse)
- fresh     the only output to an address never seen before, the others already used
- type      the only output of the inputs' script type
- optimal   the only output smaller than every input (a bigger one would need fewer inputs)
- round     the others are round amounts (payments) and this one is not
- habit     spent later by a transaction with the same version, locktime style and nSequence
            style as this one (the same wallet software), the only output that is
- peel      a peel chain: one input, two outputs, and this output is spent the same way
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from darkrange.chain._components import Ids
from darkrange.chain._graph import TxGraph

WEIGHTS = {
    "self": 0.9,
    "fresh": 0.35,
    "type": 0.35,
    "optimal": 0.3,
    "round": 0.3,
    "habit": 0.3,
    "peel": 0.2,
}
ROUND = 100_000  # 0.001 BTC: amounts a person types


@dataclass
class ChangeSuggestions:
    """One row per suggested change output."""

    tx: Ids  # transaction id in the graph
    row: Ids  # output row
    score: Ids  # float64
    heuristics: list[str]


def _per_tx_count(flag: Ids, out_tx: Ids, n: int) -> Ids:
    counts: Ids = np.bincount(out_tx[flag], minlength=n)
    return counts


def _features(g: TxGraph) -> tuple[dict[str, Ids], Ids, Ids]:
    n = g.n_tx
    n_out = np.diff(g.tx_out_ptr)
    n_in = np.diff(g.tx_in_ptr)
    out_tx = np.repeat(np.arange(n), n_out)
    in_tx = np.repeat(np.arange(n), n_in)
    known_in = (g.in_prev >= 0) & (g.in_addr >= 0)
    all_known = np.bincount(in_tx[known_in], minlength=n) == n_in
    eligible_tx = (n_out >= 2) & (n_in >= 1) & all_known & ~g.tx_coinjoin
    codes = pc.dictionary_encode(g.out_type).indices.to_numpy(zero_copy_only=False)
    in_type = np.where(g.in_prev >= 0, codes[np.maximum(g.in_prev, 0)], -1)
    big = np.iinfo(np.int64).max
    in_min_type = np.full(n, big)
    in_max_type = np.full(n, -1)
    np.minimum.at(in_min_type, in_tx, in_type)
    np.maximum.at(in_max_type, in_tx, in_type)
    in_min_value = np.full(n, big)
    np.minimum.at(in_min_value, in_tx, np.where(g.in_value >= 0, g.in_value, big))
    height = g.tx_height[out_tx]
    addr = g.out_addr
    has_addr = addr >= 0
    # when each address was first seen (as an output or spent from)
    first = np.full(len(g.addresses), big)
    np.minimum.at(first, addr[has_addr], height[has_addr])
    ok_in = g.in_addr >= 0
    np.minimum.at(first, g.in_addr[ok_in], g.tx_height[in_tx[ok_in]])
    seen_before = has_addr & (first[np.maximum(addr, 0)] < height)
    keys_in = in_tx[ok_in].astype(np.int64) * len(g.addresses) + g.in_addr[ok_in]
    keys_out = out_tx.astype(np.int64) * len(g.addresses) + np.maximum(addr, 0)
    f: dict[str, Ids] = {}
    f["self"] = has_addr & np.isin(keys_out, keys_in)
    fresh = has_addr & ~seen_before
    f["fresh"] = fresh & (_per_tx_count(fresh, out_tx, n)[out_tx] == 1)
    same_type = (in_min_type == in_max_type)[out_tx] & (codes == in_min_type[out_tx])
    f["type"] = same_type & (_per_tx_count(same_type, out_tx, n)[out_tx] == 1)
    small = g.out_value < in_min_value[out_tx]
    f["optimal"] = small & (_per_tx_count(small, out_tx, n)[out_tx] == 1)
    round_ = g.out_value % ROUND == 0
    n_round = _per_tx_count(round_, out_tx, n)[out_tx]
    f["round"] = ~round_ & (n_round == n_out[out_tx] - 1)
    f.update(_spend_habits(g, out_tx, n_in, n_out))
    return f, out_tx, eligible_tx


def _spend_habits(g: TxGraph, out_tx: Ids, n_in: Ids, n_out: Ids) -> dict[str, Ids]:
    n = g.n_tx
    first_in = g.tx_in_ptr[:-1]
    seq = np.where(n_in > 0, g.in_sequence[np.minimum(first_in, len(g.in_sequence) - 1)], -1)
    style = g.tx_version * 4 + (g.tx_locktime > 0) * 2 + (seq < 0xFFFFFFFF)
    spender = g.out_spender
    spent = spender >= 0
    same = spent & (style[np.maximum(spender, 0)] == style[out_tx])
    habit = same & (_per_tx_count(same, out_tx, n)[out_tx] == 1)
    shape = (n_in == 1) & (n_out == 2)
    peel = spent & shape[out_tx] & shape[np.maximum(spender, 0)]
    peel &= _per_tx_count(peel, out_tx, n)[out_tx] == 1
    return {"habit": habit, "peel": peel}


def suggest_change(g: TxGraph, min_score: float = 0.3) -> ChangeSuggestions:
    """At most one change output per ordinary transaction, scored in [0, 1]."""
    f, out_tx, eligible_tx = _features(g)
    miss = np.ones(len(out_tx))
    for name, weight in WEIGHTS.items():
        miss *= np.where(f[name], 1.0 - weight, 1.0)
    raw = np.where(eligible_tx[out_tx], 1.0 - miss, 0.0)
    # best and runner-up per transaction: sort by (tx, -score)
    order = np.lexsort((-raw, out_tx))
    tx_sorted = out_tx[order]
    head = np.r_[True, tx_sorted[1:] != tx_sorted[:-1]]
    best = order[head]
    second_ok = np.r_[~head[1:], False] & head
    runner = np.zeros(len(out_tx))
    runner[order[head]] = np.where(second_ok, raw[np.r_[order[1:], order[:1]]], 0.0)[head]
    score = np.clip(raw[best] - 0.5 * runner[best], 0.0, 1.0)
    keep = score >= min_score
    rows = best[keep]
    names = list(WEIGHTS)
    fired = np.stack([f[name][rows] for name in names], axis=1) if len(rows) else None
    labels = [
        "+".join(n for n, on in zip(names, flags, strict=True) if on)
        for flags in (fired if fired is not None else [])
    ]
    return ChangeSuggestions(out_tx[rows], rows, np.round(score[keep], 3), labels)


def suggestions_table(g: TxGraph, s: ChangeSuggestions) -> pa.Table:
    """txid, vout, address, score, heuristics; sorted by txid then vout."""
    vout = s.row - g.tx_out_ptr[s.tx]
    table = pa.table({
        "txid": g.txids.take(pa.array(s.tx)),
        "vout": pa.array(vout, pa.int32()),
        "address": g.addresses.take(pa.array(g.out_addr[s.row], mask=g.out_addr[s.row] < 0)),
        "score": pa.array(s.score, pa.float64()),
        "heuristics": pa.array(s.heuristics, pa.string()),
    })  # fmt: skip
    return table.sort_by([("txid", "ascending"), ("vout", "ascending")])
