"""Marking a page fetched: one transaction for the page row, its links and the WARC mark.

`Committer.apply` is shared by the live crawl and by the restart's reconciliation, so a page
recovered from the WARC queues exactly the links it would have queued live.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from darkrange.collect.crawl._classify import PAGE, REDIRECT, Verdict
from darkrange.collect.crawl._config import CrawlConfig
from darkrange.collect.crawl._page import PageView
from darkrange.collect.crawl._scope import ONION, NearDuplicates, ScopeRules, host_of, simhash
from darkrange.collect.crawl._state import CrawlState, PageRow, QueuedUrl
from darkrange.collect.evidence import RecordRef


@dataclass
class HostFacts:
    """What the mirror check needs of a host, filled in as its pages are marked."""

    fingerprint: int = 0
    mirror_url: str = ""
    mirror_list: set[str] = field(default_factory=set)
    home_done: bool = False
    mirror_done: bool = False


def follow_page(verdict: Verdict, status: int, truncated: str) -> bool:
    """A whole page answered 200: the kind whose links are followed and that is screenshot."""
    return verdict.kind == PAGE and status == 200 and not truncated


class Committer:
    def __init__(self, state: CrawlState, config: CrawlConfig, scope: ScopeRules) -> None:
        self.state = state
        self.config = config
        self.scope = scope
        t = config.traps
        self.near = NearDuplicates(t.near_duplicate_distance, t.near_duplicate_max)
        self.mirror_link = re.compile(config.mirrors.link_pattern)
        self.alias: dict[str, str] = {}  # mirror host -> the site's host
        self.facts: dict[str, HostFacts] = {}
        self.queued_per_host: dict[str, int] = {}
        self.discovered: set[str] = set()  # onions linked but out of scope
        self.on_new: Callable[[QueuedUrl], None] = lambda item: None
        self.shots = config.screenshots.enabled  # queue a screenshot of each HTML page
        self.bytes = 0

    def load(self) -> None:
        """Rebuild the in-memory counters from the state DB (a resumed crawl)."""
        for url, host in self.state.db.execute("SELECT url, host FROM frontier"):
            self.queued_per_host[host] = self.queued_per_host.get(host, 0) + 1
            self.scope.count_template(url)
        for page in self.state.pages():
            self.near.add(page.host, page.simhash)
            self.bytes += page.bytes

    def facts_of(self, host: str) -> HostFacts:
        return self.facts.setdefault(host, HostFacts())

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host in self.alias:
            return urlunsplit((parts.scheme, self.alias[host], *parts[2:]))
        return url

    def links_to_queue(
        self, item: QueuedUrl, view: PageView, verdict: Verdict
    ) -> list[tuple[str, str, int, int]]:
        if verdict.kind == REDIRECT:
            if not verdict.target or item.redirects >= self.config.limits.max_redirects:
                return []
            candidates = [(verdict.target, item.depth, item.redirects + 1)]
        else:
            candidates = [(link, item.depth + 1, 0) for link in view.links]
        out = []
        for raw, depth, redirects in candidates:
            url = self.rewrite(raw)
            if self.state.known(url):
                continue
            host = host_of(url)
            why = self.scope.why_not(url, depth)
            if why == "site":
                if host.endswith(".onion"):
                    self.discovered.add(host)
                continue
            if why is not None or not self.scope.count_template(url):
                continue
            if self.queued_per_host.get(host, 0) >= self.config.scope.max_pages_per_site:
                continue
            self.queued_per_host[host] = self.queued_per_host.get(host, 0) + 1
            out.append((url, host, depth, redirects))
        return out

    def apply(
        self,
        item: QueuedUrl,
        status: int,
        size: int,
        view: PageView,
        verdict: Verdict,
        ref: RecordRef,
        fetched_at: datetime,
        truncated: str = "",
    ) -> int:
        """Mark `item` fetched; returns how many new URLs were queued."""
        fingerprint = simhash(view.text) if view.text else 0
        follow = follow_page(verdict, status, truncated)
        follow = self.near.add(item.host, fingerprint) and follow
        links = (
            self.links_to_queue(item, view, verdict) if follow or verdict.kind == REDIRECT else []
        )
        page = PageRow(
            item.url,
            item.host,
            status,
            ref.file,
            ref.offset,
            ref.length,
            ref.record_id,
            fetched_at.isoformat(),
            size,
            fingerprint,
            follow,
            truncated,
        )
        with self.state.transaction() as db:
            self.state.add_page(db, page)
            self.state.finish(db, item.url, "done", verdict.kind)
            before = self.state._seq
            self.state.enqueue(db, links)
            self.state.mark(db, ref.file, ref.offset + ref.length)
            if self.shots and follow_page(verdict, status, truncated) and view.is_html:
                self.state.want_shot(db, item.url, ref.record_id, ref.file)
            self._host_facts(item, view, fingerprint)
        self.bytes += size
        for n, (url, host, depth, redirects) in enumerate(links, start=1):
            self.on_new(QueuedUrl(url, host, depth, before + n, 0, redirects))
        return len(links)

    def _host_facts(self, item: QueuedUrl, view: PageView, fingerprint: int) -> None:
        facts = self.facts_of(item.host)
        path = urlsplit(item.url)
        if path.path == "/" and not path.query and not facts.home_done:
            facts.home_done = True
            facts.fingerprint = fingerprint
            for link in view.links:
                text = view.link_texts.get(link, "")
                if host_of(link) == item.host and self.mirror_link.search(
                    urlsplit(link).path + "?" + urlsplit(link).query + " " + text
                ):
                    facts.mirror_url = link
                    break
            self._save_facts(item.host, facts)
        elif item.url == facts.mirror_url:
            facts.mirror_done = True
            found = set(ONION.findall(view.text)) | {host_of(u) for u in view.links}
            facts.mirror_list = {h for h in found if h.endswith(".onion")}
            self._save_facts(item.host, facts)

    def _save_facts(self, host: str, facts: HostFacts) -> None:
        known = self.state.hosts().get(host, {})
        info = {
            "site": known.get("site", host),
            "relation": known.get("relation", "pending"),
            "clone_of": known.get("clone_of"),
            "reasons": known.get("reasons", []),
            "probed": known.get("probed", False),
            "fingerprint": facts.fingerprint,
            "mirror_url": facts.mirror_url,
            "mirror_list": sorted(facts.mirror_list),
        }
        self.state.save_host(host, info)

    def load_facts(self) -> None:
        for host, info in self.state.hosts().items():
            facts = self.facts_of(host)
            facts.fingerprint = info["fingerprint"]
            facts.mirror_url = info["mirror_url"]
            facts.mirror_list = set(info["mirror_list"])
            facts.home_done = bool(info["fingerprint"])
            facts.mirror_done = bool(info["mirror_list"])
            if info["relation"] == "mirror":
                self.alias[host] = info["site"]
