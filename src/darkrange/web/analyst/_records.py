"""Crawled records through the search index (`darkrange search index`): full-text and
selector search with darkrange.analyze.search, plus read-only look-ups the pages need (a
site's records, an account's records and the selectors its profile shows)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from darkrange.analyze.search import Hit, Query, open_index, search
from darkrange.errors import InputError

KINDS = ("listings", "vendors", "reviews", "threads", "posts", "pastes")
LANGUAGES = ("en", "ru")


@dataclass(frozen=True)
class Row:
    """A record of the index, as a site or account page lists it."""

    kind: str
    site: str
    site_name: str | None
    record_id: str
    url: str | None
    vendor: str | None
    time: datetime | None
    title: str
    pointer: dict[str, Any]


def _day(text: str, what: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise InputError(f"{what} must be a date YYYY-MM-DD, not {text!r}") from None


def build_query(params: dict[str, str]) -> Query:
    """A search Query from the form's fields, each checked like the CLI's options."""
    kind = params.get("kind", "").strip() or None
    if kind is not None and kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    language = params.get("language", "").strip().lower() or None
    if language is not None and language not in LANGUAGES:
        raise InputError("language must be en or ru")
    try:
        limit = int(params.get("limit", "") or 50)
    except ValueError:
        raise InputError("limit must be a number") from None
    return Query(
        text=params.get("q", "").strip(),
        site=params.get("site", "").strip() or None,
        category=params.get("category", "").strip() or None,
        language=language,
        vendor=params.get("vendor", "").strip() or None,
        kind=kind,
        since=_day(params.get("from", ""), "from"),
        until=_day(params.get("to", ""), "to"),
        selector=params.get("selector", "").strip() or None,
        limit=max(1, min(limit, 200)),
    )


def run_search(index: Path, query: Query) -> list[Hit]:
    return search(index, query)


_COLUMNS = "kind, site, site_name, record_id, url, vendor, time, title, pointer"


def _rows(index: Path, where: str, args: list[Any], limit: int) -> list[Row]:
    con = open_index(index)
    try:
        found = con.execute(
            f"SELECT {_COLUMNS} FROM docs WHERE {where} ORDER BY kind, time, id LIMIT ?",
            [*args, limit],
        ).fetchall()
    finally:
        con.close()
    return [
        Row(
            kind=r[0], site=r[1], site_name=r[2], record_id=r[3], url=r[4], vendor=r[5],
            time=datetime.fromtimestamp(r[6], UTC) if r[6] is not None else None,
            title=r[7] or "", pointer=json.loads(r[8] or "{}"),
        )
        for r in found
    ]  # fmt: skip


def site_records(index: Path, site: str, limit: int = 500) -> list[Row]:
    return _rows(index, "site = ?", [site.lower()], limit)


def account_records(index: Path, site: str, handle: str, limit: int = 500) -> list[Row]:
    return _rows(index, "site = ? AND vendor = ? COLLATE NOCASE", [site.lower(), handle], limit)


def site_summary(index: Path, site: str) -> tuple[str | None, dict[str, int]]:
    """The site's name and how many records of each kind the index holds."""
    con = open_index(index)
    try:
        counts = con.execute(
            "SELECT kind, count(*) FROM docs WHERE site = ? GROUP BY kind ORDER BY kind",
            (site.lower(),),
        ).fetchall()
        name = con.execute(
            "SELECT site_name FROM docs WHERE site = ? AND site_name IS NOT NULL LIMIT 1",
            (site.lower(),),
        ).fetchone()
    finally:
        con.close()
    return (name[0] if name else None), {str(k): int(n) for k, n in counts}


def account_selectors(index: Path, site: str, handle: str) -> list[tuple[str, str, str | None]]:
    """(kind, value, profile URL) of every selector the account's own profile shows."""
    con = open_index(index)
    try:
        found = con.execute(
            "SELECT DISTINCT s.kind, s.value, d.url FROM selectors s JOIN docs d ON d.id = s.doc "
            "WHERE d.kind = 'vendors' AND d.site = ? AND d.vendor = ? COLLATE NOCASE "
            "ORDER BY s.kind, s.value",
            (site.lower(), handle),
        ).fetchall()
    finally:
        con.close()
    return [(str(k), str(v), u) for k, v, u in found]


def profile_selectors(index: Path) -> dict[tuple[str, str], list[tuple[str, str, str | None]]]:
    """Every account's profile selectors at once, for the link graph."""
    con = open_index(index)
    try:
        found = con.execute(
            "SELECT DISTINCT d.site, d.vendor, s.kind, s.value, d.url FROM selectors s "
            "JOIN docs d ON d.id = s.doc WHERE d.kind = 'vendors' AND d.vendor IS NOT NULL "
            "ORDER BY d.site, d.vendor, s.kind, s.value"
        ).fetchall()
    finally:
        con.close()
    out: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
    for site, vendor, kind, value, url in found:
        out.setdefault((str(site), str(vendor)), []).append((str(kind), str(value), url))
    return out
