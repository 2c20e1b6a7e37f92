"""The compiled n-gram counter and pair cosines against plain numpy / scipy on real text."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from darkrange.analyze.link._kernels import ngram_rows, pair_dots
from darkrange.analyze.link._style import row_cosines, tfidf

_GOLDEN = 0x9E3779B97F4A7C15
_WORD64 = (1 << 64) - 1  # the compiled code wraps modulo 2**64

DOCS = [
    b"Stealth is top notch, ships from NL in 2 days!! PGP only.",
    b"stealth is top notch... ships from NL. escrow or FE for trusted buyers",
    "Привет, всё отправляем быстро, только через гарант.".encode(),
    b"",
    b"ab",
    "🔥🔥 fresh batch, same stealth as always 🔥".encode(),
]


def _reference(doc: bytes, sizes: tuple[int, ...], bits: int) -> dict[int, int]:
    """Hashed n-gram counts of one document, one n-gram at a time."""
    out: dict[int, int] = {}
    for n in sizes:
        for i in range(len(doc) - n + 1):
            code = 0
            for byte in doc[i : i + n]:
                code = (code * 257 + byte) & _WORD64
            column = ((code * _GOLDEN) & _WORD64) >> (64 - bits)
            out[column] = out.get(column, 0) + 1
    return out


def test_ngram_rows_match_one_ngram_at_a_time() -> None:
    for sizes, bits in (((3, 4), 18), ((4, 5), 12), ((1,), 4)):
        indptr, columns, counts = ngram_rows(DOCS, sizes, bits)
        assert len(indptr) == len(DOCS) + 1
        for d, doc in enumerate(DOCS):
            cols = columns[indptr[d] : indptr[d + 1]]
            assert list(cols) == sorted(set(cols.tolist()))  # ascending, no repeats
            got = dict(zip(cols.tolist(), counts[indptr[d] : indptr[d + 1]].tolist(), strict=True))
            assert got == _reference(doc, sizes, bits)


def test_pair_dots_match_scipy() -> None:
    x = tfidf(DOCS, (3, 4))
    left = np.array([0, 0, 1, 2, 3, 5, 4], dtype=np.int64)
    right = np.array([1, 2, 5, 2, 0, 5, 4], dtype=np.int64)
    expected = np.asarray(x[left].multiply(x[right]).sum(axis=1), dtype=np.float64).ravel()
    got = pair_dots(x, left, right)
    assert np.allclose(got, expected, atol=1e-6)
    assert got[0] > 0.2 > got[1]  # the two English stealth texts share phrases; Russian does not
    assert abs(got[3] - 1.0) < 1e-5  # a row with itself (float32 values)
    assert got[4] == 0.0  # an empty document


def test_row_cosines_chunks_and_threads_agree() -> None:
    rng = np.random.default_rng(5)
    x = sparse.random(300, 2000, density=0.02, format="csr", dtype=np.float32, random_state=7)
    x.sort_indices()
    left, right = rng.integers(0, 300, 5000), rng.integers(0, 300, 5000)
    whole = row_cosines(x, left, right, chunk=10_000)
    small = row_cosines(x, left, right, chunk=97)
    assert np.array_equal(whole, small)
    expected = np.asarray(x[left].multiply(x[right]).sum(axis=1), dtype=np.float64).ravel()
    assert np.allclose(whole, expected, atol=1e-5)
