"""People's decisions on links: confirmed links are forced, rejected ones never proposed again.

Automated links are suggestions (LED 2016/680 Art. 11: no decision on a person based solely on
automated processing), so every confirmation and rejection is kept with who made it, when and
why, and fed into the next run. The file only grows: a later decision on the same pair
overrides an earlier one, and both stay on record.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from darkrange.errors import FormatError, InputError

__all__ = [
    "COLUMNS",
    "Decision",
    "append_decision",
    "latest_decisions",
    "parse_account",
    "read_decisions",
]

COLUMNS = ("decision", "a_site", "a_handle", "b_site", "b_handle", "by", "at", "reason")
DECISIONS = ("confirm", "reject")


@dataclass(frozen=True)
class Decision:
    decision: str
    a_site: str
    a_handle: str
    b_site: str
    b_handle: str
    by: str
    at: str  # ISO 8601 UTC
    reason: str

    @property
    def pair(self) -> tuple[tuple[str, str], tuple[str, str]]:
        a, b = (self.a_site, self.a_handle), (self.b_site, self.b_handle)
        return (a, b) if a <= b else (b, a)


def parse_account(text: str) -> tuple[str, str]:
    """'SITE:HANDLE' -> (site, handle); the site is an onion (no colon), the handle is the rest."""
    site, sep, handle = text.partition(":")
    site, handle = site.strip().lower(), handle.strip()
    if not sep or not site or not handle:
        raise InputError(f"account {text!r} is not SITE:HANDLE (e.g. abc...xyz.onion:DonTiger)")
    return site, handle


def _check(row: dict[str, str], where: str) -> Decision:
    missing = [c for c in COLUMNS if not str(row.get(c) or "").strip()]
    if missing:
        raise FormatError(f"{where}: decision without {', '.join(missing)}")
    if row["decision"] not in DECISIONS:
        raise FormatError(f"{where}: decision {row['decision']!r} is not confirm or reject")
    return Decision(**{c: str(row[c]).strip() for c in COLUMNS})


def read_decisions(path: Path) -> list[Decision]:
    """Every decision in a CSV (COLUMNS) or JSON (a list of objects) file, in file order."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot read decisions file {path}: {exc}") from None
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except ValueError as exc:
            raise FormatError(f"{path} is not JSON: {exc}") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise FormatError(f"{path}: expected a list of decision objects")
    else:
        rows = list(csv.DictReader(text.splitlines()))
    return [_check(r, f"{path} entry {n + 1}") for n, r in enumerate(rows)]


def latest_decisions(decisions: list[Decision]) -> dict[tuple[tuple[str, str], ...], Decision]:
    """The decision in force for each pair: the latest by time (then by file order)."""
    out: dict[tuple[tuple[str, str], ...], Decision] = {}
    for d in sorted(enumerate(decisions), key=lambda t: (t[1].at, t[0])):
        out[d[1].pair] = d[1]
    return out


def append_decision(
    path: Path,
    decision: str,
    a: tuple[str, str],
    b: tuple[str, str],
    by: str,
    reason: str,
    at: datetime | None = None,
) -> Decision:
    """Record one decision; the file is rewritten whole and swapped in, never half-written."""
    if decision not in DECISIONS:
        raise InputError(f"decision must be confirm or reject, not {decision!r}")
    if a == b:
        raise InputError("a decision needs two different accounts")
    if not by.strip() or not reason.strip():
        raise InputError("a decision needs the name of who decides (--by) and a reason (--reason)")
    stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    new = Decision(decision, a[0], a[1], b[0], b[1], by.strip(), stamp, reason.strip())
    rows = [*read_decisions(path), new]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix.lower() == ".json":
        tmp.write_text(
            json.dumps([asdict(r) for r in rows], indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    else:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(asdict(r) for r in rows)
    os.replace(tmp, path)
    return new
