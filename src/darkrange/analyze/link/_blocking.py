"""Candidate pairs: only accounts that share something are ever compared (never all pairs).

Blocks are the values two accounts of one person are likely to share: a key fingerprint, a
certifying key, a contact, a Bitcoin address or chain cluster (hard), the handle's core, the
first letters of its skeleton, or a style signature (random-hyperplane LSH over the style
vectors). A soft block larger than its cap is a common value (a stock handle prefix), not a
clue, and is skipped.

Blocks are (block id, account) arrays and their pairs are made in numpy, all blocks of one
size at once; a pair is coded as left * accounts + right and carries a bit per block kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from darkrange.analyze.link._handles import core, pair_handle_similarity, skeleton
from darkrange.analyze.link._profiles import Profile
from darkrange.analyze.link._threads import in_threads

__all__ = ["BLOCK_KINDS", "candidate_pairs", "kind_names"]

BLOCK_KINDS = ("key", "contact", "address", "cluster", "handle", "prefix", "certified", "style")
_BIT = {kind: 1 << i for i, kind in enumerate(BLOCK_KINDS)}
_HARD_CAP = 400
_SOFT_CAP = 40
_LSH_BITS, _LSH_BANDS = 16, 4
_PROJECT_ROWS = 4000
_STYLE_FLOOR = 0.3  # a style-only candidate below this cosine is not worth scoring
_HANDLE_FLOOR = 0.6


def kind_names(mask: int) -> list[str]:
    """The block kinds in a pair's bit mask."""
    return [kind for kind in BLOCK_KINDS if mask & _BIT[kind]]


def _block_pairs(block: np.ndarray, member: np.ndarray, cap: int, n: int) -> np.ndarray:
    """Coded pairs of every block of 2..cap distinct members."""
    entries = np.unique(block.astype(np.int64) * n + member)
    block, member = entries // n, entries % n  # sorted by block, then member
    starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
    sizes = np.diff(np.r_[starts, len(block)])
    out = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= cap)]):
        first = starts[sizes == size]
        rows = member[first[:, None] + np.arange(size)]  # blocks x size, members ascending
        i, j = np.triu_indices(int(size), 1)
        out.append((rows[:, i] * n + rows[:, j]).ravel())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def candidate_pairs(
    profiles: Sequence[Profile], style: sparse.csr_matrix, clusters: Mapping[str, str], seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(left, right, kinds): pairs with left < right, sorted, and each pair's block-kind mask."""
    n = len(profiles)
    ids: dict[tuple[str, str], int] = {}
    entries: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    by_key_id: dict[str, list[int]] = defaultdict(list)

    def add(kind: str, value: str, i: int) -> None:
        blocks, members = entries[kind]
        blocks.append(ids.setdefault((kind, value), len(ids)))
        members.append(i)

    for i, p in enumerate(profiles):
        for fpr in p.fingerprints:
            add("key", fpr, i)
            by_key_id[fpr[-16:]].append(i)
            by_key_id[fpr].append(i)
        for kind, value in p.contacts:
            add("contact", f"{kind}:{value}", i)
        for address in p.addresses:
            add("address", address, i)
            if address in clusters:
                add("cluster", clusters[address], i)
        c = core(p.handle)
        if len(c) >= 3:
            add("handle", c, i)
        s = skeleton(p.handle)
        if len(s) >= 5:
            add("prefix", s[:5], i)
    codes, kinds = [], []
    for kind, (blocks, members) in sorted(entries.items()):
        cap = _SOFT_CAP if kind in ("handle", "prefix") else _HARD_CAP
        found = _block_pairs(np.array(blocks), np.array(members), cap, n)
        codes.append(found)
        kinds.append(np.full(len(found), _BIT[kind], dtype=np.int64))
    certified = [
        min(i, j) * n + max(i, j)  # a key certified by another: both ends
        for i, p in enumerate(profiles)
        for issuer in p.certifiers
        for j in by_key_id.get(issuer, ())
        if j != i
    ]
    codes.append(np.array(certified, dtype=np.int64))
    kinds.append(np.full(len(certified), _BIT["certified"], dtype=np.int64))
    projected = _project(style, seed)
    block, member = _style_blocks(projected, style)
    found = _block_pairs(block, member, _SOFT_CAP, n)
    codes.append(found)
    kinds.append(np.full(len(found), _BIT["style"], dtype=np.int64))
    code, mask = _merge(np.concatenate(codes), np.concatenate(kinds))
    left, right = code // max(1, n), code % max(1, n)
    keep = _keep(profiles, projected, left, right, mask)
    return left[keep], right[keep], mask[keep]


def _merge(code: np.ndarray, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique pair codes (sorted) with the OR of their kinds."""
    if len(code) == 0:
        return code, kinds
    order = np.argsort(code, kind="stable")
    code, kinds = code[order], kinds[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    return code[starts], np.bitwise_or.reduceat(kinds, starts)


def _keep(
    profiles: Sequence[Profile],
    projected: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    mask: np.ndarray,
) -> np.ndarray:
    """Drop soft-only candidates that a cheap look already rules out (the style cosine
    estimated from the LSH projection, the handle similarity)."""
    keep = np.ones(len(left), dtype=bool)
    style_only = np.flatnonzero(mask == _BIT["style"])
    estimate = np.einsum("ij,ij->i", projected[left[style_only]], projected[right[style_only]])
    keep[style_only[estimate < _STYLE_FLOOR]] = False
    handle_only = np.flatnonzero((mask & ~(_BIT["prefix"] | _BIT["handle"])) == 0)
    handles = [p.handle for p in profiles]
    similar = pair_handle_similarity(handles, left[handle_only], right[handle_only])
    keep[handle_only[similar < _HANDLE_FLOOR]] = False
    return keep


def _project(style: sparse.csr_matrix, seed: int) -> np.ndarray:
    """Each style vector projected on random +-1 directions (only the hashed columns in use),
    L2-normalised: signs give LSH codes, dot products estimate the cosine."""
    width = _LSH_BITS * _LSH_BANDS
    if style.shape[0] == 0 or style.nnz == 0:
        return np.zeros((style.shape[0], width), dtype=np.float32)
    rng = np.random.default_rng(seed)
    used = np.flatnonzero(np.bincount(style.indices, minlength=style.shape[1]))  # sorted
    planes = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), (len(used), width))
    # Planes drawn for the used columns only (so codes do not depend on the hash width),
    # scattered to their columns: one sparse-dense product.
    full = np.zeros((style.shape[1], width), dtype=np.float32)
    full[used] = planes
    # Row chunks in threads: scipy's sparse-dense product releases the GIL.
    starts = list(range(0, style.shape[0], _PROJECT_ROWS))
    parts = in_threads(lambda at: style[at : at + _PROJECT_ROWS] @ full, starts)
    projected = np.asarray(np.vstack(parts), dtype=np.float32)
    norms = np.linalg.norm(projected, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = projected / norms
    return out


def _style_blocks(projected: np.ndarray, style: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """(block, account): accounts whose style vectors fall on the same side of every
    hyperplane of a band share that band's block."""
    if projected.shape[0] < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    bits = projected > 0
    weights = 1 << np.arange(_LSH_BITS, dtype=np.int64)
    nonzero = np.flatnonzero(np.asarray(style.getnnz(axis=1)) > 0)
    blocks = [
        (bits[nonzero, band * _LSH_BITS : (band + 1) * _LSH_BITS].astype(np.int64) @ weights)
        + (band << _LSH_BITS)
        for band in range(_LSH_BANDS)
    ]
    return np.concatenate(blocks), np.tile(nonzero, _LSH_BANDS)
