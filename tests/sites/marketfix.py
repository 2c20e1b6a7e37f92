"""Helpers for the market, dead-drop, shop and defence tests: one tiny world per session,
site apps with chosen defences and a movable clock, a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import csv
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from darkrange.network import RangeClock, SiteContext, SiteRecord, load_sites
from darkrange.sites.deaddrop import DeadDropSite
from darkrange.sites.defences import AntiCrawl, captcha_answer
from darkrange.sites.market import MarketSite
from darkrange.sites.shop import ShopSite
from darkrange.world.generate import generate

START = 1_767_571_200.0
OPEN = AntiCrawl()  # every defence off
_WORLD: dict[str, Path] = {}


def tiny_world(factory: pytest.TempPathFactory) -> Path:
    """The seed-11 tiny world, generated once per test process."""
    if "tiny" not in _WORLD:
        out = factory.mktemp("sites-world") / "tiny"
        generate(11, "tiny", out)
        _WORLD["tiny"] = out
    return _WORLD["tiny"]


class Now:
    """Range time a test moves by hand (seconds since the Unix epoch)."""

    def __init__(self, t: float = START + 3_600) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def record(world: Path, site_id: str, **extra: Any) -> SiteRecord:
    site = next(s for s in load_sites(world) if s.site_id == site_id)
    return replace(site, extra={**site.extra, **extra})


def build(
    world: Path,
    site_id: str,
    settings: AntiCrawl = OPEN,
    clock: RangeClock | None = None,
    now: Now | None = None,
    **extra: Any,
) -> Any:
    """The site object (MarketSite, DeadDropSite or ShopSite) for `site_id`."""
    site = record(world, site_id, **extra)
    context = SiteContext(world, site, clock or RangeClock(0))
    kwargs: dict[str, Any] = {"settings": settings, "now": now or Now()}
    if site.kind == "deaddrop":
        return DeadDropSite(context, **kwargs)
    if site.kind == "shop":
        return ShopSite(context, **kwargs)
    return MarketSite(context, phishing=site.kind == "phishing", **kwargs)


def client(site: Any, ua: str = "Mozilla/5.0 test") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=site.app, client=("127.0.0.1", 40000))
    return httpx.AsyncClient(
        transport=transport, base_url="http://site", headers={"user-agent": ua}
    )


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def challenge_of(page: str) -> str:
    found = re.search(r'name="challenge" value="([^"]+)"', page)
    assert found, "the page shows no CAPTCHA"
    return found.group(1)


async def register(c: httpx.AsyncClient, site: Any, user: str, password: str = "hunter22") -> None:
    """Register and log in, answering the CAPTCHA from the world's knowledge."""
    paths = site.guard.paths
    form = {"username": user, "password": password, "password2": password, "next": "/"}
    if site.settings.captcha:
        page = (await c.get(paths.register)).text
        challenge = challenge_of(page)
        form |= {"challenge": challenge, "captcha": captcha_answer(site.site_id, challenge)}
    r = await c.post(paths.register, data=form)
    assert r.status_code == 303, r.text[:500]


def truth_listings(world: Path, site_id: str, week: int) -> set[str]:
    """Listing ids the truth says are online on `site_id` at `week`."""
    onion = record(world, site_id).onion
    found = set()
    with (world / "truth" / "listings.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            removed = int(row["removed_week"]) if row["removed_week"] else None
            online = int(row["posted_week"]) <= week and (removed is None or week < removed)
            if row["site"] == onion and online:
                found.add(row["listing_id"])
    return found


def truth_fingerprints(world: Path, site_id: str, handle: str) -> list[str]:
    with (world / "truth" / "accounts.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["site_id"] == site_id and row["handle"] == handle:
                return [f for f in row["pgp_fingerprints"].split(";") if f]
    return []


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
