"""Writing style and product vectors: what stays the same when a vendor changes everything else.

- style: TF-IDF of byte 3-4-grams (typos, emoji, stock phrases, sign-offs, punctuation)
  over each account's own text, L2-normalised so a dot product is the cosine;
- habits: rates of emoji, '!' runs, capitals, ellipses, digits and function words of English
  and Russian, compared by mean absolute difference;
- products: TF-IDF of lower-cased listing-title 4-5-grams (product lines keep their names).

N-grams are hashed (no vocabulary pass) and counted by a compiled loop per document
(darkrange.analyze.link._kernels), so 50,000 accounts vectorise in seconds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy as np
from scipy import sparse

from darkrange.analyze.link._kernels import ngram_rows, normalise_rows, pair_dots
from darkrange.analyze.link._threads import in_threads

__all__ = [
    "Vectors",
    "habit_similarity",
    "habits",
    "row_cosines",
    "shared_phrases",
    "tfidf",
    "vectorise",
]

_FUNCTION_WORDS = (
    "the",
    "and",
    "to",
    "of",
    "a",
    "in",
    "for",
    "is",
    "on",
    "you",
    "your",
    "with",
    "all",
    "my",
    "we",
    "our",
    "it",
    "be",
    "or",
    "no",
    "just",
    "only",
    "will",
    "can",
    "are",
    "this",
    "и",
    "в",
    "не",
    "на",
    "с",
    "что",
    "по",
    "как",
    "для",
    "все",
    "вы",
    "мы",
    "у",
    "за",
    "от",
    "только",
    "без",
    "или",
    "а",
    "но",
)
_WORD = re.compile(r"\w+", re.UNICODE)
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2728]")
HABITS = 8 + len(_FUNCTION_WORDS)


@dataclass
class Vectors:
    style: sparse.csr_matrix
    products: sparse.csr_matrix
    habits: np.ndarray  # accounts x HABITS, each column in 0..1
    has_text: np.ndarray  # bool: enough text for style to mean something
    has_titles: np.ndarray


_BITS = 18
_STYLE_BYTES = 1200  # per account: enough for habits to show, and bounded
_TITLE_BYTES = 800
_HABIT_CHARS = 800


def _ngram_counts(docs: Sequence[bytes], sizes: tuple[int, ...]) -> sparse.csr_matrix:
    """Hashed byte n-gram counts per document, compiled, in threads over chunks of documents
    (each document's n-grams are sorted on their own: small sorts, in cache)."""
    chunks = [list(docs[i : i + _CHUNK]) for i in range(0, len(docs), _CHUNK)]
    parts = in_threads(lambda chunk: ngram_rows(chunk, sizes, _BITS), chunks)
    if not parts:
        return sparse.csr_matrix((0, 1 << _BITS), dtype=np.float32)
    offsets = np.cumsum([0] + [int(p[0][-1]) for p in parts])
    indptr = np.concatenate(
        [np.zeros(1, dtype=np.int64)] + [p[0][1:] + o for p, o in zip(parts, offsets, strict=False)]
    )
    columns = np.concatenate([p[1] for p in parts])
    counts = np.concatenate([p[2] for p in parts])
    return sparse.csr_matrix((counts, columns, indptr), shape=(len(docs), 1 << _BITS))


_CHUNK = 2000


def tfidf(docs: Sequence[bytes], sizes: tuple[int, ...]) -> sparse.csr_matrix:
    """Sublinear TF times smoothed IDF, rows L2-normalised (a dot product is the cosine)."""
    x = _ngram_counts(docs, sizes)
    if x.nnz == 0:
        return x
    x.data = 1.0 + np.log(x.data)
    df = np.bincount(x.indices, minlength=x.shape[1])
    idf = (np.log((1.0 + x.shape[0]) / (1.0 + df)) + 1.0).astype(np.float32)
    x.data *= idf[x.indices]
    normalise_rows(x)
    return x


@lru_cache(maxsize=1)
def _bmp_classes() -> np.ndarray:
    """Per code point below 0x10000: bit 1 upper case, 2 letter, 4 digit (Python's own rules)."""
    chars = (
        "".join(chr(c) for c in range(0xD800))
        + "\0" * 0x800
        + "".join(chr(c) for c in range(0xE000, 0x10000))
    )
    upper = np.array(list(map(str.isupper, chars)), dtype=np.uint8)
    alpha = np.array(list(map(str.isalpha, chars)), dtype=np.uint8)
    digit = np.array(list(map(str.isdigit, chars)), dtype=np.uint8)
    table: np.ndarray = upper | alpha << 1 | digit << 2
    return table


def _char_classes(texts: Sequence[str]) -> np.ndarray:
    """texts x (upper-case letters, letters, digits, emoji) counts, in numpy over code points
    (a Python call per character would cost seconds for 50,000 accounts)."""
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = np.zeros(len(codes), dtype=np.uint8)
    bmp = codes < 0x10000
    flags[bmp] = _bmp_classes()[codes[bmp]]
    for k in np.flatnonzero(~bmp):  # few: emoji and the like
        c = chr(int(codes[k]))
        flags[k] = c.isupper() | c.isalpha() << 1 | c.isdigit() << 2
    emoji = (
        ((codes >= 0x1F300) & (codes <= 0x1FAFF))
        | ((codes >= 0x2600) & (codes <= 0x27BF))
        | (codes == 0x2B50)
        | (codes == 0x2728)
    )
    text_of = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)
    columns = [(flags & bit) > 0 for bit in (1, 2, 4)] + [emoji]
    out = np.zeros((len(texts), len(columns)), dtype=np.int64)
    for j, column in enumerate(columns):  # per text: how many of its code points are set
        out[:, j] = np.bincount(text_of[column], minlength=len(texts))
    return out


