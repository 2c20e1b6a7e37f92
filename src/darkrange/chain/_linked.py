"""Change-linked clusters: multi-input clusters plus explicit, labelled change links.

Multi-input clustering cannot reach an address that was never spent from (on the worlds
about a third of them) nor a wallet that spends one coin at a time; a change heuristic can:
the change output of a payment goes back to the payer. A wrong link, though, joins two
owners, and links chain: BlockSci's old change rule once built a 256M-address super-cluster.
So change links are opt-in (`chain cluster --with-change SCORE`), each address says how it
got into its cluster (`method`), and a guard refuses a link

- through a CoinJoin (its "change" is one participant's among many);
- into a service (exchange-, market- or mixer-shaped: many deposits from outside, or tagged
  as one by the caller): a customer's change is not the service's;
- that would make a cluster bigger than `max_size` (a change link brings one wallet's
  addresses, never a chain's worth);
- that would join two large clusters (both at least `large` addresses): one change output
  is evidence about one address, not about two whole wallets.

Links are applied in chain order (height, then txid), so the result is deterministic; a
cluster keeps the name of its smallest address, as multi-input clusters do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from darkrange.chain._change import ChangeSuggestions, suggest_change
from darkrange.chain._components import Ids
from darkrange.chain._exposure import Attribution
from darkrange.chain._graph import TxGraph, load_graph
from darkrange.chain._incremental import check_out
from darkrange.chain._service import Services
from darkrange.chain._store import ChainStore
from darkrange.chain._tags import load_tags
from darkrange.chain._wallets import graph_clusters
from darkrange.errors import InputError

MULTI_INPUT = "multi-input"


@dataclass(frozen=True)
class LinkGuard:
    """Limits on what one change link may join."""

    max_size: int | None = None  # largest cluster a link may make (None: 1% of all, >= 1,000)
    large: int = 50  # a link never joins two clusters both this large
    services: frozenset[int] = frozenset()  # cluster roots known to be services (tags)
    service_shape: bool = True  # also refuse clusters shaped like a service (Services)

    def cap(self, n_addresses: int) -> int:
        return self.max_size if self.max_size is not None else max(1_000, n_addresses // 100)


@dataclass
class LinkReport:
    """What the change links did; `refused` counts by reason."""

    threshold: float
    suggestions: int = 0  # suggestions at or above the threshold
    merged: int = 0
    same_cluster: int = 0  # already together by multi-input (or an earlier link)
    refused: dict[str, int] = field(default_factory=dict)
    linked_addresses: int = 0  # addresses whose cluster came from a change link
    largest: int = 0

    @property
    def method(self) -> str:
        return method_label(self.threshold)

    def refuse(self, reason: str) -> None:
        self.refused[reason] = self.refused.get(reason, 0) + 1


def method_label(threshold: float) -> str:
    """The `method` of an address joined by change links: `change>=0.9`."""
    return f"change>={threshold:g}"


class _Sets:
    """Union-find over cluster roots, the smallest id staying root."""

    def __init__(self, root: Ids) -> None:
        self.parent = root.copy()
        self.size = np.bincount(root, minlength=len(root))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    def union(self, a: int, b: int) -> None:
        lo, hi = min(a, b), max(a, b)
        self.parent[hi] = lo
        self.size[lo] += self.size[hi]

    def labels(self) -> Ids:
        out: Ids = np.array([self.find(i) for i in range(len(self.parent))], dtype=np.int64)
        return out


def _service_roots(g: TxGraph, root: Ids, guard: LinkGuard) -> Ids:
    """Boolean per multi-input root: a service the guard keeps change links out of."""
    flag = np.zeros(len(root), dtype=bool)
    if guard.service_shape and len(root):
        services = Services(g, root)
        roots = np.unique(root)
        flag[roots] = [services.is_service(int(r)) for r in roots]
    if guard.services:
        flag[np.fromiter(guard.services, dtype=np.int64)] = True
    return flag


def _first_inputs(g: TxGraph) -> Ids:
    """Each transaction's first input address (-1: none known)."""
    if not len(g.in_addr):
        return np.full(g.n_tx, -1, dtype=np.int64)
    first = g.tx_in_ptr[:-1].clip(max=len(g.in_addr) - 1)
    has = np.diff(g.tx_in_ptr) > 0
    out: Ids = np.where(has, g.in_addr[first], -1)
    return out


