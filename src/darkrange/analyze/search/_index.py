"""`search index`: every record into one SQLite file with an FTS5 index (bm25 ranking).

Tables: `docs` (one row per record: kind, site, site name, record id, URL, category, language,
vendor/author, time, title, body, a stemmed copy, the WARC pointer), `fts` (FTS5 over title,
body and stem; unicode61 with remove_diacritics 2, external content = docs) and `selectors`
(every valid selector each record mentions, normalised, for "every page with this address").
The file is built beside the index folder's `search.sqlite` and swapped in when complete.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from darkrange.analyze.link import check_records, first_pointer, read_kind, when
from darkrange.analyze.search._stem import language_of, stem_text
from darkrange.errors import InputError
from darkrange.extract import find_selectors

__all__ = ["INDEX_FILE", "build_index"]

INDEX_FILE = "search.sqlite"
_SCHEMA = """
CREATE TABLE docs (
  id INTEGER PRIMARY KEY, kind TEXT, site TEXT, site_name TEXT, record_id TEXT, url TEXT,
  category TEXT, language TEXT, vendor TEXT, time INTEGER, title TEXT, body TEXT, stem TEXT,
  pointer TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, body, stem, content='docs', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');
CREATE TABLE selectors (doc INTEGER, kind TEXT, value TEXT);
"""
_INDEXES = """
CREATE INDEX selectors_value ON selectors(value);
CREATE INDEX docs_vendor ON docs(vendor COLLATE NOCASE);
CREATE INDEX docs_time ON docs(time);
"""
# kind -> (title field, body fields, vendor field, id fields, time field)
_LAYOUT: dict[str, tuple[str | None, tuple[str, ...], str | None, tuple[str, ...], str | None]] = {
    "listings": ("title", ("description",), "vendor", ("listing_id",), None),
    "vendors": ("handle", ("terms",), "handle", ("handle",), None),
    "reviews": (None, ("text",), "vendor", ("listing_id", "buyer", "occurrence"), "time"),
    "threads": ("title", (), "author", ("thread_id",), "created"),
    "posts": (None, ("text",), "author", ("post_id",), "time"),
    "pastes": ("title", ("text",), None, ("paste_id",), "time"),
}

Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    return None


def _doc(kind: str, row: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    title_f, body_fs, vendor_f, id_fs, time_f = _LAYOUT[kind]
    title = str(row.get(title_f) or "") if title_f else ""
    body = "\n".join(str(row.get(f) or "") for f in body_fs)
    pointer = first_pointer(row)
    moment = when(row.get(time_f)) if time_f else None
    if moment is None and pointer.get("captured"):
        moment = when(pointer["captured"])
    text = f"{title}\n{body}"
    values = (
        kind,
        row.get("site"),
        row.get("site_name"),
        "/".join(str(row.get(f)) for f in id_fs),
        row.get("url"),
        row.get("category"),
        language_of(text),
        row.get(vendor_f) if vendor_f else None,
        int(moment.timestamp()) if moment else None,
        title,
        body,
        stem_text(text),
        json.dumps(pointer),
    )
    return values, text


def _selectors(row: dict[str, Any], text: str) -> set[tuple[str, str]]:
    found = {(s.kind, s.normalized.casefold()) for s in find_selectors(text) if s.valid}
    if row.get("pgp_fingerprint"):
        found.add(("pgp_key", str(row["pgp_fingerprint"]).replace(" ", "").casefold()))
    for c in row.get("contacts") or []:
        if isinstance(c, dict) and c.get("value"):
            found.add((str(c.get("kind")), str(c["value"]).casefold()))
    return found


def build_index(records: Path, index: Path, progress: Progress = _noop) -> int:
    """Index every record of a records folder into index/search.sqlite; returns the count."""
    check_records(records)
    if index.exists() and not index.is_dir():
        raise InputError(f"--index {index} is a file; give a folder")
    index.mkdir(parents=True, exist_ok=True)
    tmp = index / f".{INDEX_FILE}.tmp"
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.executescript(_SCHEMA)
        count = 0
        for n, kind in enumerate(_LAYOUT):
            progress(kind, n, len(_LAYOUT))
            count += _index_kind(con, records, kind)
        con.executescript(_INDEXES)
        con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        con.commit()
    finally:
        con.close()
    os.replace(tmp, index / INDEX_FILE)
    progress("done", len(_LAYOUT), len(_LAYOUT))
    return count


def _index_kind(con: sqlite3.Connection, records: Path, kind: str) -> int:
    title_f, body_fs, vendor_f, id_fs, time_f = _LAYOUT[kind]
    fields = [
        title_f,
        *body_fs,
        vendor_f,
        *id_fs,
        time_f,
        "site",
        "site_name",
        "url",
        "category",
        "pointers",
        "pgp_fingerprint",
        "contacts",
    ]
    rows = read_kind(records, kind, [f for f in dict.fromkeys(fields) if f])
    docs: list[tuple[Any, ...]] = []
    sels: list[tuple[int, str, str]] = []
    start = con.execute("SELECT coalesce(max(id), 0) FROM docs").fetchone()[0]
    for n, row in enumerate(rows, start=start + 1):
        values, text = _doc(kind, row)
        docs.append((n, *values))
        sels.extend((n, k, v) for k, v in sorted(_selectors(row, text)))
    con.executemany(f"INSERT INTO docs VALUES ({','.join('?' * 14)})", docs)
    con.executemany("INSERT INTO selectors VALUES (?, ?, ?)", sels)
    con.execute(
        "INSERT INTO fts(rowid, title, body, stem) SELECT id, title, body, stem FROM docs "
        "WHERE id > ?",
        (start,),
    )
    return len(docs)
