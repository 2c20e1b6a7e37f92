"""A trainee's crawl of the range's markets, as evidence: each site's served pages fetched in
process through its own app (logged in like a person, the CAPTCHA read off the image), breadth
first over its own links, at a chosen range day, and written by the toolkit's evidence writer
(darkrange.collect.evidence.WarcWriter) as WARC 1.1 with SHA-256 digests. `darkrange parse`
then reads it like any crawl. Nothing here reads the world's truth: the site list is the
range's own registry (what the gateway serves), the start is the link directory."""

from __future__ import annotations

import asyncio
import re
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from darkrange.collect.evidence import (
    CaptureInfo,
    WarcWriter,
    format_request_head,
    format_response_head,
)
from darkrange.network import RangeClock, SiteContext, load_sites
from darkrange.sites.defences import AntiCrawl, captcha_answer
from darkrange.sites.directory import directory_app
from darkrange.sites.forum import guarded
from darkrange.sites.market import MarketSite

START = datetime(2026, 1, 5, tzinfo=UTC)  # the range's day 0, as its pages date themselves
SKIP = re.compile(r"/(?:logout|login|register|signup|captcha|queue|calendar|wallet)")
WALLED = AntiCrawl(login_wall=True, captcha=True)
UA = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
INFO = CaptureInfo(collector="trainee", case="TRAIN-1", legal_basis="training range")


def day_time(day: int) -> datetime:
    return START + timedelta(days=day, hours=12)


class Site:
    """One onion service of the range, fetched in process as the gateway would serve it."""

    def __init__(self, world: Path, onion: str, day: int) -> None:
        self.site = next(s for s in load_sites(world) if onion in (s.onion, *s.mirrors))
        self.base = f"http://{onion}"
        self.clock = RangeClock(day)
        self.moment = day_time(day)
        context = SiteContext(world, self.site, self.clock)
        if self.site.kind in ("market", "phishing"):
            market = MarketSite(context, settings=WALLED, phishing=self.site.kind == "phishing")
            self.app: Any = market.app
            self.guard: Any = market.guard
        else:
            self.app = self.guard = guarded(
                directory_app(world, self.site.name, self.clock), self.site.site_id, AntiCrawl()
            )

    async def login(self, client: httpx.AsyncClient, user: str) -> bool:
        """Register (or log in again); the CAPTCHA is read off its image by the trainee."""
        for path in (self.guard.paths.register, self.guard.paths.login):
            page = await client.get(self.base + path)
            if page.status_code >= 500:
                return False  # gone (an exit scam answers every path with its farewell)
            form = {"username": user, "password": "hunter2222", "password2": "hunter2222"}
            challenge = re.search(r'name="challenge" value="([^"]+)"', page.text)
            if challenge:
                answer = captcha_answer(self.site.site_id, challenge[1])
                form |= {"challenge": challenge[1], "captcha": answer}
            if (await client.post(self.base + path, data=form)).status_code == 303:
                return True
        return False


def _links(url: str, html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        link = urljoin(url, href.replace("&amp;", "&"))
        if urlsplit(link).hostname == urlsplit(url).hostname and not SKIP.search(link):
            found.append(link)
    return found


class Crawl:
    """Breadth-first crawls of sites into one evidence folder (DIR/warc/*.warc.gz)."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.writer = WarcWriter(folder, INFO, prefix=prefix)
        self.pages = 0

    def record(self, url: str, response: httpx.Response, at: datetime) -> None:
        request = response.request
        head = format_request_head(
            request.method, request.url.raw_path.decode(), "HTTP/1.1", request.headers.raw
        )
        reply = format_response_head(
            "HTTP/1.1", response.status_code, response.reason_phrase, response.headers.raw
        )
        self.writer.write_exchange(url, head, b"", reply, response.content, "127.0.0.1", at)
        self.pages += 1

    def site(self, world: Path, onion: str, day: int, keep: re.Pattern[str] | None = None) -> int:
        """Crawl one site at range day `day`; `keep` limits what is followed (and kept). The
        status of the front page is returned (503: an exit-scam farewell)."""
        site = Site(world, onion, day)
        return asyncio.run(self._crawl(site, keep))

    async def _crawl(self, site: Site, keep: re.Pattern[str] | None) -> int:
        transport = httpx.ASGITransport(app=site.app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url=site.base) as client:
            client.headers["user-agent"] = UA
            front = await client.get(site.base + "/")
            if front.status_code >= 500:
                self.record(site.base + "/", front, site.moment)
                return front.status_code
            if site.site.kind != "directory" and not await site.login(client, "trainee7"):
                return 403
            queue, seen = deque([site.base + "/"]), {site.base + "/"}
            at = site.moment
            while queue:
                url = queue.popleft()
                response = await client.get(url)
                if not response.headers.get("content-type", "").startswith("text/html"):
                    continue
                at += timedelta(seconds=1)  # a crawl takes time; every capture has its own
                if keep is None or keep.search(url) or url == site.base + "/":
                    self.record(url, response, at)
                for link in _links(url, response.text):
                    if link not in seen and (keep is None or keep.search(link)):
                        seen.add(link)
                        queue.append(link)
            return front.status_code

    def close(self) -> None:
        self.writer.close()
