"""The link output (`darkrange link --out DIR`) as the pages need it, and people's decisions.

identities.json is read once per change (keyed by its modification time and size) and shared
between requests; decisions are appended with `darkrange.analyze.link.append_decision`, the
same file `darkrange link confirm|reject` writes, so the next `darkrange link` run applies them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from darkrange.analyze.link import Decision, append_decision, latest_decisions, read_decisions
from darkrange.errors import FormatError, InputError

IDENTITIES = "identities.json"
DECISIONS = "decisions.csv"

Account = tuple[str, str]  # (site onion, handle)


@dataclass
class LinkOutput:
    identities: list[dict[str, Any]]
    held_back: list[dict[str, Any]] = field(default_factory=list)
    shared_keys: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_account: dict[Account, dict[str, Any]] = field(default_factory=dict)
    site_names: dict[str, str] = field(default_factory=dict)

    def identity_of(self, site: str, handle: str) -> dict[str, Any] | None:
        return self.by_account.get((site.lower(), handle))

    def accounts_on(self, site: str) -> list[tuple[dict[str, Any], str]]:
        """(account, identity id) of every account on a site, by handle."""
        found = [
            (acc, ident["identity_id"])
            for ident in self.identities
            for acc in ident["accounts"]
            if acc["site"] == site.lower()
        ]
        return sorted(found, key=lambda t: str(t[0]["handle"]).casefold())


_cache: dict[Path, tuple[tuple[float, int], LinkOutput]] = {}
_lock = threading.Lock()


def _parse(path: Path) -> LinkOutput:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path} is not a readable link output: {exc}") from None
    if not isinstance(data, dict) or not str(data.get("format", "")).startswith(
        "darkrange-identities/"
    ):
        raise FormatError(f"{path} is not darkrange link output (format darkrange-identities/1)")
    out = LinkOutput(
        identities=list(data.get("identities", [])),
        held_back=list(data.get("held_back", [])),
        shared_keys=list(data.get("shared_keys", [])),
    )
    for ident in out.identities:
        out.by_id[str(ident["identity_id"])] = ident
        for acc in ident.get("accounts", []):
            out.by_account[(str(acc["site"]).lower(), str(acc["handle"]))] = ident
            if acc.get("site_name"):
                out.site_names[str(acc["site"]).lower()] = str(acc["site_name"])
    return out


def load_links(folder: Path) -> LinkOutput:
    """The link output in `folder`, re-read only when identities.json changed."""
    path = folder / IDENTITIES
    try:
        stat = path.stat()
    except OSError:
        raise InputError(f"no {IDENTITIES} in {folder}: run `darkrange link` first") from None
    key = (stat.st_mtime, stat.st_size)
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
    parsed = _parse(path)
    with _lock:
        _cache[path] = (key, parsed)
    return parsed


def decisions_in_force(folder: Path) -> dict[tuple[Account, Account], Decision]:
    """The latest confirm/reject on each pair of accounts, from OUT/decisions.csv."""
    return {
        (pair[0], pair[1]): d
        for pair, d in latest_decisions(read_decisions(folder / DECISIONS)).items()
    }


def pair_key(a: Account, b: Account) -> tuple[Account, Account]:
    return (a, b) if a <= b else (b, a)


def decide(folder: Path, decision: str, a: Account, b: Account, by: str, reason: str) -> Decision:
    """Record a person's decision on a link, as `darkrange link confirm|reject` does."""
    links = load_links(folder)
    for acc in (a, b):
        if links.identity_of(*acc) is None:
            raise InputError(f"account {acc[0]}:{acc[1]} is not in the link output")
    return append_decision(folder / DECISIONS, decision, a, b, by, reason)


def link_decision(
    link: dict[str, Any], decisions: dict[tuple[Account, Account], Decision]
) -> Decision | None:
    a = (str(link["a"]["site"]).lower(), str(link["a"]["handle"]))
    b = (str(link["b"]["site"]).lower(), str(link["b"]["handle"]))
    return decisions.get(pair_key(a, b))
