"""Full-page screenshots of captured pages with Chromium (Berkeley Protocol minimum).

Chromium (Debian's /usr/bin/chromium, driven by Playwright) reaches the page through the same
SOCKS proxy as the crawler, with every name resolved by the proxy (`--host-resolver-rules` maps
everything else to NOTFOUND), JavaScript off (Tor Browser "safest"), the site identity's user
agent and cookies (so login-walled pages render). Each screenshot is a WARC `resource` record
(`urn:view:<page URL>`, image/png, its own SHA-256 digests) linked to the page's response
record, followed by a `metadata` record naming the browser and the settings.

Chromium cannot send SOCKS credentials: over Tor all screenshots share one circuit, not the
identity's. Each shot is bounded by `screenshots.timeout_s`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from darkrange.collect.crawl._config import Screenshots
from darkrange.collect.crawl._scope import host_of
from darkrange.collect.crawl._session import SiteSession
from darkrange.collect.crawl._state import CrawlState
from darkrange.collect.evidence import WarcWriter
from darkrange.errors import InputError

CHROMIUM = Path("/usr/bin/chromium")
VIEW_PREFIX = "urn:view:"  # the screenshot's WARC-Target-URI, as Browsertrix names them
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)


class ShotFailed(Exception):
    """No screenshot of this page (timeout, browser error); the message says why."""


@dataclass(frozen=True)
class Shot:
    png: bytes
    fields: dict[str, str]  # for the metadata record


def chromium_proxy(proxy: str) -> str:
    """socks5h://user:pass@host:port -> socks5://host:port (Chromium resolves via SOCKS5)."""
    parts = urlsplit(proxy)
    if parts.scheme not in ("socks5", "socks5h") or not parts.hostname or not parts.port:
        raise InputError(f"screenshots need a socks5h://HOST:PORT proxy, got {proxy!r}")
    return f"socks5://{parts.hostname}:{parts.port}"


class Camera:
    """One headless Chromium for the crawl; `shoot` renders one page in a fresh context."""

    def __init__(self, proxy: str, settings: Screenshots) -> None:
        self.proxy = chromium_proxy(proxy)
        self.settings = settings
        self._playwright: Any = None
        self._browser: Any = None
        self.version = ""

    async def start(self) -> None:
        executable = Path(self.settings.chromium)
        if not executable.is_file():
            raise InputError(
                f"screenshots need Chromium at {executable} (apt-get install chromium)"
            )
        try:
            from playwright.async_api import async_playwright
        except ImportError:
            raise InputError("screenshots need Playwright (pip install playwright)") from None
        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=str(executable),
                args=[*ARGS, f"--proxy-server={self.proxy}"],
                timeout=self.settings.timeout_s * 1000 * 2,
            )
        except Exception as exc:
            await self._playwright.stop()
            raise InputError(f"Chromium did not start: {str(exc).splitlines()[0]}") from None
        self.version = str(self._browser.version)

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    async def shoot(self, url: str, user_agent: str, cookies: list[dict[str, str]]) -> Shot:
        """A full-page PNG of `url`, within `timeout_s`; ShotFailed otherwise."""
        s = self.settings
        context = await self._browser.new_context(
            java_script_enabled=False,
            user_agent=user_agent,
            viewport={"width": s.width, "height": s.height},
            accept_downloads=False,
            service_workers="block",
        )
        try:
            if cookies:
                await context.add_cookies([_cookie(c, url) for c in cookies])
            async with asyncio.timeout(s.timeout_s):
                page = await context.new_page()
                response = await page.goto(url, wait_until="load", timeout=s.timeout_s * 1000)
                final = str(page.url)  # a login redirect shows here
                png = await page.screenshot(
                    full_page=True, type="png", animations="disabled", timeout=s.timeout_s * 1000
                )
        except TimeoutError:
            raise ShotFailed(f"no screenshot within {s.timeout_s:.0f} s") from None
        except Exception as exc:  # Playwright's errors: a page that would not render
            raise ShotFailed(str(exc).splitlines()[0][:200]) from None
        finally:
            await context.close()
        status = str(response.status) if response is not None else ""
        fields = {
            "software": f"Chromium {self.version} (Playwright)",
            "javascript": "disabled",
            "viewport": f"{s.width}x{s.height}, full page",
            "user-agent": user_agent,
            "proxy": self.proxy,
            "http-status": status,
            "final-url": final,
        }
        return Shot(png, fields)


def _cookie(c: dict[str, str], url: str) -> dict[str, str]:
    if c.get("domain"):
        return {"name": c["name"], "value": c["value"], "domain": c["domain"], "path": c["path"]}
    return {"name": c["name"], "value": c["value"], "url": url}


class ShotWork:
    """The crawl's screenshot worker: renders pages the state lists as pending, in the
    background of the crawl, and writes each shot with no await between record and mark."""

    state: CrawlState
    writer: WarcWriter | None
    camera: Camera | None
    crawling: bool

    def _session_of(self, host: str) -> SiteSession:
        raise NotImplementedError

    async def _shoot_all(self) -> None:
        """Until the crawl has ended and no screenshot is pending."""
        assert self.camera is not None
        limit = self.camera.settings.concurrency
        busy: dict[str, asyncio.Task[None]] = {}
        while True:
            if len(busy) < limit:
                for url, record, file in self.state.pending_shots(limit + len(busy)):
                    if record not in busy and len(busy) < limit:
                        busy[record] = asyncio.create_task(self._shoot(url, record, file))
            if not busy:
                if not self.crawling:
                    return
                await asyncio.sleep(0.2)
                continue
            done, _ = await asyncio.wait(
                busy.values(), timeout=0.2, return_when=asyncio.FIRST_COMPLETED
            )
            for record, task in list(busy.items()):
                if task in done:
                    del busy[record]
                    task.result()

    async def _shoot(self, url: str, page_record: str, page_file: str) -> None:
        assert self.camera is not None and self.writer is not None
        session = self._session_of(host_of(url))
        try:
            shot = await self.camera.shoot(url, session.identity.user_agent, session.cookies())
        except ShotFailed as exc:
            with self.state.transaction() as db:
                self.state.shot_done(db, page_record, "", str(exc))
            self.state.event(host_of(url), "screenshot", f"{url}: {exc}")
            return
        # no await from here on: the records and their mark go together (see _pages)
        refers = page_file != self.writer.current_file
        target = VIEW_PREFIX + url
        ref = self.writer.write_resource(target, "image/png", shot.png, page_record, refers)
        fields = {**shot.fields, "page-record": page_record, "page-url": url}
        meta = self.writer.write_metadata(target, fields, ref.record_id)
        with self.state.transaction() as db:
            self.state.shot_done(db, page_record, ref.record_id)
            self.state.mark(db, meta.file, meta.offset + meta.length)

    def _shot_recovered(self, page_record: str, shot_record: str) -> None:
        """A screenshot the WARC holds beyond the mark (killed before marking it)."""
        with self.state.transaction() as db:
            self.state.shot_done(db, page_record, shot_record)
