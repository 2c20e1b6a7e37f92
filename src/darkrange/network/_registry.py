"""How site apps plug into the range: one factory per site kind builds an ASGI app.

A world's `sites.json` lists its sites (at least site_id, kind, name, onion, mirrors). For each
site the range looks up the factory of its kind, calls it with a SiteContext (the world folder,
the site record, the range clock) and serves the ASGI app it returns on its own loopback port,
reachable only through the SOCKS port at the site's onion and mirror addresses.

Factories are named by import path and imported only when a world has a site of that kind, so
a kind's dependencies load only where they are used. A site package adds itself to SITE_KINDS;
the environment variable DARKRANGE_SITE_KINDS ("kind=module:function,...") adds or overrides
kinds without touching the code (third-party site kinds, tests); register_site_kind does it in
the current process.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from darkrange.errors import FormatError, InputError
from darkrange.formats import onion_valid

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# kind -> "module:function"; the function takes a SiteContext and returns an ASGI app.
SITE_KINDS: dict[str, str] = {
    "explorer": "darkrange.sites.explorer:build_app",
    "forum": "darkrange.sites.forum:build_app",
    "directory": "darkrange.sites.directory:build_app",
    "paste": "darkrange.sites.paste:build_app",
    "mixer": "darkrange.sites.mixer:build_app",
    "exchange": "darkrange.sites.exchange:build_app",
    "hostile": "darkrange.sites.hostile:build_app",
    "market": "darkrange.sites.market:build_app",
    "phishing": "darkrange.sites.market:build_phishing_app",
    "deaddrop": "darkrange.sites.deaddrop:build_app",
    "shop": "darkrange.sites.shop:build_app",
}
_FACTORIES: dict[str, Callable[[SiteContext], ASGIApp]] = {}


@dataclass(frozen=True)
class SiteRecord:
    """One entry of sites.json; fields the range does not use stay in `extra` for the app."""

    site_id: str
    kind: str
    name: str
    onion: str
    mirrors: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def addresses(self) -> tuple[str, ...]:
        """The main onion and every mirror."""
        return (self.onion, *self.mirrors)


class RangeClock:
    """The world's clock as the trainer moved it: whole days advanced since the range began.

    Sites read `days` per request; `advance` runs the subscribers (e.g. to open new listings or
    close a market) in the worker that serves them.
    """

    def __init__(self, days: int = 0) -> None:
        self.days = days
        self._subscribers: list[Callable[[int], None]] = []

    @property
    def seconds(self) -> int:
        return self.days * 86_400

    def subscribe(self, callback: Callable[[int], None]) -> None:
        self._subscribers.append(callback)

    def set_days(self, days: int) -> None:
        if days == self.days:
            return
        self.days = days
        for callback in self._subscribers:
            callback(days)


@dataclass
class SiteContext:
    """What a site factory gets: where the world is, which site to serve, the range's clock."""

    world: Path
    site: SiteRecord
    clock: RangeClock = field(default_factory=RangeClock)


def register_site_kind(kind: str, factory: Callable[[SiteContext], ASGIApp]) -> None:
    """Serve sites of `kind` with `factory` (overrides SITE_KINDS for that kind)."""
    _FACTORIES[kind] = factory


def site_factory(kind: str) -> Callable[[SiteContext], ASGIApp] | None:
    """The factory for a kind, importing it on first use; None when no app serves that kind."""
    if kind in _FACTORIES:
        return _FACTORIES[kind]
    target = {**SITE_KINDS, **_env_kinds()}.get(kind)
    if target is None:
        return None
    module, _, name = target.partition(":")
    try:
        factory: Callable[[SiteContext], ASGIApp] = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"site kind {kind!r}: cannot load {target} ({exc})") from None
    _FACTORIES[kind] = factory
    return factory


def _env_kinds() -> dict[str, str]:
    kinds = {}
    for item in os.environ.get("DARKRANGE_SITE_KINDS", "").split(","):
        kind, sep, target = item.strip().partition("=")
        if sep and ":" in target:
            kinds[kind.strip()] = target.strip()
    return kinds


def _record(raw: object, where: str) -> SiteRecord:
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: each site must be a JSON object")
    missing = [k for k in ("site_id", "kind", "name", "onion") if not isinstance(raw.get(k), str)]
    if missing:
        raise FormatError(f"{where}: site {raw.get('site_id', '?')} lacks {', '.join(missing)}")
    mirrors = raw.get("mirrors") or []
    if not isinstance(mirrors, list) or not all(isinstance(m, str) for m in mirrors):
        raise FormatError(f"{where}: site {raw['site_id']}: mirrors must be a list of onions")
    for onion in (raw["onion"], *mirrors):
        if not onion.endswith(".onion") or not onion_valid(onion):
            raise FormatError(f"{where}: site {raw['site_id']}: {onion!r} is not a v3 onion")
    extra = {
        k: v for k, v in raw.items() if k not in ("site_id", "kind", "name", "onion", "mirrors")
    }
    return SiteRecord(
        raw["site_id"],
        raw["kind"],
        raw["name"],
        raw["onion"].lower(),
        tuple(m.lower() for m in mirrors),
        extra,
    )


def load_sites(world: Path) -> list[SiteRecord]:
    """The sites of a world folder, validated; InputError/FormatError when unusable."""
    path = world / "sites.json"
    if not path.is_file():
        raise InputError(f"{world} is not a world folder: sites.json is missing")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{path}: not readable JSON ({exc})") from None
    if isinstance(raw, dict) and isinstance(raw.get("sites"), list):
        raw = raw["sites"]
    if not isinstance(raw, list):
        raise FormatError(f"{path}: expected a list of sites")
    sites = [_record(item, str(path)) for item in raw]
    seen: dict[str, str] = {}
    for site in sites:
        for onion in site.addresses:
            if onion in seen and seen[onion] != site.site_id:
                raise FormatError(f"{path}: {onion} is used by {seen[onion]} and {site.site_id}")
            seen[onion] = site.site_id
    return sites
