"""The crawl's state: one SQLite file in the crawl folder (frontier, pages, hosts, sessions,
the CAPTCHA queue, events).

A page is marked fetched in the same transaction that queues its links and moves the WARC
high-water mark past its record; records beyond the mark are looked at again on restart
(`_resume.reconcile`). WAL mode: `darkrange captcha` answers from another process meanwhile.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from darkrange.errors import StateError

STATE_FILE = "crawl-state.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS frontier (
  url TEXT PRIMARY KEY, host TEXT NOT NULL, depth INTEGER NOT NULL, seq INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued', tries INTEGER NOT NULL DEFAULT 0,
  redirects INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS frontier_status ON frontier (status, host);
CREATE TABLE IF NOT EXISTS pages (
  url TEXT PRIMARY KEY, host TEXT NOT NULL, status INTEGER NOT NULL, warc_file TEXT NOT NULL,
  warc_offset INTEGER NOT NULL, warc_length INTEGER NOT NULL, record_id TEXT NOT NULL,
  fetched_at TEXT NOT NULL, bytes INTEGER NOT NULL, simhash TEXT NOT NULL,
  follow INTEGER NOT NULL, truncated TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS warc_marks (file TEXT PRIMARY KEY, offset INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS hosts (
  host TEXT PRIMARY KEY, site TEXT NOT NULL, relation TEXT NOT NULL, clone_of TEXT,
  fingerprint TEXT NOT NULL DEFAULT '', mirror_list TEXT NOT NULL DEFAULT '[]',
  reasons TEXT NOT NULL DEFAULT '[]', probed INTEGER NOT NULL DEFAULT 0,
  mirror_url TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS sessions (
  host TEXT PRIMARY KEY, cookies TEXT NOT NULL, user_agent TEXT NOT NULL, since REAL NOT NULL);
CREATE TABLE IF NOT EXISTS captchas (
  id INTEGER PRIMARY KEY, host TEXT NOT NULL, url TEXT NOT NULL, image TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', answer TEXT, created REAL NOT NULL, answered REAL);
CREATE TABLE IF NOT EXISTS shots (
  url TEXT PRIMARY KEY, page_record TEXT NOT NULL, page_file TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', shot_record TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, time REAL NOT NULL, host TEXT NOT NULL, kind TEXT NOT NULL,
  message TEXT NOT NULL);
"""


@dataclass(frozen=True)
class QueuedUrl:
    url: str
    host: str
    depth: int
    seq: int
    tries: int = 0
    redirects: int = 0


@dataclass(frozen=True)
class PageRow:
    url: str
    host: str
    status: int
    warc_file: str
    warc_offset: int
    warc_length: int
    record_id: str
    fetched_at: str
    bytes: int
    simhash: int
    follow: bool
    truncated: str = ""


