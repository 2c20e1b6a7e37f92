"""The crawl loop: probe every seed host, tell mirrors from clones, then fetch the frontier
with per-site concurrency, delays, backoff and bans. Single pages are `_pages.PageWork`'s.
"""

from __future__ import annotations

import asyncio
import heapq
import random
import uuid
from datetime import datetime
from pathlib import Path

from darkrange.collect.crawl._captcha import Solver, load_solver
from darkrange.collect.crawl._classify import PAGE, REDIRECT, classify
from darkrange.collect.crawl._commit import Committer
from darkrange.collect.crawl._config import CrawlConfig
from darkrange.collect.crawl._fetch import decode_body
from darkrange.collect.crawl._hosts import CrawlStats, HostRun, Progress, without_login
from darkrange.collect.crawl._mirrors import HostInfo, resolve
from darkrange.collect.crawl._pages import PageWork
from darkrange.collect.crawl._resume import reconcile
from darkrange.collect.crawl._scope import ScopeRules, canonical, host_of
from darkrange.collect.crawl._session import Identity, SiteSession, proxy_for
from darkrange.collect.crawl._shots import Camera, ShotWork
from darkrange.collect.crawl._state import CrawlState, QueuedUrl
from darkrange.collect.crawl._vault import Vault
from darkrange.collect.evidence import CaptureInfo, RecordRef, WarcWriter
from darkrange.errors import InputError

__all__ = ["CrawlStats", "Crawler", "Progress"]


