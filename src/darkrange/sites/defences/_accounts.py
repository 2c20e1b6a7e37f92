"""Accounts registered on a site while the range runs, kept in a small SQLite file per site.

The file lives under WORLD/.range/sites/ so registrations survive a restart of the range and are
shared by its worker processes. Writes are single statements in WAL mode: a range killed at any
moment leaves the file usable.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import time
from pathlib import Path

from darkrange.errors import InputError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    handle TEXT PRIMARY KEY, salt BLOB NOT NULL, hash BLOB NOT NULL,
    created REAL NOT NULL, suspended INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS harvested (
    handle TEXT NOT NULL, password TEXT NOT NULL, user_agent TEXT NOT NULL, time REAL NOT NULL
);
"""
_ITERATIONS = 20_000  # a simulation: enough to look right, cheap enough for a class of twelve
_REFRESH_S = 2.0


def check_handle(handle: str) -> str:
    """A handle people can register: 3-32 letters, digits, '_' or '-'; InputError otherwise."""
    handle = handle.strip()
    if not 3 <= len(handle) <= 32 or not all(c.isalnum() or c in "_-" for c in handle):
        raise InputError("handle: 3 to 32 letters, digits, '_' or '-'")
    return handle


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, _ITERATIONS)


class AccountStore:
    """Registered handles and passwords of one site, and which are suspended."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        target = ":memory:"
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                target = str(path)
            except OSError:
                target = ":memory:"  # a read-only world: registrations last as long as the app
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        if target != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._suspended: set[str] = set()
        self._refreshed = 0.0

    def register(self, handle: str, password: str) -> bool:
        """Add an account; False when the handle is taken."""
        salt = os.urandom(16)  # password salts are not world content: no determinism wanted
        try:
            self._db.execute(
                "INSERT INTO users (handle, salt, hash, created) VALUES (?, ?, ?, ?)",
                (handle, salt, _hash(password, salt), time.time()),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def verify(self, handle: str, password: str) -> bool:
        sql = "SELECT salt, hash FROM users WHERE handle = ?"
        row = self._db.execute(sql, (handle,)).fetchone()
        if row is None:
            return False
        return hmac.compare_digest(_hash(password, row[0]), row[1])

    def exists(self, handle: str) -> bool:
        row = self._db.execute("SELECT 1 FROM users WHERE handle = ?", (handle,)).fetchone()
        return row is not None

    def suspend(self, handle: str) -> None:
        self._db.execute("UPDATE users SET suspended = 1 WHERE handle = ?", (handle,))
        self._suspended.add(handle)

    def suspended(self, handle: str) -> bool:
        # Other workers suspend accounts too: re-read the list every few seconds, not per request.
        now = time.monotonic()
        if now - self._refreshed > _REFRESH_S:
            rows = self._db.execute("SELECT handle FROM users WHERE suspended = 1").fetchall()
            self._suspended = {r[0] for r in rows}
            self._refreshed = now
        return handle in self._suspended

    def harvest(self, handle: str, password: str, user_agent: str) -> None:
        """A phishing clone keeps what victims typed (the trainer can show it)."""
        self._db.execute(
            "INSERT INTO harvested VALUES (?, ?, ?, ?)",
            (handle[:64], password[:128], user_agent[:256], time.time()),
        )

    def harvested(self) -> list[tuple[str, str]]:
        rows = self._db.execute("SELECT handle, password FROM harvested ORDER BY rowid").fetchall()
        return [(r[0], r[1]) for r in rows]

    def close(self) -> None:
        self._db.close()
