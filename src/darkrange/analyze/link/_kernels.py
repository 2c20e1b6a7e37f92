"""Compiled loops for the two costliest steps on 50,000 accounts: counting hashed byte n-grams
per document and the sparse cosine of hundreds of thousands of pairs of rows.

numpy alone needs one big sort of every n-gram (vectors) and a copy of both rows of every
pair (cosines); a loop compiled by numba sorts each document's few thousand n-grams in cache
and walks two sorted rows side by side without copying. Both release the GIL (`nogil`), so
the callers run them in threads over chunks (darkrange.analyze.link._threads), and each
result depends only on its own document or pair: the same input gives the same bits
whatever the number of threads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

__all__ = ["ngram_rows", "normalise_rows", "pair_dots"]

_GOLDEN = 0x9E3779B97F4A7C15
_BASE = 257


@njit(nogil=True, cache=True)
def _radix_sort(values: np.ndarray, scratch: np.ndarray, bits: int) -> None:
    """Sort values (each below 2**bits) in place, two counting passes of half the bits:
    linear in the n-grams of a document, where a comparison sort is not."""
    low = (bits + 1) // 2
    for shift, width in ((0, low), (low, bits - low)):
        buckets = np.zeros((1 << width) + 1, dtype=np.int64)
        mask = (1 << width) - 1
        for v in values:
            buckets[((v >> shift) & mask) + 1] += 1
        for b in range(1, len(buckets)):
            buckets[b] += buckets[b - 1]
        for v in values:  # stable: ties keep the previous pass's order
            b = (v >> shift) & mask
            scratch[buckets[b]] = v
            buckets[b] += 1
        values[:] = scratch[: len(values)]


@njit(nogil=True, cache=True)
def _ngram_rows(
    buf: np.ndarray, starts: np.ndarray, sizes: np.ndarray, bits: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_docs = len(starts) - 1
    bound = 0
    longest = 0
    for d in range(n_docs):
        length = starts[d + 1] - starts[d]
        longest = max(longest, length)
        for n in sizes:
            bound += max(0, length - n + 1)
    columns = np.empty(bound, dtype=np.int32)
    counts = np.empty(bound, dtype=np.float32)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    hashes = np.empty(len(sizes) * longest, dtype=np.int64)
    scratch = np.empty(len(sizes) * longest, dtype=np.int64)
    golden = np.uint64(_GOLDEN)
    base = np.uint64(_BASE)
    shift = np.uint64(64 - bits)
    at = 0
    for d in range(n_docs):
        lo, hi = starts[d], starts[d + 1]
        m = 0
        for n in sizes:
            for i in range(lo, hi - n + 1):
                code = np.uint64(0)
                for k in range(n):  # the same code as the numpy version: base-257 digits
                    code = code * base + np.uint64(buf[i + k])
                hashes[m] = np.int64((code * golden) >> shift)
                m += 1
        row = hashes[:m]
        _radix_sort(row, scratch, bits)
        j = 0
        while j < m:  # run lengths of the sorted hashes: column and count
            k = j
            while k < m and row[k] == row[j]:
                k += 1
            columns[at] = row[j]
            counts[at] = k - j
            at += 1
            j = k
        indptr[d + 1] = at
    return indptr, columns[:at].copy(), counts[:at].copy()


def ngram_rows(
    docs: list[bytes], sizes: tuple[int, ...], bits: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR parts (indptr, columns, counts) of the hashed byte n-gram counts of `docs`:
    per document, columns ascending, counts of each n-gram of the given sizes."""
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    starts = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(lengths)])
    buf = np.frombuffer(b"".join(docs), dtype=np.uint8)
    wanted = np.array(sizes, dtype=np.int64)
    out: tuple[np.ndarray, np.ndarray, np.ndarray] = _ngram_rows(buf, starts, wanted, bits)
    return out


@njit(nogil=True, cache=True)
def _pair_dots(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
) -> np.ndarray:
    out = np.zeros(len(left), dtype=np.float64)
    for p in range(len(left)):
        i, i_end = indptr[left[p]], indptr[left[p] + 1]
        j, j_end = indptr[right[p]], indptr[right[p] + 1]
        total = 0.0
        while i < i_end and j < j_end:  # both rows' columns ascend: a merge
            a, b = indices[i], indices[j]
            if a == b:
                total += np.float64(data[i]) * np.float64(data[j])
                i += 1
                j += 1
            elif a < b:
                i += 1
            else:
                j += 1
        out[p] = total
    return out


def pair_dots(matrix: Any, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Dot product of CSR rows left[k] and right[k] for every k (columns sorted per row)."""
    if len(left) == 0:
        return np.zeros(0, dtype=np.float64)
    out: np.ndarray = _pair_dots(
        matrix.indptr.astype(np.int64, copy=False),
        matrix.indices,
        matrix.data,
        np.ascontiguousarray(left, dtype=np.int64),
        np.ascontiguousarray(right, dtype=np.int64),
    )
    return out


@njit(nogil=True, cache=True)
def _normalise_rows(indptr: np.ndarray, data: np.ndarray) -> None:
    for r in range(len(indptr) - 1):
        total = np.float32(0.0)
        for j in range(indptr[r], indptr[r + 1]):  # in column order, in float32, as scipy sums
            total += data[j] * data[j]
        norm = np.float32(np.sqrt(total)) if total > 0 else np.float32(1.0)
        for j in range(indptr[r], indptr[r + 1]):
            data[j] = data[j] / norm


def normalise_rows(matrix: Any) -> None:
    """Divide each CSR row of float32 values by its L2 norm, in place (empty rows stay)."""
    _normalise_rows(matrix.indptr, matrix.data)
