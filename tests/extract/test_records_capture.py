"""A crawl-like capture of a world's sites into WARC, for the page-record tests and bench/parse.py.

Without the crawler: each site's ASGI app is fetched in process with httpx, logged in where it
has a login wall (its CAPTCHA answered by the trainer's solver), and crawled breadth-first over
its own links; every HTML answer is written as a WARC response record with warcio. A market with
mirrors is also fetched through a mirror's address, as a crawler that found the mirror would.
"""

from __future__ import annotations

import asyncio
import csv
import json
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from darkrange.network import RangeClock, SiteContext, load_sites
from darkrange.sites.deaddrop import DeadDropSite
from darkrange.sites.defences import AccountStore, AntiCrawl, captcha_answer
from darkrange.sites.directory import directory_app
from darkrange.sites.forum import forum_app, guarded
from darkrange.sites.market import MarketSite
from darkrange.sites.paste import paste_app
from darkrange.sites.shop import ShopSite
from darkrange.world.generate import generate

KINDS = ("market", "phishing", "deaddrop", "shop", "forum", "paste", "directory")
WALLED = AntiCrawl(login_wall=True, captcha=True)  # the login an analyst does by hand
SKIP = re.compile(
    r"/(?:logout|login|register|signup|captcha|queue|calendar)|\.php\?page=(?:wallet)"
)
MAX_PAGES = 3000
_WORLDS: dict[tuple[int, str], Path] = {}
RUB_PER_USD = 92.5


def world_of(factory: pytest.TempPathFactory, seed: int = 11, size: str = "tiny") -> Path:
    """A generated world, once per test process."""
    if (seed, size) not in _WORLDS:
        out = factory.mktemp("records-world") / f"{size}-{seed}"
        generate(seed, size, out)
        _WORLDS[(seed, size)] = out
    return _WORLDS[(seed, size)]


@dataclass
class Capture:
    warc: Path
    pages: int
    days: int


def _app(world: Path, site: Any, clock: RangeClock) -> tuple[Any, Any]:
    """The site's ASGI app and its guard (for the login paths)."""
    context = SiteContext(world, site, clock)
    if site.kind in ("market", "phishing"):
        market = MarketSite(context, settings=WALLED, phishing=site.kind == "phishing")
        return market.app, market.guard
    if site.kind == "deaddrop":
        drop = DeadDropSite(context, settings=WALLED)
        return drop.app, drop.guard
    if site.kind == "shop":
        shop = ShopSite(context, settings=AntiCrawl())
        return shop.app, shop.guard
    if site.kind == "forum":
        forum = forum_app(world, site.site_id, site.name, clock)
        guard = guarded(forum, site.site_id, WALLED, AccountStore(None))
        return guard, guard
    handler = (
        paste_app(world, site.site_id, site.name, clock)
        if site.kind == "paste"
        else directory_app(world, site.name, clock)
    )
    guard = guarded(handler, site.site_id, AntiCrawl())
    return guard, guard


async def _login(client: httpx.AsyncClient, guard: Any, site_id: str, user: str, base: str) -> None:
    """Register (or log in, when an earlier capture registered the name already)."""
    paths = guard.paths
    for path in (base + paths.register, base + paths.login):
        page = (await client.get(path)).text
        form = {"username": user, "password": "hunter2222", "password2": "hunter2222", "next": "/"}
        challenge = re.search(r'name="challenge" value="([^"]+)"', page)
        if challenge:
            answer = captcha_answer(site_id, challenge[1])
            form |= {"challenge": challenge[1], "captcha": answer}
        if (await client.post(path, data=form)).status_code == 303:
            return
    raise AssertionError(f"{site_id}: neither registration nor login worked")


def _links(base: str, html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        url = urljoin(base, href.replace("&amp;", "&"))
        if urlsplit(url).hostname == urlsplit(base).hostname and not SKIP.search(url):
            found.append(url)
    return found


class _Warc:
    def __init__(self, handle: Any, start: datetime) -> None:
        self.writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        self.clock = start
        self.count = 0

    def write(self, url: str, response: httpx.Response) -> None:
        self.clock += timedelta(seconds=1)  # a crawl takes time; every capture has its own
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-encoding"]
        status = f"{response.status_code} {response.reason_phrase}"
        record = self.writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(response.content),
            length=len(response.content),  # known: warcio then needs no spooled temp file
            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": self.clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ")},
        )
        self.writer.write_record(record)
        self.count += 1


async def _crawl(
    client: httpx.AsyncClient, start: list[str], warc: _Warc, limit: int = MAX_PAGES
) -> None:
    queue, seen = deque(start), set(start)
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = await client.get(url)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        warc.write(url, response)
        for link in _links(url, response.text):
            if link not in seen:
                seen.add(link)
                queue.append(link)


async def _capture_site(world: Path, site: Any, days: int, warc: _Warc) -> None:
    clock = RangeClock(days)
    app, guard = _app(world, site, clock)
    base = f"http://{site.onion}"
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url=base) as client:
        client.headers["user-agent"] = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101"
        walled = site.kind in ("market", "phishing", "deaddrop", "forum")
        if walled:
            await _login(client, guard, site.site_id, f"analyst{days}", base)
        await _crawl(client, [f"{base}/"], warc)
        for mirror in site.mirrors[:1]:  # a crawler that found a mirror fetches it too
            if walled:  # the session cookie belongs to the other address
                await _login(client, guard, site.site_id, f"analyst{days}", f"http://{mirror}")
            await _crawl(client, [f"http://{mirror}/"], warc, limit=40)