class Crawler(PageWork, ShotWork):
    def __init__(
        self,
        folder: Path,
        seeds: list[str],
        proxy: str,
        config: CrawlConfig,
        vault: Vault,
        capture: CaptureInfo,
        solver: Solver | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.folder = folder
        self.config = config
        self.vault = vault
        self.proxy = proxy
        self.solver = solver or load_solver(config.captcha.solver)
        self.progress = progress or (lambda stats: None)
        self.seeds = [canonical(s, None, config.traps.drop_params) for s in seeds]
        if not seeds or any(s is None for s in self.seeds):
            raise InputError("every --seed must be an http(s) URL")
        folder.mkdir(parents=True, exist_ok=True)
        self.state = CrawlState(folder)
        self.capture = capture
        self.writer: WarcWriter | None = None
        self.rng = random.Random(config.politeness.seed)
        self.hosts: dict[str, HostRun] = {}
        self.seed_hosts = list(dict.fromkeys(host_of(s) for s in self.seeds if s))
        self.scope = ScopeRules(config, self.seed_hosts)
        self.commit = Committer(self.state, config, self.scope)
        self.commit.on_new = self._queue_item
        self.stats = CrawlStats()
        self.crawl_id = self._crawl_id()
        self.recovered = 0
        self.camera: Camera | None = None
        self.crawling = True

    def _crawl_id(self) -> str:
        known = self.state.get_meta("crawl_id")
        if known:
            return str(known)
        ident = uuid.uuid4().hex[:12]
        self.state.set_meta("crawl_id", ident)
        self.state.set_meta("config", self.config.as_json())
        return ident

    # setup ----------------------------------------------------------------------------------
    def _open(self) -> None:
        self.writer = WarcWriter(self.folder, self.capture, prefix="crawl")
        self.commit.load()
        self.commit.load_facts()
        self.recovered = reconcile(
            self.state,
            self.folder,
            self._replay,
            self.config.limits.max_body_bytes,
            self._shot_recovered,
        )
        for host in self.seed_hosts:
            self.scope.add_site(host)
        seeds = []
        for url in [f"http://{h}/" for h in self.seed_hosts] + [s for s in self.seeds if s]:
            host = host_of(url)
            seeds.append((self.commit.rewrite(url), self.commit.alias.get(host, host), 0, 0))
        with self.state.transaction() as db:
            self.state.enqueue(db, seeds)
        known = self.state.hosts()
        for item in self.state.queued():
            self._host(item.host).push(item)
        for host, info in known.items():
            run = self._host(host)
            run.probed = bool(info["probed"])

    def _host(self, host: str) -> HostRun:
        run = self.hosts.get(host)
        if run is None:
            run = HostRun(host, len(self.hosts), self._session(host))
            run.delay = self.config.politeness.delay_s
            self.hosts[host] = run
        return run

    def _session_of(self, host: str) -> SiteSession:
        return self._host(host).session

    def _session(self, host: str) -> SiteSession:
        recipe = self.config.recipe_for(host)
        creds = None
        if recipe is not None:
            creds = self.vault.find(recipe.credentials or recipe.name, host)
        else:
            creds = self.vault.find(host)
        ident = Identity(
            host,
            self.config.identity.user_agent,
            proxy_for(self.proxy, host, self.config.identity.isolate, self.crawl_id),
            creds,
            recipe,
        )
        session = SiteSession(ident, self.config, self._record, self._solve)
        session.restore(self.state.session(host))
        return session

    def _queue_item(self, item: QueuedUrl) -> None:
        run = self._host(item.host)
        run.push(item)

    # evidence -------------------------------------------------------------------------------
    def _replay(
        self,
        url: str,
        status: int,
        headers: dict[str, str],
        raw: bytes,
        ref: RecordRef,
        fetched_at: datetime,
    ) -> bool:
        lim = self.config.limits
        body, _ = decode_body(headers.get("content-encoding", ""), raw, lim.max_decoded_bytes)
        view = self._analyse(url, headers.get("content-type", ""), body)
        recipe = self.config.recipe_for(host_of(url))
        verdict = classify(url, status, headers, view, recipe)
        run_creds = self._session_creds(host_of(url))
        verdict = without_login(verdict, status, run_creds)
        if verdict.kind not in (PAGE, REDIRECT):
            return False
        row = self.state.db.execute(
            "SELECT depth, seq, tries, redirects FROM frontier WHERE url = ?", (url,)
        ).fetchone()
        item = QueuedUrl(url, host_of(url), *row)
        truncated = "length" if len(raw) > lim.max_body_bytes else ""
        self.commit.apply(item, status, len(raw), view, verdict, ref, fetched_at, truncated)
        return True

    # probing and mirrors --------------------------------------------------------------------
    async def _probe(self, run: HostRun) -> None:
        """Fetch a host's home and mirror-list pages, the two its identity rests on."""
        run.probing = True
        try:
            await self._fetch_now(run, f"http://{run.host}/")
            mirror_url = self.commit.facts_of(run.host).mirror_url
            if mirror_url:
                await self._fetch_now(run, mirror_url)
        finally:
            run.probing = False
            run.probed = True

    async def _fetch_now(self, run: HostRun, url: str) -> None:
        """Fetch one queued URL of `run` ahead of its turn (retries included)."""
        for _ in range(self.config.politeness.retries + 2):
            if run.stopped or self.state.status_of(url) != "queued":
                return
            found = [q for q in run.queue if q[2] == url]
            if found:
                run.queue.remove(found[0])
                heapq.heapify(run.queue)
                depth, seq, _, tries, redirects = found[0]
            else:
                sql = "SELECT depth, seq, tries, redirects FROM frontier WHERE url = ?"
                depth, seq, tries, redirects = self.state.db.execute(sql, (url,)).fetchone()
            await self._wait_turn(run)
            await self._process(run, QueuedUrl(url, run.host, depth, seq, tries, redirects))

    async def _wait_turn(self, run: HostRun) -> None:
        loop = asyncio.get_running_loop()
        wait = max(run.next_at, run.backoff_until) - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        run.next_at = loop.time() + run.delay

    def _resolve(self) -> None:
        infos = []
        for host, run in self.hosts.items():
            facts = self.commit.facts_of(host)
            if run.probed and facts.home_done:
                infos.append(HostInfo(host, run.order, facts.fingerprint, set(facts.mirror_list)))
        result = resolve(infos, self.config.mirrors.distance)
        for host, res in result.items():
            facts = self.commit.facts_of(host)
            info = {
                "site": res.site,
                "relation": res.relation,
                "clone_of": res.clone_of,
                "reasons": list(res.reasons),
                "probed": True,
                "fingerprint": facts.fingerprint,
                "mirror_url": facts.mirror_url,
                "mirror_list": sorted(facts.mirror_list),
            }
            self.state.save_host(host, info)
            if res.relation == "mirror" and res.site != host:
                self.commit.alias[host] = res.site
                self.state.rehost(host, res.site)
                self.hosts[host].queue.clear()

    # the loop -------------------------------------------------------------------------------
    async def _run(self) -> None:
        self._open()
        shooting = None
        if self.config.screenshots.enabled:
            self.camera = Camera(self.proxy, self.config.screenshots)
            await self.camera.start()
            shooting = asyncio.create_task(self._shoot_all())
        try:
            probes = [
                self._probe(self.hosts[h]) for h in self.seed_hosts if not self.hosts[h].probed
            ]
            await asyncio.gather(*probes)
            self._resolve()
            await self._schedule()
        finally:
            self.crawling = False
        if shooting is not None:
            await shooting

    async def _schedule(self) -> None:
        loop = asyncio.get_running_loop()
        p = self.config.politeness
        active: set[asyncio.Task[None]] = set()
        probing: set[asyncio.Task[None]] = set()
        while True:
            now = loop.time()
            ready = []
            for run in list(self.hosts.values()):
                if run.stopped or run.host in self.commit.alias:
                    continue
                if not run.probed:
                    if not run.probing and run.queue:
                        probing.add(asyncio.create_task(self._probe(run)))
                    continue
                ready.append(run)
            self._start_pages(ready, active, now)
            if not active and not probing:
                waiting = [
                    max(r.next_at, r.backoff_until)
                    for r in self.hosts.values()
                    if r.queue and not r.stopped and r.host not in self.commit.alias
                ]
                if not waiting:
                    break
                await asyncio.sleep(max(0.0, min(waiting) - loop.time()))
                continue
            wake = [
                max(r.next_at, r.backoff_until)
                for r in self.hosts.values()
                if r.queue and not r.stopped and r.inflight < p.per_site_concurrency
            ]
            timeout = max(0.001, min(wake) - loop.time()) if wake else None
            done, _ = await asyncio.wait(
                active | probing, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                task.result()
            active -= done
            if probing & done:
                probing -= done
                self._resolve()

    def _start_pages(
        self, ready: list[HostRun], active: set[asyncio.Task[None]], now: float
    ) -> None:
        """Fill free slots one page per site per pass, sites with the most queued first.

        Filling one site's slots before the next lets a site with a long queue start last and
        finish alone at its per-site limit; longest queue first keeps every slot busy longer.
        """
        p = self.config.politeness
        ready = sorted(ready, key=lambda r: (-len(r.queue), r.order))
        while len(active) < p.concurrency:
            started = False
            for run in ready:
                if len(active) >= p.concurrency:
                    break
                if (
                    run.queue
                    and run.inflight < p.per_site_concurrency
                    and now >= run.next_at
                    and now >= run.backoff_until
                ):
                    item = run.pop()
                    run.inflight += 1
                    run.next_at = now + run.delay
                    active.add(asyncio.create_task(self._task(run, item)))
                    started = True
            if not started:
                return

    async def _task(self, run: HostRun, item: QueuedUrl) -> None:
        try:
            await self._process(run, item)
        finally:
            run.inflight -= 1

    async def _close(self) -> None:
        if self.camera is not None:
            await self.camera.close()
        for run in self.hosts.values():
            await run.session.close()
        if self.writer is not None:
            self.writer.close()

    async def crawl(self) -> None:
        try:
            await self._run()
        finally:
            await self._close()
