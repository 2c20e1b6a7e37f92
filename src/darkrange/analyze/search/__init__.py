"""Full-text search over page records: SQLite FTS5 (unicode61, diacritics removed) with a
stemmed copy for English and Russian, bm25 ranking, filters and selector search."""

from darkrange.analyze.search._cli import register_search
from darkrange.analyze.search._index import INDEX_FILE, build_index
from darkrange.analyze.search._query import Hit, Query, fts_query, open_index, search
from darkrange.analyze.search._stem import language_of, stem_text, stem_word

__all__ = [
    "INDEX_FILE",
    "Hit",
    "Query",
    "build_index",
    "fts_query",
    "language_of",
    "open_index",
    "register_search",
    "search",
    "stem_text",
    "stem_word",
]
