"""Candidate pairs: only accounts that share something are ever compared (never all pairs).

Blocks are the values two accounts of one person are likely to share: a key fingerprint, a
certifying key, a contact, a Bitcoin address or chain cluster (hard), the handle's core, the
first letters of its skeleton, or a style signature (random-hyperplane LSH over the style
vectors). A soft block larger than its cap is a common value (a stock handle prefix), not a
clue, and is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from darkrange.analyze.link._handles import core, skeleton
from darkrange.analyze.link._profiles import Profile

__all__ = ["candidate_pairs"]

_HARD_CAP = 400
_SOFT_CAP = 40
_LSH_BITS, _LSH_BANDS = 16, 4
_STYLE_FLOOR = 0.3  # a style-only candidate below this cosine is not worth scoring
_HANDLE_FLOOR = 0.6


def _pairs(members: Sequence[int], cap: int) -> Iterable[tuple[int, int]]:
    if len(members) < 2 or len(members) > cap:
        return ()
    ordered = sorted(set(members))
    return ((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])


def candidate_pairs(
    profiles: Sequence[Profile], style: sparse.csr_matrix, clusters: Mapping[str, str], seed: int
) -> dict[tuple[int, int], set[str]]:
    """(i, j) with i < j -> the kinds of block that proposed the pair."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_key_id: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(profiles):
        for fpr in p.fingerprints:
            blocks["key", fpr].append(i)
            by_key_id[fpr[-16:]].append(i)
            by_key_id[fpr].append(i)
        for kind, value in p.contacts:
            blocks["contact", f"{kind}:{value}"].append(i)
        for address in p.addresses:
            blocks["address", address].append(i)
            if address in clusters:
                blocks["cluster", clusters[address]].append(i)
        c = core(p.handle)
        if len(c) >= 3:
            blocks["handle", c].append(i)
        s = skeleton(p.handle)
        if len(s) >= 5:
            blocks["prefix", s[:5]].append(i)
    out: dict[tuple[int, int], set[str]] = defaultdict(set)
    for (kind, _), members in blocks.items():
        cap = _SOFT_CAP if kind in ("handle", "prefix") else _HARD_CAP
        for pair in _pairs(members, cap):
            out[pair].add(kind)
    for i, p in enumerate(profiles):  # a key certified by another: both ends
        for issuer in p.certifiers:
            for j in by_key_id.get(issuer, ()):
                if j != i:
                    out[min(i, j), max(i, j)].add("certified")
    projected = _project(style, seed)
    for members in _style_buckets(projected, style):
        for pair in _pairs(members, _SOFT_CAP):
            out[pair].add("style")
    return _prune(out, profiles, projected)


def _prune(
    out: dict[tuple[int, int], set[str]], profiles: Sequence[Profile], projected: np.ndarray
) -> dict[tuple[int, int], set[str]]:
    """Drop soft-only candidates that a cheap look already rules out (the style cosine
    estimated from the LSH projection, the handle similarity)."""
    from darkrange.analyze.link._handles import handle_similarity

    style_only = [p for p, kinds in out.items() if kinds == {"style"}]
    if style_only:
        left = np.array([a for a, _ in style_only])
        right = np.array([b for _, b in style_only])
        estimate = np.einsum("ij,ij->i", projected[left], projected[right])
        for pair, cos in zip(style_only, estimate, strict=True):
            if cos < _STYLE_FLOOR:
                del out[pair]
    for pair, kinds in list(out.items()):
        if kinds <= {"prefix", "handle"}:
            a, b = profiles[pair[0]].handle, profiles[pair[1]].handle
            if handle_similarity(a, b) < _HANDLE_FLOOR:
                del out[pair]
    return dict(out)


def _project(style: sparse.csr_matrix, seed: int) -> np.ndarray:
    """Each style vector projected on random +-1 directions (only the hashed columns in use),
    L2-normalised: signs give LSH codes, dot products estimate the cosine."""
    width = _LSH_BITS * _LSH_BANDS
    if style.shape[0] == 0 or style.nnz == 0:
        return np.zeros((style.shape[0], width), dtype=np.float32)
    rng = np.random.default_rng(seed)
    used = np.unique(style.indices)
    planes = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), (len(used), width))
    remap = sparse.csr_matrix(
        (np.ones(len(used), dtype=np.float32), (used, np.arange(len(used)))),
        shape=(style.shape[1], len(used)),
    )
    projected = np.asarray((style @ remap) @ planes, dtype=np.float32)
    norms = np.linalg.norm(projected, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = projected / norms
    return out


def _style_buckets(projected: np.ndarray, style: sparse.csr_matrix) -> list[list[int]]:
    """Accounts whose style vectors fall on the same side of every hyperplane of a band."""
    if projected.shape[0] < 2:
        return []
    bits = projected > 0
    buckets: list[list[int]] = []
    weights = 1 << np.arange(_LSH_BITS, dtype=np.int64)
    nonzero = np.flatnonzero(np.asarray(style.getnnz(axis=1)) > 0)
    for band in range(_LSH_BANDS):
        codes = bits[:, band * _LSH_BITS : (band + 1) * _LSH_BITS].astype(np.int64) @ weights
        order = nonzero[np.argsort(codes[nonzero], kind="stable")]
        _, starts = np.unique(codes[order], return_index=True)
        for group in np.split(order, starts[1:]):
            if len(group) > 1:
                buckets.append(group.tolist())
    return buckets
