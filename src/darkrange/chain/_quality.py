"""Clustering quality against known owners: address-pair precision and recall.

Given, for the same addresses, the predicted cluster and the true owner (from a range's
truth, or a labelled real data set), count address pairs: a pair is predicted together when
both are in one cluster and truly together when one owner holds both.

- precision = truly-together pairs among predicted-together pairs;
- recall = predicted-together pairs among truly-together pairs;
- wallet recall = the share of an owner's addresses in its largest cluster, averaged over
  addresses (Nick 2015 reports 68.59% for the multi-input heuristic on real wallets).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from darkrange.chain._components import Ids


@dataclass(frozen=True)
class PairScores:
    addresses: int
    precision: float
    recall: float
    wallet_recall: float


def _pairs(counts: Ids) -> float:
    c = counts.astype(np.float64)
    return float((c * (c - 1) / 2).sum())


def _largest(p: Ids, t: Ids) -> tuple[Ids, Ids]:
    """For dense labels: each (cluster, owner) count, and each owner's largest such count."""
    width = int(t.max()) + 1
    keys, both = np.unique(p.astype(np.int64) * width + t, return_counts=True)
    best = np.zeros(width, dtype=np.int64)
    np.maximum.at(best, keys % width, both)
    return both, best


def wallet_shares(predicted: Ids, truth: Ids) -> Ids:
    """Per true owner, the share of its addresses in its largest predicted cluster.

    Nick (2015) reports the mean of these over real wallets: 68.59% for multi-input.
    """
    if not len(predicted):
        return np.zeros(0)
    _, p = np.unique(predicted, return_inverse=True)
    _, t = np.unique(truth, return_inverse=True)
    out: Ids = _largest(p, t)[1] / np.bincount(t)
    return out


def pair_scores(predicted: Ids, truth: Ids) -> PairScores:
    """Scores for integer labels of the same addresses (any numbering)."""
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth label different numbers of addresses")
    if not len(predicted):
        return PairScores(0, 1.0, 1.0, 1.0)
    _, p = np.unique(predicted, return_inverse=True)
    _, t = np.unique(truth, return_inverse=True)
    both, best = _largest(p, t)
    together = _pairs(both)
    pred_pairs = _pairs(np.bincount(p))
    true_pairs = _pairs(np.bincount(t))
    return PairScores(
        addresses=len(predicted),
        precision=together / pred_pairs if pred_pairs else 1.0,
        recall=together / true_pairs if true_pairs else 1.0,
        wallet_recall=float(best.sum()) / len(predicted),
    )
