"""`search query`: ranked (bm25) full-text and selector search with filters and snippets."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from darkrange.analyze.search._index import INDEX_FILE
from darkrange.analyze.search._stem import stem_word, tokens
from darkrange.errors import FormatError, InputError
from darkrange.extract import find_selectors

__all__ = ["Hit", "Query", "fts_query", "open_index", "search"]


@dataclass(frozen=True)
class Query:
    text: str = ""
    site: str | None = None
    category: str | None = None
    language: str | None = None
    vendor: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    selector: str | None = None
    limit: int = 20


@dataclass(frozen=True)
class Hit:
    kind: str
    site: str
    site_name: str | None
    record_id: str
    url: str | None
    vendor: str | None
    language: str
    time: datetime | None
    title: str
    snippet: str
    score: float
    pointer: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "site": self.site,
            "site_name": self.site_name,
            "record_id": self.record_id,
            "url": self.url,
            "vendor": self.vendor,
            "language": self.language,
            "time": self.time.isoformat() if self.time else None,
            "title": self.title,
            "snippet": self.snippet,
            "score": round(self.score, 4),
            "pointer": self.pointer,
        }


def open_index(index: Path) -> sqlite3.Connection:
    path = index / INDEX_FILE
    if not path.is_file():
        raise InputError(f"no search index in {index}; run `darkrange search index` first")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.execute("PRAGMA mmap_size=1073741824")  # read the index through the page cache
    try:
        con.execute("SELECT 1 FROM fts LIMIT 1")
    except sqlite3.DatabaseError as exc:
        con.close()
        raise FormatError(f"{path} is not a darkrange search index: {exc}") from None
    return con


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_query(text: str) -> str:
    """Every word must match, as written (title, body) or by its stem (the stemmed copy)."""
    parts = []
    for word in tokens(text):
        parts.append(f"({{title body}} : {_quote(word)} OR stem : {_quote(stem_word(word))})")
    return " AND ".join(parts)


def _selector_value(value: str) -> str:
    found = [s for s in find_selectors(value) if s.valid]
    return (found[0].normalized if found else value.strip()).replace(" ", "").casefold()


def _filters(q: Query) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if q.site:
        where.append("(d.site = ? OR d.site_name = ? COLLATE NOCASE)")
        args += [q.site.lower(), q.site]
    if q.category:
        where.append("d.category LIKE ?")
        args.append(f"%{q.category}%")
    if q.language:
        where.append("d.language = ?")
        args.append(q.language.lower())
    if q.vendor:
        where.append("d.vendor = ? COLLATE NOCASE")
        args.append(q.vendor)
    if q.kind:
        where.append("d.kind = ?")
        args.append(q.kind)
    if q.since:
        where.append("d.time >= ?")
        args.append(int(q.since.timestamp()))
    if q.until:
        where.append("d.time < ?")
        args.append(int(q.until.timestamp()))
    if q.selector:
        where.append("d.id IN (SELECT doc FROM selectors WHERE value = ?)")
        args.append(_selector_value(q.selector))
    return where, args


def search(index: Path, q: Query) -> list[Hit]:
    """The best `limit` records for the query, best first."""
    match = fts_query(q.text)
    if not match and not q.selector:
        raise InputError("search needs words to look for or --selector VALUE")
    where, args = _filters(q)
    columns = (
        "d.kind, d.site, d.site_name, d.record_id, d.url, d.vendor, d.language, d.time, d.title"
    )
    if match:
        # Rank first, snippets only for the rows kept: a common word matches tens of
        # thousands of records, and a snippet costs far more than a rank. bm25() with its
        # weights written here is about twice as fast as the `rank` column configured to it.
        sql = (
            "WITH top AS (SELECT fts.rowid AS id, bm25(fts, 4.0, 1.0, 0.5) AS r FROM fts "
            "JOIN docs d ON d.id = fts.rowid WHERE "
            + " AND ".join(["fts MATCH ?", *where])
            + " ORDER BY r, fts.rowid LIMIT ?) "
            f"SELECT {columns}, snippet(fts, 1, '[', ']', '...', 16), top.r, d.pointer "
            "FROM top JOIN fts ON fts.rowid = top.id JOIN docs d ON d.id = top.id "
            "WHERE fts MATCH ? ORDER BY top.r, top.id"
        )
        args = [match, *args, q.limit, match]
    else:
        sql = (
            f"SELECT {columns}, substr(d.body, 1, 160), 0.0, d.pointer FROM docs d WHERE "
            + " AND ".join(where)
            + " ORDER BY d.id LIMIT ?"
        )
        args = [*args, q.limit]
    con = open_index(index)
    try:
        rows = con.execute(sql, args).fetchall()
    except sqlite3.OperationalError as exc:
        raise InputError(f"search: cannot run this query: {exc}") from None
    finally:
        con.close()
    return [
        Hit(
            kind=r[0],
            site=r[1],
            site_name=r[2],
            record_id=r[3],
            url=r[4],
            vendor=r[5],
            language=r[6],
            time=datetime.fromtimestamp(r[7], UTC) if r[7] is not None else None,
            title=r[8] or "",
            snippet=" ".join((r[9] or "").split()),
            score=-float(r[10]),
            pointer=json.loads(r[11] or "{}"),
        )
        for r in rows
    ]