def connect(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process
    except sqlite3.Error as exc:
        raise StateError(f"{path}: cannot open the crawl state ({exc})") from None
    return db


class CrawlState:
    """Typed access to the state file; every write is one transaction."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / STATE_FILE
        self.db = connect(self.path)
        try:
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{self.path}: not a crawl state file ({exc})") from None
        row = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM frontier").fetchone()
        self._seq = int(row[0])

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # meta -----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value))
        )

    # frontier -------------------------------------------------------------------------------
    def enqueue(self, db: sqlite3.Connection, items: Iterable[tuple[str, str, int, int]]) -> int:
        """Queue (url, host, depth, redirects) not seen before; how many were new."""
        added = 0
        for url, host, depth, redirects in items:
            self._seq += 1
            cur = db.execute(
                "INSERT OR IGNORE INTO frontier (url, host, depth, seq, redirects) "
                "VALUES (?, ?, ?, ?, ?)",
                (url, host, depth, self._seq, redirects),
            )
            added += cur.rowcount
        return added

    def queued(self) -> list[QueuedUrl]:
        rows = self.db.execute(
            "SELECT url, host, depth, seq, tries, redirects FROM frontier "
            "WHERE status = 'queued' ORDER BY depth, seq"
        ).fetchall()
        return [QueuedUrl(*row) for row in rows]

    def known(self, url: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM frontier WHERE url = ?", (url,)).fetchone() is not None
        )

    def status_of(self, url: str) -> str | None:
        row = self.db.execute("SELECT status FROM frontier WHERE url = ?", (url,)).fetchone()
        return str(row[0]) if row else None

    def finish(self, db: sqlite3.Connection, url: str, status: str, note: str = "") -> None:
        db.execute("UPDATE frontier SET status = ?, note = ? WHERE url = ?", (status, note, url))

    def retry_later(self, url: str, tries: int) -> None:
        self.db.execute("UPDATE frontier SET tries = ? WHERE url = ?", (tries, url))

    def rehost(self, old: str, new: str) -> None:
        """A host turned out to be a mirror: its queued URLs are dropped (the site has them)."""
        self.db.execute(
            "UPDATE frontier SET status = 'skipped', note = 'mirror of ' || ? "
            "WHERE host = ? AND status = 'queued'",
            (new, old),
        )

    # pages ----------------------------------------------------------------------------------
    def add_page(self, db: sqlite3.Connection, page: PageRow) -> None:
        db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                page.url,
                page.host,
                page.status,
                page.warc_file,
                page.warc_offset,
                page.warc_length,
                page.record_id,
                page.fetched_at,
                page.bytes,
                f"{page.simhash:016x}",
                int(page.follow),
                page.truncated,
            ),
        )

    def mark(self, db: sqlite3.Connection, file: str, end: int) -> None:
        db.execute(
            "INSERT INTO warc_marks (file, offset) VALUES (?, ?) "
            "ON CONFLICT (file) DO UPDATE SET offset = MAX(offset, excluded.offset)",
            (file, end),
        )

    def marks(self) -> dict[str, int]:
        return {f: int(o) for f, o in self.db.execute("SELECT file, offset FROM warc_marks")}

    def pages(self) -> list[PageRow]:
        rows = self.db.execute("SELECT * FROM pages ORDER BY fetched_at, url").fetchall()
        return [
            PageRow(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                row[8],
                int(row[9], 16),
                bool(row[10]),
                row[11],
            )
            for row in rows
        ]

    def page_count(self, host: str | None = None) -> int:
        if host is None:
            return int(self.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0])
        sql = "SELECT COUNT(*) FROM pages WHERE host = ?"
        return int(self.db.execute(sql, (host,)).fetchone()[0])

    # hosts ----------------------------------------------------------------------------------
    def hosts(self) -> dict[str, dict[str, Any]]:
        out = {}
        for row in self.db.execute("SELECT * FROM hosts ORDER BY rowid"):
            host, site, relation, clone_of, fp, mirrors, reasons, probed, mirror_url = row
            out[host] = {
                "site": site,
                "relation": relation,
                "clone_of": clone_of,
                "fingerprint": int(fp, 16) if fp else 0,
                "mirror_list": json.loads(mirrors),
                "reasons": json.loads(reasons),
                "probed": bool(probed),
                "mirror_url": mirror_url,
            }
        return out

    def save_host(self, host: str, info: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO hosts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                host,
                info["site"],
                info["relation"],
                info.get("clone_of"),
                f"{info.get('fingerprint', 0):016x}",
                json.dumps(sorted(info.get("mirror_list", []))),
                json.dumps(info.get("reasons", [])),
                int(info.get("probed", False)),
                info.get("mirror_url", ""),
            ),
        )

    # sessions -------------------------------------------------------------------------------
    def save_session(self, host: str, cookies: list[dict[str, str]], user_agent: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?)",
            (host, json.dumps(cookies), user_agent, time.time()),
        )

    def session(self, host: str) -> list[dict[str, str]]:
        row = self.db.execute("SELECT cookies FROM sessions WHERE host = ?", (host,)).fetchone()
        return list(json.loads(row[0])) if row else []

    # screenshots ----------------------------------------------------------------------------
    def want_shot(self, db: sqlite3.Connection, url: str, record_id: str, file: str) -> None:
        db.execute(
            "INSERT OR IGNORE INTO shots (url, page_record, page_file) VALUES (?, ?, ?)",
            (url, record_id, file),
        )

    def pending_shots(self, limit: int) -> list[tuple[str, str, str]]:
        """(url, page record id, page WARC file) of pages still without a screenshot."""
        rows = self.db.execute(
            "SELECT url, page_record, page_file FROM shots WHERE status = 'pending' "
            "ORDER BY rowid LIMIT ?",
            (limit,),
        )
        return [(str(u), str(r), str(f)) for u, r, f in rows]

    def shot_done(
        self, db: sqlite3.Connection, page_record: str, shot_record: str, note: str = ""
    ) -> None:
        """The page's screenshot is written ("done"), or failed for `note` (no shot_record)."""
        status = "done" if shot_record else "failed"
        db.execute(
            "UPDATE shots SET status = ?, shot_record = ?, note = ? "
            "WHERE page_record = ? AND status = 'pending'",
            (status, shot_record, note[:200], page_record),
        )

    # CAPTCHA queue --------------------------------------------------------------------------
    def add_captcha(self, host: str, url: str, image: str) -> int:
        cur = self.db.execute(
            "INSERT INTO captchas (host, url, image, created) VALUES (?, ?, ?, ?)",
            (host, url, image, time.time()),
        )
        return int(cur.lastrowid or 0)

    def captcha(self, ident: int) -> tuple[str, str | None]:
        row = self.db.execute(
            "SELECT status, answer FROM captchas WHERE id = ?", (ident,)
        ).fetchone()
        return (str(row[0]), row[1]) if row else ("missing", None)

    def expire_captcha(self, ident: int) -> None:
        self.db.execute(
            "UPDATE captchas SET status = 'expired' WHERE id = ? AND status = 'pending'", (ident,)
        )

    # events ---------------------------------------------------------------------------------
    def event(self, host: str, kind: str, message: str) -> None:
        self.db.execute(
            "INSERT INTO events (time, host, kind, message) VALUES (?, ?, ?, ?)",
            (time.time(), host, kind, message[:500]),
        )

    def event_counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        rows = self.db.execute("SELECT host, kind, COUNT(*) FROM events GROUP BY host, kind")
        for host, kind, n in rows:
            out.setdefault(host, {})[kind] = int(n)
        return out