def capture(world: Path, days: int, out: Path, kinds: tuple[str, ...] = KINDS) -> Capture:
    """Crawl every site of `kinds` at range day `days` into out/crawl-dDAYS.warc.gz."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"crawl-d{days:03d}.warc.gz"
    start = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=days, hours=12)
    with path.open("wb") as handle:
        warc = _Warc(handle, start)
        for site in load_sites(world):
            if site.kind in kinds and _open_at(site, days // 7):
                asyncio.run(_capture_site(world, site, days, warc))
    return Capture(path, warc.count, days)


def _open_at(site: Any, week: int) -> bool:
    fate_week = site.extra.get("fate_week")
    fated = site.extra.get("fate", "none") != "none" and fate_week is not None
    return int(site.extra.get("opened_week") or 0) <= week and not (fated and week >= fate_week)


def truth_listings(world: Path, weeks: list[int]) -> dict[tuple[str, str], dict[str, Any]]:
    """(site onion, listing id) -> what truth and content say, for listings online in any of
    `weeks` on a market, dead-drop market or shop that is open then."""
    sites = {s.site_id: s for s in load_sites(world)}
    with (world / "truth" / "listings.csv").open(encoding="utf-8") as handle:
        truth = {(r["site"], r["listing_id"]): r for r in csv.DictReader(handle)}
    found = {}
    for row in pq.read_table(world / "content" / "listings.parquet").to_pylist():
        site = sites[row["site_id"]]
        if site.kind not in ("market", "deaddrop", "shop"):
            continue
        removed = row["removed_week"]
        online = [
            w
            for w in weeks
            if row["posted_week"] <= w and (removed is None or w < removed) and _open_at(site, w)
        ]
        if online:
            key = (site.onion, str(row["listing_id"]))
            software = str(site.extra.get("software") or site.kind)
            found[key] = {**truth[key], **row, "family": software, "weeks": online}
    return found


def truth_vendors(world: Path, weeks: list[int]) -> dict[tuple[str, str], str | None]:
    """(site onion, handle) -> the PGP fingerprint shown at the last of `weeks` the vendor is
    active on an open market, dead-drop market or shop."""
    sites = {s.site_id: s for s in load_sites(world)}
    found: dict[tuple[str, str], str | None] = {}
    for row in pq.read_table(world / "content" / "accounts.parquet").to_pylist():
        site = sites[row["site_id"]]
        if row["role"] != "vendor" or site.kind not in ("market", "deaddrop", "shop"):
            continue
        for week in weeks:
            left = row["left_week"]
            if (
                row["joined_week"] <= week
                and (left is None or week < left)
                and _open_at(site, week)
            ):
                history = json.loads(row["pgp_history"] or "[]")
                shown = [fp for since, fp in history if since <= week]
                found[(site.onion, row["handle"])] = shown[-1] if shown else None
    return found


def test_capture_writes_readable_warc_of_every_kind(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    world = world_of(tmp_path_factory)
    result = capture(world, 10, tmp_path, kinds=("shop", "paste", "directory"))
    hosts = set()
    with result.warc.open("rb") as handle:
        for record in ArchiveIterator(handle):
            assert record.rec_type == "response"
            assert record.http_headers.get_statuscode() in ("200", "404")
            hosts.add(urlsplit(record.rec_headers.get_header("WARC-Target-URI")).hostname)
    onions = {s.onion for s in load_sites(world) if s.kind in ("shop", "paste", "directory")}
    assert result.pages > 5
    assert hosts >= onions


@dataclass
class FamilyScore:
    """Recovered listings of one family against truth: found, missed, extra, wrong fields."""

    truth: int = 0
    found: int = 0
    records: int = 0
    extra: int = 0
    wrong: dict[str, int] | None = None

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        return (self.records - self.extra) / self.records if self.records else 1.0


def _price_ok(truth: dict[str, Any], row: dict[str, Any]) -> bool:
    if truth["family"] == "hydra":
        return row["currency"] == "RUB" and row["price"] == round(truth["price_usd"] * RUB_PER_USD)
    return row["currency"] == "USD" and abs(row["price"] - round(truth["price_usd"], 2)) < 0.005


def field_errors(truth: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """Which of title, vendor, price, category a parsed listing gets wrong (a shop shows no
    category: it is not counted there)."""
    wrong = []
    if row["title"] != truth["title"].strip():
        wrong.append("title")
    if row["vendor"] != truth["vendor_handle"]:
        wrong.append("vendor")
    if row["price"] is None or not _price_ok(truth, row):
        wrong.append("price")
    if truth["family"] != "shop" and row["category"] != truth["site_category"]:
        wrong.append("category")
    return wrong


def score_listings(
    world: Path, weeks: list[int], listings: list[dict[str, Any]]
) -> dict[str, FamilyScore]:
    """Per family: listings parsed (rows of listings.parquet) against truth's online ones."""
    truth = truth_listings(world, weeks)
    family_of_site = {key[0]: t["family"] for key, t in truth.items()}
    scores: dict[str, FamilyScore] = {}
    for t in truth.values():
        scores.setdefault(t["family"], FamilyScore(wrong={})).truth += 1
    for row in listings:
        family = family_of_site.get(row["site"])
        if family is None:
            continue  # a phishing clone's copy or a site truth has nothing online on
        score = scores[family]
        score.records += 1
        expected = truth.get((row["site"], row["listing_id"]))
        if expected is None:
            score.extra += 1
            continue
        score.found += 1
        for name in field_errors(expected, row):
            assert score.wrong is not None
            score.wrong[name] = score.wrong.get(name, 0) + 1
    return scores
