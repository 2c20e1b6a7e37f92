"""One page's way through a site's fronts (login, CAPTCHA gate, queue, bans, retries) into
the WARC and the state: the half of the crawler that works on a single URL.

Writing a page's records and marking it fetched happen with no await in between, so no other
task interleaves; a kill between the two is repaired on restart by `_resume.reconcile`.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from urllib.parse import urlencode

from darkrange.collect.crawl._captcha import Solver, ask_person, ask_solver
from darkrange.collect.crawl._classify import (
    BANNED,
    GATE,
    LOGIN,
    PAGE,
    QUEUE,
    REDIRECT,
    RETRY_LATER,
    SUSPENDED,
    Verdict,
    classify,
)
from darkrange.collect.crawl._commit import Committer
from darkrange.collect.crawl._config import CrawlConfig
from darkrange.collect.crawl._fetch import Exchange, FetchError, fetch
from darkrange.collect.crawl._hosts import (
    Backoff,
    CrawlStats,
    HostRun,
    Progress,
    Retry,
    Stop,
    without_login,
)
from darkrange.collect.crawl._page import PageView, analyse
from darkrange.collect.crawl._session import LoginFailed, SiteSession
from darkrange.collect.crawl._state import CrawlState, QueuedUrl
from darkrange.collect.crawl._vault import Vault
from darkrange.collect.evidence import RecordRef, WarcWriter

MAX_STEPS = 12  # fronts (queue, gate, login) one page request may pass before giving up


class PageWork:
    """Fetching, judging and committing single pages; `Crawler` adds the schedule."""

    folder: Path
    config: CrawlConfig
    vault: Vault
    state: CrawlState
    writer: WarcWriter | None
    commit: Committer
    solver: Solver | None
    stats: CrawlStats
    rng: random.Random
    progress: Progress

    # evidence -------------------------------------------------------------------------------
    def _redact(self, body: bytes) -> bytes:
        for secret in self.vault.secrets():
            coded = urlencode({"x": secret})[2:].encode()
            body = body.replace(coded, b"*" * len(coded))
        return body

    def _record(self, ex: Exchange) -> RecordRef:
        assert self.writer is not None
        return self.writer.write_exchange(
            ex.url,
            ex.request_head,
            self._redact(ex.request_body),
            ex.response_head,
            ex.raw_body,
            None,  # an onion has no IP address; the SOCKS proxy's would mislead
            ex.fetched_at,
        )

    def _session_creds(self, host: str) -> bool:
        recipe = self.config.recipe_for(host)
        key = (recipe.credentials or recipe.name) if recipe else ""
        return self.vault.find(key, host) is not None

    def _analyse(self, url: str, content_type: str, body: bytes) -> PageView:
        lim, traps = self.config.limits, self.config.traps
        return analyse(
            body, content_type, url, lim.max_parse_bytes, lim.max_links_per_page, traps.drop_params
        )

    async def _solve(self, host: str, url: str, png: bytes) -> str | None:
        if self.solver is not None:
            answer = await ask_solver(self.solver, png, host, url)
            if answer:
                return answer
        wait = self.config.captcha.wait_s
        return await ask_person(self.state, self.folder, host, url, png, wait)

    # one page -------------------------------------------------------------------------------
    async def _fetch_page(self, run: HostRun, url: str) -> tuple[Exchange, PageView, Verdict]:
        session = run.session
        for _ in range(MAX_STEPS):
            generation = session.generation
            try:
                ex = await fetch(session.client, url, self.config.limits)
            except FetchError as exc:
                raise Retry(f"{exc.kind}: {exc}") from None
            view = self._analyse(url, ex.header("content-type"), ex.body)
            verdict = classify(url, ex.status, dict(ex.headers), view, session.identity.recipe)
            verdict = without_login(verdict, ex.status, session.identity.credentials is not None)
            if verdict.kind in (PAGE, REDIRECT):
                return ex, view, verdict
            self._record(ex)
            if verdict.kind == LOGIN:
                await session.login(generation, verdict.target or url)
                self._save_session(session)
            elif verdict.kind == GATE:
                await session.pass_gate(generation, url, view)
                self._save_session(session)
            elif verdict.kind == QUEUE:
                wait = min(verdict.wait_s, self.config.politeness.queue_wait_max_s)
                await asyncio.sleep(wait + 0.2)
            elif verdict.kind == BANNED:
                raise Backoff(verdict.wait_s, "banned" if ex.status == 403 else "rate-limited")
            elif verdict.kind == SUSPENDED:
                raise Stop("the site suspended the crawler's account")
            elif verdict.kind == RETRY_LATER:
                raise Retry(f"HTTP {ex.status}", (ex, view))
        raise Retry("too many fronts (queue, CAPTCHA, login) in a row")

    def _save_session(self, session: SiteSession) -> None:
        self.state.save_session(session.host, session.cookies(), session.identity.user_agent)

    async def _process(self, run: HostRun, item: QueuedUrl) -> None:
        loop = asyncio.get_running_loop()
        try:
            ex, view, verdict = await self._fetch_page(run, item.url)
        except Backoff as b:
            run.bans += 1
            p = self.config.politeness
            # Retry-After at least, and longer each time the site has to tell us again
            wait = max(b.wait, min(p.backoff_max_s, p.backoff_base_s * 2 ** (run.bans - 1)))
            if wait > self.config.politeness.max_ban_wait_s:
                self._stop(run, f"{b.kind} for {wait:.0f} s, longer than max_ban_wait_s")
            run.backoff_until = loop.time() + wait
            run.delay = min(run.delay * 1.5 + 0.05, 30.0)  # slower from now on
            self.state.event(run.host, b.kind, f"waiting {wait:.0f} s; delay now {run.delay:.2f}")
            run.push(item)
            return
        except Retry as r:
            self._retry(run, item, str(r), r.exchange)
            return
        except (Stop, LoginFailed) as exc:
            self._stop(run, str(exc))
            run.push(item)
            return
        self._commit(run, item, ex, view, verdict)

    def _commit(
        self, run: HostRun, item: QueuedUrl, ex: Exchange, view: PageView, verdict: Verdict
    ) -> None:
        ref = self._record(ex)
        # no await between the record and the mark: see the module docstring
        self.commit.apply(
            item, ex.status, len(ex.raw_body), view, verdict, ref, ex.fetched_at, ex.truncated
        )
        if ex.truncated:
            self.state.event(run.host, "truncated", f"{item.url}: {ex.truncated}")
        self._count(run, 1, len(ex.raw_body), 0)

    def _retry(
        self, run: HostRun, item: QueuedUrl, why: str, exchange: tuple[Exchange, PageView] | None
    ) -> None:
        p = self.config.politeness
        tries = item.tries + 1
        self._count(run, 0, 0, 1)
        self.state.event(run.host, "error", f"{item.url}: {why}")
        if tries > p.retries:
            if exchange is not None:  # what the site kept answering is evidence too
                self._commit(run, item, exchange[0], exchange[1], Verdict(PAGE))
                return
            with self.state.transaction() as db:
                self.state.finish(db, item.url, "failed", why[:200])
            return
        self.state.retry_later(item.url, tries)
        wait = min(p.backoff_max_s, p.backoff_base_s * 2 ** (tries - 1))
        wait *= self.rng.uniform(0.5, 1.5)
        loop = asyncio.get_running_loop()
        run.backoff_until = max(run.backoff_until, loop.time() + wait)
        run.push(QueuedUrl(item.url, item.host, item.depth, item.seq, tries, item.redirects))

    def _stop(self, run: HostRun, why: str) -> None:
        if not run.stopped:
            run.stopped = why
            self.state.event(run.host, "stopped", why)

    def _count(self, run: HostRun, pages: int, size: int, errors: int) -> None:
        self.stats.pages += pages
        self.stats.bytes += size
        self.stats.errors += errors
        host = self.stats.hosts.setdefault(run.host, {"pages": 0, "bytes": 0, "errors": 0})
        host["pages"] += pages
        host["bytes"] += size
        host["errors"] += errors
        host["queued"] = len(run.queue)
        self.progress(self.stats)
