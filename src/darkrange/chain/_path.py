"""Paths between two clusters: the shortest (fewest hops) and the strongest (widest).

The graph: clusters as nodes; an edge u -> v for every transaction where u spends and v
receives, weighted by the satoshis that reach v from u under the haircut model (each input's
share of each output). The strongest path maximises the smallest edge on it (the most money
that could have flowed the whole way: a max-min or widest path), within `max_hops` edges.
Both searches run hop by hop over all edges at once (numpy), so a path of k hops costs k
passes over the edge list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from darkrange.chain._components import Ids
from darkrange.chain._graph import TxGraph
from darkrange.errors import InputError


@dataclass
class ClusterEdges:
    src: Ids
    dst: Ids
    value: Ids  # float64 satoshis
    example_tx: Ids  # a transaction carrying the edge (the largest contribution)


def cluster_edges(g: TxGraph, root: Ids) -> ClusterEdges:
    """Aggregated cluster -> cluster flows (self-loops dropped)."""
    n_in = np.diff(g.tx_in_ptr)
    n_out = np.diff(g.tx_out_ptr)
    in_tx = np.repeat(np.arange(g.n_tx), n_in)
    known = g.in_addr >= 0
    in_total = np.bincount(in_tx, weights=np.where(known, np.maximum(g.in_value, 0), 0),
                           minlength=g.n_tx)  # fmt: skip
    inputs = np.flatnonzero(known)
    # pair each known input with each output of its transaction
    k = n_out[in_tx[inputs]]
    pair_in = np.repeat(inputs, k)
    tx = in_tx[pair_in]
    first = g.tx_out_ptr[tx]
    offset = np.arange(len(pair_in)) - np.repeat(np.cumsum(k) - k, k)
    pair_out = first + offset
    ok = g.out_addr[pair_out] >= 0
    pair_in, pair_out, tx = pair_in[ok], pair_out[ok], tx[ok]
    src = root[g.in_addr[pair_in]]
    dst = root[g.out_addr[pair_out]]
    share = np.maximum(g.in_value[pair_in], 0) / np.maximum(in_total[tx], 1)
    value = g.out_value[pair_out] * share
    keep = src != dst
    src, dst, value, tx = src[keep], dst[keep], value[keep], tx[keep]
    n = np.int64(len(root))
    key = src * n + dst
    order = np.lexsort((-value, key))
    key, value, tx = key[order], value[order], tx[order]
    head = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, bool)
    starts = np.flatnonzero(head)
    total = np.add.reduceat(value, starts) if len(starts) else np.zeros(0)
    ukey = key[starts]
    return ClusterEdges(ukey // n, ukey % n, total, tx[starts])


@dataclass
class Path:
    kind: str  # shortest | strongest
    clusters: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)  # edge values along the path
    txs: list[int] = field(default_factory=list)  # an example transaction per edge

    @property
    def strength(self) -> float:
        return min(self.values) if self.values else 0.0


def _walk(pred: list[Ids], target: int, edges: ClusterEdges, hops: int) -> Path:
    nodes, values, txs = [target], [], []
    node = target
    for h in range(hops, 0, -1):
        e = int(pred[h][node])
        values.append(float(edges.value[e]))
        txs.append(int(edges.example_tx[e]))
        node = int(edges.src[e])
        nodes.append(node)
    return Path("", nodes[::-1], values[::-1], txs[::-1])


def strongest_path(edges: ClusterEdges, n: int, a: int, b: int, max_hops: int) -> Path | None:
    """Widest path a -> b of at most `max_hops` edges (ties: fewer hops)."""
    preds: list[Ids] = [np.zeros(0, np.int64)]
    found: tuple[float, int] | None = None
    width = np.full(n, -1.0)
    width[a] = np.inf
    for h in range(1, max_hops + 1):
        cand = np.minimum(width[edges.src], edges.value)
        cand[width[edges.src] < 0] = -1.0
        new = np.full(n, -1.0)
        order = np.lexsort((-cand, edges.dst))
        head = np.r_[True, edges.dst[order][1:] != edges.dst[order][:-1]] if len(order) else []
        top = order[np.asarray(head, dtype=bool)]
        new[edges.dst[top]] = cand[top]
        pred = np.full(n, -1, dtype=np.int64)
        pred[edges.dst[top]] = top
        preds.append(pred)
        if new[b] > 0 and (found is None or new[b] > found[0]):
            found = (float(new[b]), h)
        width = new
        width[a] = -1.0  # a path does not come back to its start
    if found is None:
        return None
    path = _walk(preds, b, edges, found[1])
    path.kind = "strongest"
    return path


def shortest_path(edges: ClusterEdges, n: int, a: int, b: int, max_hops: int) -> Path | None:
    """Fewest-hop path a -> b (breadth first); among equals, the widest last edge."""
    reached = np.zeros(n, dtype=bool)
    reached[a] = True
    frontier = np.zeros(n, dtype=bool)
    frontier[a] = True
    preds: list[Ids] = [np.zeros(0, np.int64)]
    for h in range(1, max_hops + 1):
        live = np.flatnonzero(frontier[edges.src] & ~reached[edges.dst])
        if not len(live):
            return None
        order = live[np.lexsort((-edges.value[live], edges.dst[live]))]
        dst = edges.dst[order]
        head = np.r_[True, dst[1:] != dst[:-1]]
        top = order[head]
        pred = np.full(n, -1, dtype=np.int64)
        pred[edges.dst[top]] = top
        preds.append(pred)
        frontier = np.zeros(n, dtype=bool)
        frontier[edges.dst[top]] = True
        reached |= frontier
        if frontier[b]:
            path = _walk(preds, b, edges, h)
            path.kind = "shortest"
            return path
    return None


def find_paths(
    g: TxGraph, root: Ids, a: int, b: int, max_hops: int = 6, edges: ClusterEdges | None = None
) -> list[Path]:
    """The shortest and the strongest path from cluster a to cluster b (none if unlinked)."""
    if not 1 <= max_hops <= 50:
        raise InputError(f"--max-hops must be between 1 and 50, not {max_hops}")
    if a == b:
        raise InputError("--from and --to are the same cluster")
    edges = edges if edges is not None else cluster_edges(g, root)
    n = len(root)
    out = [p for p in (shortest_path(edges, n, a, b, max_hops),
                       strongest_path(edges, n, a, b, max_hops)) if p is not None]  # fmt: skip
    return out


def path_json(g: TxGraph, p: Path) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "hops": len(p.values),
        "strength_sat": round(p.strength),
        "clusters": [g.address(c) for c in p.clusters],
        "edges": [
            {"from": g.address(p.clusters[i]), "to": g.address(p.clusters[i + 1]),
             "value_sat": round(v), "example_txid": g.txid(t), "time": g.time_text(t)}
            for i, (v, t) in enumerate(zip(p.values, p.txs, strict=True))
        ],
    }  # fmt: skip
