"""Connected components over integer address ids: the arithmetic behind every clustering.

Addresses are numbered in address order, so a component's smallest id is its smallest
address: labelling each address with its component's smallest id names clusters the same
way whatever the engine, the ingest order or the number of runs (incremental or not).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

Ids = npt.NDArray[Any]


def group_edges(group: Ids, member: Ids) -> tuple[Ids, Ids]:
    """Edges linking each member to its group's first member; rows sorted by group."""
    if len(group) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(group)])
    first = np.repeat(member[starts], sizes)
    keep = first != member
    return first[keep], member[keep]


def components(n: int, src: Ids, dst: Ids) -> Ids:
    """For each of `n` nodes, the smallest node id of its component (int64)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    data = np.ones(len(src), dtype=np.int8)
    graph = coo_matrix((data, (src.astype(np.int32), dst.astype(np.int32))), shape=(n, n))
    count, labels = connected_components(graph.tocsr(), directed=False)
    # ids run in order, so the first index where a label appears is its smallest member
    root: Ids = _first_index(labels, count)[labels]
    return root


def _first_index(labels: Ids, count: int) -> Ids:
    """For each label, the first index holding it."""
    # scipy numbers components as it meets them scanning the nodes in order: then the first
    # index of each label is where the running maximum grows (no sort). Checked, not assumed.
    grows = np.empty(len(labels), dtype=bool)
    grows[0] = True
    np.greater(labels[1:], np.maximum.accumulate(labels)[:-1], out=grows[1:])
    first = np.flatnonzero(grows)
    if len(first) == count and np.array_equal(labels[first], np.arange(count)):
        return first.astype(np.int64)
    _, first = np.unique(labels, return_index=True)
    out: Ids = first.astype(np.int64)
    return out


def relabel(root: Ids) -> Ids:
    """Make `root` point at the smallest member even after unions of already-rooted sets."""
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def sizes(root: Ids) -> Ids:
    """Size of each node's cluster."""
    counts = np.bincount(root, minlength=len(root))
    out: Ids = counts[root]
    return out
