"""The forum, crawled page by page through its app (open defences) and read with
darkrange.extract: the appeal is the post that publishes Bitcoin addresses."""

from __future__ import annotations

import asyncio
import re
from html import unescape
from pathlib import Path

import httpx

from darkrange.extract import find_selectors
from darkrange.network import RangeClock, load_sites
from darkrange.sites.defences import AntiCrawl
from darkrange.sites.forum import forum_app, guarded

LINK = re.compile(r'href="(/[^"#]*)"')
POST = re.compile(
    r'<div class="box post" id="(?P<thread>[^"]+?)-\d+">\s*<div class="meta">'
    r'<a class="author" href="/u/[^"]+">(?P<author>[^<]+)</a>'
    r'.*?<pre class="body">(?P<body>.*?)</pre>',
    re.S,
)


def crawl_forum(world: Path, onion: str, day: int) -> dict[str, str]:
    site = next(s for s in load_sites(world) if s.onion == onion)
    app = guarded(
        forum_app(world, site.site_id, site.name, RangeClock(day)), site.site_id, AntiCrawl()
    )

    async def crawl() -> dict[str, str]:
        pages: dict[str, str] = {}
        todo = ["/"]
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://forum") as client:
            while todo:
                url = todo.pop()
                if url in pages or url.startswith(("/search", "/login", "/register", "/u/")):
                    continue
                response = await client.get(url)
                if response.status_code != 200:
                    continue
                pages[url] = response.text
                todo.extend(unescape(u) for u in LINK.findall(response.text))
        return pages

    return asyncio.run(crawl())


def forum_actors(pages: dict[str, str]) -> dict[str, str]:
    for html in pages.values():
        for post in POST.finditer(html):
            coins = [
                s.normalized
                for s in find_selectors(unescape(post["body"]))
                if s.kind == "btc" and s.valid
            ]
            if coins:
                return {
                    "thread": post["thread"],
                    "addresses": ",".join(coins),
                    "author": unescape(post["author"]),
                }
    raise AssertionError("no post publishes Bitcoin addresses")


def thread_posters(pages: dict[str, str], thread: str) -> list[tuple[str, str]]:
    """(author, text) of every post of `thread`, in page order, without repeats."""
    seen: list[tuple[str, str]] = []
    for html in pages.values():
        for post in POST.finditer(html):
            item = (unescape(post["author"]), unescape(post["body"]))
            if post["thread"] == thread and item not in seen:
                seen.append(item)
    return seen


def bystanders(pages: dict[str, str], thread: str) -> dict[str, str]:
    """The group's accounts are the appeal's author and whoever publishes its addresses; the
    rest only replied and are pseudonymised before the share leaves the agency."""
    appeal = forum_actors(pages)
    assert appeal["thread"] == thread
    published = set(appeal["addresses"].split(","))
    group = {appeal["author"]}
    for author, text in thread_posters(pages, thread):
        coins = {s.normalized for s in find_selectors(text) if s.kind == "btc" and s.valid}
        if coins & published:
            group.add(author)
    others = sorted({author for author, _ in thread_posters(pages, thread)} - group)
    return {"bystanders": ",".join(others)}
