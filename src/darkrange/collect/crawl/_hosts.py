"""A host's place in the crawl's schedule, the crawl's running counts, and the signals one
page's fetch raises to the scheduler (back off, retry later, stop the site)."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from darkrange.collect.crawl._classify import LOGIN, PAGE, REDIRECT, Verdict
from darkrange.collect.crawl._fetch import Exchange
from darkrange.collect.crawl._page import PageView
from darkrange.collect.crawl._session import SiteSession
from darkrange.collect.crawl._state import QueuedUrl


class Backoff(Exception):
    """The site said no (429, ban page): the whole site waits."""

    def __init__(self, wait: float, kind: str) -> None:
        super().__init__(kind)
        self.wait = wait
        self.kind = kind


class Retry(Exception):
    """Nothing usable came back; `exchange` is the last answer when there was one."""

    def __init__(self, message: str, exchange: tuple[Exchange, PageView] | None = None) -> None:
        super().__init__(message)
        self.exchange = exchange


class Stop(Exception):
    """The site cannot be crawled any further (account suspended)."""


@dataclass
class HostRun:
    """A host's place in the schedule."""

    host: str
    order: int
    session: SiteSession
    queue: list[tuple[int, int, str, int, int]] = field(default_factory=list)
    inflight: int = 0
    next_at: float = 0.0
    backoff_until: float = 0.0
    delay: float = 0.0
    bans: int = 0
    errors: int = 0
    stopped: str = ""
    probed: bool = False
    probing: bool = False

    def push(self, item: QueuedUrl) -> None:
        heapq.heappush(self.queue, (item.depth, item.seq, item.url, item.tries, item.redirects))

    def pop(self) -> QueuedUrl:
        depth, seq, url, tries, redirects = heapq.heappop(self.queue)
        return QueuedUrl(url, self.host, depth, seq, tries, redirects)


@dataclass
class CrawlStats:
    pages: int = 0
    bytes: int = 0
    errors: int = 0
    hosts: dict[str, dict[str, int]] = field(default_factory=dict)


Progress = Callable[[CrawlStats], None]


def without_login(verdict: Verdict, status: int, has_credentials: bool) -> Verdict:
    """A login page is just a page to a crawler that has no account there."""
    if verdict.kind != LOGIN or has_credentials:
        return verdict
    if status == 200:
        return Verdict(PAGE)
    return Verdict(REDIRECT, verdict.target)
