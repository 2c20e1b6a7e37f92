"""Text to TF-IDF features: word 1-2 grams and character 2-5 grams within word boundaries.

Character n-grams carry Russian and Uzbek inflection ("патроны", "патронов") and vendor
spelling ("h4sh", "x-tc") without a stemmer per language. The vocabulary and the IDF weights
are plain arrays, so a model is saved and loaded without pickle.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

FloatArray = npt.NDArray[np.float32]

# Word tokens: letters, digits and the dots and apostrophes inside "7.62x39", "o'q", ".22lr".
WORD_TOKENS = r"(?u)[\w'.]*\w"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """One form for the same text: NFKC, lower case, 'ё' as 'е', single spaces."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()


def _vectorizer(block: str, vocabulary: dict[str, int] | None = None) -> CountVectorizer:
    if block == "word":
        return CountVectorizer(
            analyzer="word",
            token_pattern=WORD_TOKENS,
            ngram_range=WORD_NGRAMS,
            lowercase=False,
            vocabulary=vocabulary,
            dtype=np.float32,
        )
    return CountVectorizer(
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS,
        lowercase=False,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


BLOCKS = ("word", "char")


@dataclass(frozen=True)
class Block:
    """One kind of n-gram: its terms in column order and their IDF weights."""

    name: str
    terms: tuple[str, ...]
    idf: FloatArray

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sublinear TF x IDF, each row scaled to unit length."""
        vocabulary = {term: i for i, term in enumerate(self.terms)}
        counts = _vectorizer(self.name, vocabulary).transform(texts).tocsr()
        counts.data = 1.0 + np.log(counts.data)
        weighted = counts @ sp.diags(self.idf)
        return _unit_rows(sp.csr_matrix(weighted, dtype=np.float32))


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix, dtype=np.float32)


def fit_block(name: str, texts: Sequence[str], min_df: int, max_terms: int) -> Block:
    """Learn a block's vocabulary (terms in at least min_df texts, the max_terms most
    frequent) and smooth IDF weights from texts."""
    vectorizer = _vectorizer(name)
    vectorizer.set_params(min_df=min(min_df, len(texts)), max_features=max_terms)
    counts = vectorizer.fit_transform(texts).tocsc()
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    terms = tuple(sorted(vocabulary, key=lambda t: vocabulary[t]))
    df = np.diff(counts.indptr).astype(np.float64)
    idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
    return Block(name, terms, idf.astype(np.float32))


def features(blocks: Sequence[Block], texts: Sequence[str]) -> sp.csr_matrix:
    """The feature matrix of normalised texts: every block side by side."""
    return sp.csr_matrix(sp.hstack([b.transform(texts) for b in blocks], format="csr"))


def listing_text(values: Sequence[str]) -> str:
    """The text of a listing from its text columns (title, description, ...), as the model
    reads it: empty values left out, one line each."""
    return "\n".join(v.strip() for v in values if v and v.strip())
