"""The chain store (`darkrange chain ingest`) as the cluster and trace pages need it.

Loading a store into arrays takes seconds on a large chain, so the graph, its multi-input
clusters and the tags' attribution are built once per store version (the manifest's
modification time) and shared between requests. The analytics are darkrange.chain's own:
`trace`, `exposure`, `Attribution`, the same code the CLI runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc

from darkrange.chain import Attribution, ChainStore, exposure
from darkrange.chain._graph import TxGraph, load_graph
from darkrange.chain._service import Services
from darkrange.chain._tags import load_tags
from darkrange.chain._trace import DIRECTIONS, Start, Trace, trace
from darkrange.chain._wallets import graph_clusters
from darkrange.errors import InputError

MODELS = ("haircut", "poison", "fifo")
MAX_ADDRESSES = 500  # a cluster page lists this many addresses; the count is always exact


@dataclass
class Loaded:
    graph: TxGraph
    root: Any  # cluster root (smallest address index) per address
    attribution: Attribution
    tags: Any  # the store's tags table (pyarrow)


_cache: dict[Path, tuple[float, Loaded]] = {}
_lock = threading.Lock()


def load(store: Path) -> Loaded:
    """The store's graph, clusters and attribution, rebuilt only when the store changed."""
    chain = ChainStore.open(store)
    manifest = chain.root / "manifest.json"
    version = manifest.stat().st_mtime if manifest.exists() else 0.0
    with _lock:  # one build at a time: concurrent first requests wait for it
        cached = _cache.get(chain.root)
        if cached is not None and cached[0] == version:
            return cached[1]
        graph = load_graph(chain)
        root = graph_clusters(graph)
        tags = load_tags(chain.root)
        loaded = Loaded(graph, root, Attribution.build(graph, root, tags), tags)
        _cache[chain.root] = (version, loaded)
        return loaded


@dataclass
class ClusterView:
    cluster_id: str
    size: int
    addresses: list[str]
    received_sat: int
    tags: list[dict[str, Any]]
    exposure: dict[str, Any]


def cluster_view(store: Path, ref: str, hops: int = 3) -> ClusterView:
    """The cluster holding address `ref`: its addresses, tags (own and inherited), exposure."""
    data = load(store)
    g = data.graph
    a = g.address_index(ref.strip())
    c = int(data.root[a])
    members = np.flatnonzero(data.root == c)
    addresses = [str(g.address(int(m))) for m in members[:MAX_ADDRESSES]]
    received = sum(int(g.out_value[g.outputs_to(int(m))].sum()) for m in members)
    cluster_id = str(g.address(c))
    result = exposure(g, data.attribution, Start("cluster", cluster_id), hops=hops)
    return ClusterView(
        cluster_id, len(members), addresses, received, _tags(data, members), result.as_json()
    )


def _tags(data: Loaded, members: Any) -> list[dict[str, Any]]:
    """Tags on the cluster's addresses (a cluster-definer tag names the whole cluster)."""
    btc = data.tags.filter(pc.equal(data.tags.column("currency"), "BTC"))
    if btc.num_rows == 0:
        return []
    names = data.graph.addresses.take(members)
    own = btc.filter(pc.is_in(btc.column("address"), value_set=names))
    keep = ("address", "label", "category", "abuse", "source", "is_cluster_definer")
    return [{k: row.get(k) for k in keep} for row in own.to_pylist()]


def run_trace(store: Path, kind: str, value: str, direction: str, hops: int, model: str) -> Trace:
    """A trace as `darkrange chain trace` makes it (service hops forward; no wallet hops)."""
    if kind not in ("address", "tx", "cluster"):
        raise InputError("start a trace at an address, a transaction or a cluster")
    if direction not in DIRECTIONS:
        raise InputError(f"direction must be forward or backward, not {direction!r}")
    if model not in MODELS:
        raise InputError(f"model must be one of {', '.join(MODELS)}, not {model!r}")
    if not 1 <= hops <= 10:
        raise InputError("hops must be between 1 and 10 on a page")
    data = load(store)
    services = None
    if direction == "forward":
        tagged = data.attribution.service_clusters()
        services = Services(data.graph, data.root, tagged=tagged)
    return trace(
        data.graph, Start(kind, value.strip()), direction=direction, hops=hops, model=model,
        clusters=data.root, services=services, max_txs=2_000,
    )  # fmt: skip
