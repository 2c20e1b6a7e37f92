"""What the link directory knows of each address at a clock day: listed, new, dead, last seen.

The directory follows the world's timeline as a hidden wiki's maintainer would: a site is
listed from the week it opened (marked new that week); from a market's `fate_week` its main
address moves to the "do not use" list, marked exit scam or seized, and its mirrors (a phishing
clone passing as one included: the maintainer believes it is one) leave the list; DEAD_WEEKS
later the dead entry goes too. "Last seen" is the day the maintainer last found the site up: a
live one within the last LAG_DAYS days (drawn per address and day from a hash, so every worker
and every run shows the same), a dead one the day before its fate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from darkrange.errors import FormatError

DAY = 86_400
DEAD_WEEKS = 2  # how long a dead market stays on the "do not use" list
LAG_DAYS = 2
FATES = {"exit_scam": "exit scam: do not deposit", "seizure": "seized by law enforcement"}


@dataclass(frozen=True)
class Entry:
    """One address of content/directory.json with the timeline of the site behind it."""

    name: str
    onion: str
    kind: str  # the kind the directory files it under (a clone: the kind it imitates)
    mirror: bool  # a mirror of a site listed under its main address (clones count as mirrors)
    opened_week: int
    fate: str  # none, exit_scam, seizure (a clone: the fate of the site it imitates)
    fate_week: int | None


@dataclass(frozen=True)
class Listed:
    """An entry as the directory shows it on one day."""

    entry: Entry
    new: bool
    status: str  # "" for a working site, else what FATES says
    last_seen: str  # YYYY-MM-DD

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def onion(self) -> str:
        return self.entry.onion


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{path}: not readable JSON ({exc})") from None


def _week(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def load_entries(world: Path) -> list[Entry]:
    """The directory's addresses with their sites' timelines (sites.json, the public face)."""
    raw = _read(world / "content" / "directory.json")
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise FormatError(
            f"{world}/content/directory.json: expected a list of {{name, onion, kind}}"
        )
    path = world / "sites.json"
    sites = _read(path) if path.is_file() else []
    if isinstance(sites, dict):
        sites = sites.get("sites", [])
    records = [s for s in sites if isinstance(s, dict)] if isinstance(sites, list) else []
    by_onion = {s.get("onion"): s for s in records}
    owner = {m: s for s in records for m in (s.get("mirrors") or ()) if isinstance(m, str)}
    entries = []
    for item in raw:
        onion = str(item.get("onion", ""))
        kind = str(item.get("kind", ""))
        site = by_onion.get(onion) or owner.get(onion) or {}
        mirror = onion in owner
        opened = _week(site.get("opened_week")) or 0
        target = by_onion.get(site.get("clone_of")) if site.get("clone_of") else None
        if kind == "phishing" or target is not None:
            kind = str((target or {}).get("kind") or "market")
            mirror = True
        fated = target or site
        entries.append(
            Entry(
                str(item.get("name", "")),
                onion,
                kind,
                mirror,
                opened,
                str(fated.get("fate") or "none"),
                _week(fated.get("fate_week")),
            )
        )
    return entries


def _lag(onion: str, day: int) -> int:
    digest = hashlib.sha256(f"{onion}\x00seen\x00{day}".encode()).digest()
    return digest[0] % (LAG_DAYS + 1)


def _date(start: int, day: int) -> str:
    return dt.datetime.fromtimestamp(start + day * DAY, dt.UTC).strftime("%Y-%m-%d")


def listed_at(entries: list[Entry], start: int, day: int) -> tuple[list[Listed], list[Listed]]:
    """(working, dead) entries the directory shows on clock day `day`, in directory order."""
    week = day // 7
    working, dead = [], []
    for e in entries:
        if e.opened_week > week:
            continue  # not open yet
        first_day = e.opened_week * 7
        fate_week = e.fate_week if e.fate in FATES else None
        if fate_week is None or week < fate_week:
            seen = max(first_day, day - _lag(e.onion, day))
            new = e.opened_week > 0 and week == e.opened_week
            working.append(Listed(e, new, "", _date(start, seen)))
        elif not e.mirror and week < fate_week + DEAD_WEEKS:
            # mirrors leave at once; the main address stays marked for DEAD_WEEKS
            seen = max(first_day, fate_week * 7 - 1)
            dead.append(Listed(e, False, FATES[e.fate], _date(start, seen)))
    return working, dead