def link_change(
    g: TxGraph,
    root: Ids,
    suggestions: ChangeSuggestions,
    threshold: float,
    guard: LinkGuard | None = None,
) -> tuple[Ids, Ids, LinkReport]:
    """(cluster root per address, True where the address came by a change link, report).

    `root` is the multi-input clustering (`graph_clusters`); every suggestion scoring at least
    `threshold` links its change address to the first input's cluster, if the guard allows.
    """
    guard = guard or LinkGuard()
    report = LinkReport(threshold)
    sets = _Sets(root)
    service = _service_roots(g, root, guard)
    cap = guard.cap(len(root))
    payer = _first_inputs(g)
    keep = np.flatnonzero(suggestions.score >= threshold)
    order = keep[np.lexsort((suggestions.tx[keep], g.tx_height[suggestions.tx[keep]]))]
    report.suggestions = len(order)
    for k in order:
        tx = int(suggestions.tx[k])
        change, spender = int(g.out_addr[suggestions.row[k]]), int(payer[tx])
        if g.tx_coinjoin[tx]:
            report.refuse("coinjoin")
        elif change < 0 or spender < 0:
            report.refuse("no address")
        elif service[root[change]] or service[root[spender]]:
            report.refuse("service")
        else:
            _try_link(sets, sets.find(change), sets.find(spender), cap, guard.large, report)
    labels = sets.labels()
    linked = _linked(root, labels)
    report.linked_addresses = int(linked.sum())
    report.largest = int(np.bincount(labels).max()) if len(labels) else 0
    return labels, linked, report


def _try_link(sets: _Sets, a: int, b: int, cap: int, large: int, report: LinkReport) -> None:
    if a == b:
        report.same_cluster += 1
        return
    small, big = sorted((int(sets.size[a]), int(sets.size[b])))
    if small + big > cap:
        report.refuse("size")
    elif small >= large:
        report.refuse("two large")
    else:
        sets.union(a, b)
        report.merged += 1


def _linked(root: Ids, labels: Ids) -> Ids:
    """True for the addresses a change link brought: all but the anchor of each cluster.

    The anchor is the cluster's largest multi-input part (ties: the smallest id), the part
    the others were attached to; a cluster no link touched is all anchor.
    """
    if not len(root):
        return np.zeros(0, dtype=bool)
    part_size = np.bincount(root, minlength=len(root))
    parts = np.unique(root)
    # per final cluster, the part with the largest size (then the smallest id): sort and take
    order = np.lexsort((parts, -part_size[parts], labels[parts]))
    ranked = parts[order]
    head = np.r_[True, labels[ranked][1:] != labels[ranked][:-1]]
    anchor = np.full(len(root), -1, dtype=np.int64)
    anchor[labels[ranked[head]]] = ranked[head]
    out: Ids = anchor[labels] != root
    return out


def linked_table(g: TxGraph, labels: Ids, linked: Ids, threshold: float) -> pa.Table:
    """`address, cluster_id, method` for every address (sorted by address, as `chain cluster`)."""
    method = np.where(linked, method_label(threshold), MULTI_INPUT)
    return pa.table({
        "address": g.addresses,
        "cluster_id": g.addresses.take(pa.array(labels)),
        "method": pa.array(method.tolist(), pa.string()),
    })  # fmt: skip


def write_linked_clusters(store: ChainStore, out: Path, threshold: float) -> LinkReport:
    """`chain cluster --with-change`: the CSV with a `method` column; saved clusters untouched.

    Clusters tagged as services (cluster-definer tags of the store) are kept out too.
    """
    if not 0.0 < threshold <= 1.0:
        raise InputError(f"--with-change wants a score in (0, 1], not {threshold}")
    check_out(out)
    graph = load_graph(store)
    root = graph_clusters(graph)
    tagged = Attribution.build(graph, root, load_tags(store.root)).service_clusters()
    suggestions = suggest_change(graph, min_score=threshold)
    labels, linked, report = link_change(
        graph, root, suggestions, threshold, LinkGuard(services=tagged)
    )
    table = linked_table(graph, labels, linked, threshold)
    tmp = out.with_name(f".tmp-{out.name}")
    with open(tmp, "wb") as fh:  # a bare header, as `chain cluster` writes it
        fh.write(b"address,cluster_id,method\n")
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(table, fh, write_options=options)
    os.replace(tmp, out)
    return report
