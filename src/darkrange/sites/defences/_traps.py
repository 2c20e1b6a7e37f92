"""Downtime windows and crawler traps.

Downtime: time is cut into windows of `downtime_window_s`; a window is down when a hash of the
site and the window's number falls above the site's uptime, so every worker (and a trainer's
script) agrees on when a site is down. Traps: links that make endless distinct URLs with the
same content (a calendar with no first or last month, sort orders that carry a fresh view id),
as real markets had, to catch crawlers without canonical URLs and link caps.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

SORTS = ("newest", "price_asc", "price_desc", "rating", "popular")
CALENDAR_PREFIX = "/calendar/"


def downtime(site_id: str, uptime: float, now: float, window_s: int) -> int | None:
    """502 or 504 when the site is down at `now` (range time), None when it answers."""
    if uptime >= 1.0 or window_s <= 0:
        return None
    window = int(now // window_s)
    digest = hashlib.sha256(f"{site_id}\x00uptime\x00{window}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2.0**64
    if draw < uptime:
        return None
    return 504 if digest[8] & 1 else 502


def up_windows(site_id: str, uptime: float, start: float, count: int, window_s: int) -> list[bool]:
    """Whether each of `count` windows from `start` is up (for trainers' schedules and tests)."""
    return [downtime(site_id, uptime, start + i * window_s, window_s) is None for i in range(count)]


def sort_links(path: str, query: dict[str, str]) -> list[tuple[str, str]]:
    """Sort-order links for a listing page; each carries the next view id, so never ends."""
    try:
        view = int(query.get("view", "0")) + 1
    except ValueError:
        view = 1
    keep = {k: v for k, v in query.items() if k not in ("sort", "view")}
    return [(s, f"{path}?{urlencode({**keep, 'sort': s, 'view': str(view)})}") for s in SORTS]


def calendar_page(path: str) -> str | None:
    """An HTML calendar for /calendar/YYYY/MM (any month of any year), None for other paths."""
    parts = path[len(CALENDAR_PREFIX) :].strip("/").split("/")
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 6 for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        return None
    prev_y, prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
    next_y, next_m = (year + 1, 1) if month == 12 else (year, month + 1)
    days = "".join(
        f'<a href="{CALENDAR_PREFIX}{year}/{month:02d}?day={d}">{d}</a> ' for d in range(1, 29)
    )
    return (
        "<!DOCTYPE html><html><head><title>Events calendar</title></head><body>"
        f"<h1>Events {year}-{month:02d}</h1><p>{days}</p><p>"
        f'<a href="{CALENDAR_PREFIX}{prev_y}/{prev_m:02d}">&laquo; previous month</a> | '
        f'<a href="{CALENDAR_PREFIX}{next_y}/{next_m:02d}">next month &raquo;</a></p>'
        "<p>No events scheduled.</p></body></html>"
    )
