"""Authorship: which earlier body of text did this later one come from (a vendor's listings
before and after a split in time, or two markets' catalogues of one vendor).

The account linker's style vector reads 1,200 bytes per account, enough next to keys and
handles; authorship by style alone needs more:

- all of each author's text, byte 2-4-gram TF-IDF with sublinear tf (typos, emoji, stock
  phrases, punctuation and price formatting habits all live in short byte runs);
- listing-title templates: each title as its shape ("500mg XTC" -> "0a AAA"), 3-5-grams,
  because vendors reuse one title pattern across their catalogue;
- hub correction (CSLS): a generic catalogue is close to everyone; a score is the cosine minus
  the mean of each side's k nearest cosines, so only a pair that stands out counts;
- a pair is a match only when each side is the other's best (mutual best) and the corrected
  score reaches a threshold calibrated on development authors for a target precision.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from darkrange.analyze.link._style import tfidf

__all__ = [
    "authorship_matches",
    "authorship_scores",
    "authorship_vectors",
    "calibrate_authorship",
    "title_shape",
]

_TEXT_BYTES = 20_000  # per author: all of a typical catalogue, and bounded
_TITLE_WEIGHT = 0.5
_NEIGHBOURS = 3
_UPPER, _LOWER, _DIGIT = re.compile(r"[A-Z]+"), re.compile(r"[a-z]+"), re.compile(r"\d+")


def title_shape(title: str) -> str:
    """A title's template: runs of capitals, small letters and digits as A, a and 0."""
    return _DIGIT.sub("0", _LOWER.sub("a", _UPPER.sub("A", title)))


def authorship_vectors(texts: Sequence[str], titles: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """One L2-normalised row per author: their text's n-grams and their titles' templates."""
    body = tfidf([t.encode("utf-8")[:_TEXT_BYTES] for t in texts], (2, 3, 4))
    shapes = ["\n".join(title_shape(t) for t in ts) for ts in titles]
    templates = tfidf([s.encode("utf-8")[:_TEXT_BYTES] for s in shapes], (3, 4, 5))
    both = sparse.hstack([body, templates * _TITLE_WEIGHT], format="csr")
    norms = np.sqrt(np.asarray(both.multiply(both).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    out: sparse.csr_matrix = sparse.diags(1.0 / norms) @ both
    return out.tocsr()


def authorship_scores(
    known: sparse.csr_matrix, questioned: sparse.csr_matrix, neighbours: int = _NEIGHBOURS
) -> np.ndarray:
    """known x questioned hub-corrected scores: 2 cos - (mean of the row's k best) - (mean of
    the column's k best)."""
    cos = np.asarray((known @ questioned.T).todense(), dtype=np.float64)
    if cos.size == 0:
        return cos
    k_row, k_col = min(neighbours, cos.shape[1]), min(neighbours, cos.shape[0])
    row = np.sort(cos, axis=1)[:, -k_row:].mean(axis=1)
    col = np.sort(cos, axis=0)[-k_col:, :].mean(axis=0)
    scores: np.ndarray = 2 * cos - row[:, None] - col[None, :]
    return scores


def authorship_matches(scores: np.ndarray, threshold: float) -> np.ndarray:
    """Pairs that are each other's best and reach the threshold."""
    if scores.size == 0:
        return np.zeros(scores.shape, dtype=bool)
    best = (scores == scores.max(axis=1, keepdims=True)) & (
        scores == scores.max(axis=0, keepdims=True)
    )
    found: np.ndarray = best & (scores >= threshold)
    return found


def calibrate_authorship(scores: np.ndarray, same: np.ndarray, precision: float = 1.0) -> float:
    """The lowest threshold at which mutual-best matches on development authors (with known
    truth `same`) keep the target precision; use it on other authors."""
    best = authorship_matches(scores, -np.inf)
    candidates = np.sort(scores[best])[::-1]
    threshold = float(candidates[0]) + 1.0 if len(candidates) else 0.0
    hits = same[best][np.argsort(-scores[best], kind="stable")]
    right = np.cumsum(hits)
    for k, t in enumerate(candidates):
        if right[k] / (k + 1) < precision:
            break
        threshold = float(t)
    return threshold
