"""The sites of a world: markets with mirrors and clones, shops, the forum and the services."""

from __future__ import annotations

from darkrange.world import text
from darkrange.world.generate._state import WorldState
from darkrange.world.keys import onion_key
from darkrange.world.model import Site
from darkrange.world.rand import derive_seed, stream

MARKET_SOFTWARE = ("dream", "alpha", "bazaar")


def _anti_crawl(kind: str, index: int) -> dict[str, object]:
    """Per-site defences as real markets deployed them; every value can be changed by a trainer."""
    if kind in ("market", "deaddrop", "phishing"):
        return {
            "login_wall": True,
            "captcha": True,
            "session_ttl_s": 6 * 3600,
            "bind_user_agent": True,
            "rate_limit_per_min": 120,
            "ban_s": 300,
            "queue": index % 2 == 0,  # an EndGame-style front on every other market
            "queue_wait_s": 3,
            "suspend_after_pages_per_min": 400,
            "traps": True,
            "uptime": 0.9,
        }
    if kind in ("forum", "shop"):
        return {
            "login_wall": kind == "forum",
            "captcha": kind == "forum",
            "session_ttl_s": 12 * 3600,
            "bind_user_agent": False,
            "rate_limit_per_min": 240,
            "ban_s": 120,
            "queue": False,
            "traps": kind == "forum",
            "uptime": 0.95,
        }
    return {"login_wall": False, "captcha": False, "rate_limit_per_min": 600, "uptime": 1.0}


class _SiteMaker:
    def __init__(self, state: WorldState) -> None:
        self.state = state
        self.rng = stream(state.seed, "sites")
        self.names: set[str] = set()

    def onion(self, site_id: str, n: int) -> str:
        key = onion_key(derive_seed(self.state.seed, "onion", site_id, str(n)))
        self.state.onion_keys[key.address] = key
        return key.address

    def name(self, kind: str) -> str:
        for _ in range(50):
            candidate = text.site_name(self.rng, kind)
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate
        return f"{candidate} {len(self.names)}"

    def add(
        self,
        site_id: str,
        kind: str,
        software: str,
        language: str,
        mirrors: int = 0,
        name: str | None = None,
        index: int = 0,
    ) -> Site:
        site = Site(
            site_id=site_id,
            kind=kind,  # type: ignore[arg-type]
            name=name or self.name(kind),
            software=software,
            language=language,
            onion=self.onion(site_id, 0),
            mirrors=[self.onion(site_id, i + 1) for i in range(mirrors)],
            anti_crawl=_anti_crawl(kind, index),
        )
        self.state.sites.append(site)
        return site


def build_sites(state: WorldState) -> None:
    size = state.size
    mk = _SiteMaker(state)
    weeks = size.weeks
    for i in range(size.markets):
        site = mk.add(
            f"market-{i + 1}",
            "market",
            MARKET_SOFTWARE[i % 3],
            "en",
            mirrors=size.mirrors_per_market,
            index=i,
        )
        site.opened_week = 0
        if i == 0:  # the exit scam every course asks about
            site.fate, site.fate_week = "exit_scam", max(1, weeks // 2)
        elif i == 1 and size.markets >= 4:
            site.fate, site.fate_week = "seizure", max(2, (3 * weeks) // 4)
    mk.add("deaddrop-1", "deaddrop", "hydra", "ru", mirrors=size.mirrors_per_market, index=1)
    for i in range(size.shops):
        mk.add(f"shop-{i + 1}", "shop", "shop", "ru" if i % 3 == 2 else "en")
    forums = 2 if size.name == "large" else 1
    for i in range(forums):
        mk.add(f"forum-{i + 1}", "forum", "forum", "en" if i == 0 else "ru", index=i)
    mk.add("directory-1", "directory", "directory", "en")
    mk.add("paste-1", "paste", "paste", "en")
    mk.add("mixer-1", "mixer", "mixer", "en")
    mk.add("exchange-1", "exchange", "exchange", "en")
    mk.add("explorer-1", "explorer", "esplora", "en", name="Block Explorer")
    mk.add("hostile-1", "hostile", "hostile", "en", name="Free Hosting")
    markets = state.sites_of("market")
    for i in range(size.phishing_clones):
        target = markets[i % len(markets)]
        clone = mk.add(
            f"phishing-{i + 1}",
            "phishing",
            target.software,
            target.language,
            name=target.name,
            index=i,
        )
        clone.clone_of = target.site_id