def _habits(text: str, upper: int, letters: int, digits: int, emoji: int) -> list[float]:
    """The eight punctuation and case habits of one text, then its word count and the count
    of each function word (rates for those are taken in numpy, for all texts at once)."""
    size = max(1, len(text))
    lines = [line for line in text.split("\n") if line.strip()]
    words = _WORD.findall(text.lower())
    counts = Counter(words)
    letters = max(1, letters)
    n_lines = max(1, len(lines))
    out = [
        min(1.0, 200 * emoji / size),
        min(1.0, 50 * text.count("!") / size),
        min(1.0, 100 * text.count("!!") / size),
        upper / letters,
        sum(line.isupper() for line in lines) / n_lines,
        sum(line[:1].islower() for line in lines) / n_lines,
        min(1.0, 100 * text.count("...") / size),
        min(1.0, 5 * digits / size),
        max(1, len(words)),
    ]
    out += map(counts.get, _FUNCTION_WORDS, repeat(0))  # .get: no Python __missing__ call
    return out


def habits(texts: Sequence[str]) -> np.ndarray:
    """texts x HABITS: punctuation, case, digit, emoji and function-word rates, each 0..1."""
    classes = _char_classes(texts).tolist()
    rows = np.array(
        [_habits(t, *c) for t, c in zip(texts, classes, strict=True)], dtype=np.float64
    ).reshape(-1, HABITS + 1)
    # The same float64 operations as min(1.0, 10 * count / words) per value, then float32.
    rates = np.minimum(1.0, 10 * rows[:, 9:] / rows[:, 8:9])
    out: np.ndarray = np.hstack([rows[:, :8], rates]).astype(np.float32)
    return out


def vectorise(texts: Sequence[str], titles: Sequence[str]) -> Vectors:
    """Vectors for accounts given each one's joined text and joined listing titles."""
    style_docs = [t.encode("utf-8")[:_STYLE_BYTES] for t in texts]
    title_docs = [t.lower().encode("utf-8")[:_TITLE_BYTES] for t in titles]
    style = tfidf(style_docs, (3, 4))
    products = tfidf(title_docs, (4, 5))
    short = [t[:_HABIT_CHARS] for t in texts]
    return Vectors(
        style=style,
        products=products,
        habits=habits(short),
        has_text=np.array([len(t) >= 150 for t in texts], dtype=bool),
        has_titles=np.array([bool(t.strip()) for t in titles], dtype=bool),
    )


def row_cosines(
    matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray, chunk: int = 20_000
) -> np.ndarray:
    """Cosine of row left[k] with row right[k] for every k (rows are L2-normalised), a chunk
    of pairs at a time so memory stays bounded however many pairs there are."""

    if not matrix.has_sorted_indices:  # the compiled dot product walks sorted rows
        matrix = matrix.sorted_indices()

    def cosines(start: int) -> np.ndarray:
        return pair_dots(matrix, left[start : start + chunk], right[start : start + chunk])

    parts = in_threads(cosines, list(range(0, len(left), chunk)))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float64)


def habit_similarity(habits: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if len(left) == 0:
        return np.zeros(0)
    diff = np.abs(habits[left] - habits[right])
    # The eight punctuation and case habits weigh as much as all function words together.
    similarity: np.ndarray = 1.0 - 0.5 * diff[:, :8].mean(axis=1) - 0.5 * diff[:, 8:].mean(axis=1)
    return similarity


def shared_phrases(a: str, b: str, limit: int = 3) -> list[str]:
    """The longest word sequences (3 to 8 words) both texts contain, not overlapping in `a`,
    for an explanation."""
    wa, wb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    found: list[str] = []
    used: set[int] = set()
    for n in range(8, 2, -1):
        grams_b = {tuple(wb[i : i + n]) for i in range(len(wb) - n + 1)}
        for i in range(len(wa) - n + 1):
            if tuple(wa[i : i + n]) in grams_b and used.isdisjoint(range(i, i + n)):
                used.update(range(i, i + n))
                found.append(" ".join(wa[i : i + n]))
                if len(found) >= limit:
                    return found
    return found
