"""Attribution over the graph, and exposure of a cluster to each tagged category.

A tag names an address; a cluster-definer tag names the address's whole cluster (GraphSense's
rule). Exposure follows the cluster's money `hops` hops under the haircut model: backward
(`in`: where its money came from) and forward (`out`: where it went). Money reaching a tagged
address counts towards each of its categories and abuses ("category:exchange",
"abuse:sanction") and goes no further; at the first hop it is direct exposure, beyond it
indirect.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from darkrange.chain._components import Ids
from darkrange.chain._graph import TxGraph, bisect_string
from darkrange.chain._taxonomy import SERVICE_CATEGORIES
from darkrange.chain._trace import Start, _Tracer, start_rows
from darkrange.errors import InputError

DIRECTIONS = ("in", "out", "both")


@dataclass
class Attribution:
    """Which exposure keys (and labels) each address and cluster carries."""

    graph: TxGraph
    root: Ids
    by_address: dict[int, set[str]] = field(default_factory=dict)
    by_cluster: dict[int, set[str]] = field(default_factory=dict)
    address_labels: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    cluster_labels: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    tagged_addresses: int = 0

    @classmethod
    def build(cls, graph: TxGraph, root: Ids, tags: pa.Table) -> Attribution:
        att = cls(graph, root)
        btc = tags.filter(pc.equal(tags.column("currency"), "BTC"))
        for tag in btc.to_pylist():
            a = bisect_string(graph.addresses, tag["address"])
            if a < 0:
                continue
            keys = tag_keys(tag)
            att.by_address.setdefault(a, set()).update(keys)
            att.address_labels[a].add(str(tag["label"]))
            if tag["is_cluster_definer"]:
                att.by_cluster.setdefault(int(root[a]), set()).update(keys)
                att.cluster_labels[int(root[a])].add(str(tag["label"]))
        att.tagged_addresses = len(att.by_address)
        return att

    def keys(self, a: int) -> set[str]:
        if a < 0:
            return set()
        return self.by_address.get(a, set()) | self.by_cluster.get(int(self.root[a]), set())

    def labels(self, a: int) -> set[str]:
        own = self.address_labels.get(a, set())
        return own | self.cluster_labels.get(int(self.root[a]), set())

    def service_clusters(self) -> frozenset[int]:
        """Clusters a cluster-definer tag names as a custodial service."""
        wanted = {f"category:{c}" for c in SERVICE_CATEGORIES}
        return frozenset(c for c, keys in self.by_cluster.items() if keys & wanted)


def tag_keys(tag: dict[str, Any]) -> set[str]:
    keys = set()
    if tag.get("category"):
        keys.add(f"category:{tag['category']}")
    if tag.get("abuse"):
        keys.add(f"abuse:{tag['abuse']}")
    return keys or {"category:unknown"}


@dataclass
class ExposureRow:
    direction: str  # in | out
    key: str  # category:X or abuse:Y
    direct_sat: float = 0.0
    indirect_sat: float = 0.0
    labels: set[str] = field(default_factory=set)

    def as_json(self, total: int) -> dict[str, Any]:
        amount = self.direct_sat + self.indirect_sat
        return {
            "direction": self.direction, "key": self.key,
            "direct_sat": round(self.direct_sat), "indirect_sat": round(self.indirect_sat),
            "share": round(amount / total, 6) if total else 0.0,
            "labels": sorted(self.labels)[:10],
        }  # fmt: skip


@dataclass
class Exposure:
    start: Start
    hops: int
    total_sat: int  # the value the cluster received: the base of every share
    rows: list[ExposureRow]

    def as_json(self) -> dict[str, Any]:
        return {
            "start": {"kind": self.start.kind, "value": self.start.value},
            "hops": self.hops,
            "total_received_sat": self.total_sat,
            "exposure": [r.as_json(self.total_sat) for r in self.rows],
        }


def _own(graph: TxGraph, root: Ids, start: Start) -> int:
    """The cluster of the start (whose own addresses never count as exposure)."""
    a = graph.address_index(start.value)
    return int(root[a])


def exposure(
    graph: TxGraph,
    attribution: Attribution,
    start: Start,
    *,
    hops: int = 3,
    direction: str = "both",
    max_txs: int = 50_000,
) -> Exposure:
    """Direct and indirect exposure of an address or cluster to every tagged key."""
    if direction not in DIRECTIONS:
        raise InputError(f"--direction must be in, out or both, not {direction!r}")
    if not 1 <= hops <= 20:
        raise InputError(f"--hops must be between 1 and 20, not {hops}")
    root = attribution.root
    rows = start_rows(graph, start, "forward", root)
    own = _own(graph, root, start)
    total = int(graph.out_value[rows].sum()) if len(rows) else 0
    seed = {int(r): float(graph.out_value[r]) for r in rows}
    found: dict[tuple[str, str], ExposureRow] = {}

    def tagged(row: int) -> bool:
        a = int(graph.out_addr[row])
        return a >= 0 and int(root[a]) != own and bool(attribution.keys(a))

    for way in ("in", "out") if direction == "both" else (direction,):
        tracer = _Tracer(graph, "haircut", max_txs, 1.0, stop=tagged)
        if way == "out":
            tracer.forward(dict(seed), hops)
        else:
            tracer.backward(dict(seed), hops)
        for row, taint in tracer.taint_out.items():
            hop = tracer.row_hop.get(row, 0)
            if hop == 0 or taint <= 0 or not tagged(row):
                continue
            a = int(graph.out_addr[row])
            for key in attribution.keys(a):
                item = found.setdefault((way, key), ExposureRow(way, key))
                if hop == 1:
                    item.direct_sat += taint
                else:
                    item.indirect_sat += taint
                item.labels |= attribution.labels(a)
    ordered = sorted(found.values(), key=lambda r: (r.direction, -(r.direct_sat + r.indirect_sat)))
    return Exposure(start, hops, total, ordered)
