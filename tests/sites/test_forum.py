"""The forum: pagination reaches every visible thread and post, profiles, the donation appeal,
the login wall, bad requests; one test through a real uvicorn server."""

from __future__ import annotations

import dataclasses
import json
import re
from html import unescape
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from darkrange.network import RangeClock, SiteContext, load_sites
from darkrange.sites.defences import AntiCrawl, captcha_answer
from darkrange.sites.forum import build_app, forum_app, guarded
from tests.sites.otherfix import WEEK_S, serve, tiny_world, weeks

START = 1_767_571_200
LINK = re.compile(r'href="(/[^"#]*)')


def _write(folder: Path, name: str, rows: list[dict[str, object]]) -> None:
    pq.write_table(pa.Table.from_pylist(rows), folder / "content" / name)


@pytest.fixture(scope="module")
def busy_forum(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A forum with enough threads and posts for several pages, some in a later week."""
    world = tmp_path_factory.mktemp("busy-forum")
    (world / "content").mkdir()
    (world / "world.json").write_text(json.dumps({"start": START, "seed": 1, "weeks": 4}))
    threads, posts = [], []
    for t in range(47):
        board = "Market talk" if t % 3 else "Scams"
        created = START + t * 3_600 + (WEEK_S * 2 if t >= 44 else 0)
        tid = f"t{t:03d}"
        threads.append(
            {
                "site_id": "forum-9",
                "thread_id": tid,
                "subforum": board,
                "title": f"Thread {t}",
                "author_handle": f"user{t % 5}",
                "created": created,
            }
        )
        for p in range(53 if t == 0 else 2):
            later = WEEK_S * 2 if (t == 0 and p >= 50) else 0
            posts.append(
                {
                    "site_id": "forum-9",
                    "thread_id": tid,
                    "post_id": f"{tid}-{p}",
                    "author_handle": f"user{p % 5}",
                    "time": created + p * 60 + later,
                    "text": f"post {p} of thread {t}",
                }
            )
    posts.append(
        {
            "site_id": "other",
            "thread_id": "t000",
            "post_id": "x",
            "author_handle": "x",
            "time": START,
            "text": "another forum's post",
        }
    )
    _write(world, "threads.parquet", threads)
    _write(world, "posts.parquet", posts)
    accounts = [
        {
            "site_id": "forum-9",
            "handle": f"user{i}",
            "role": "member",
            "joined_week": 0,
            "left_week": None,
            "pgp_history": "[]",
            "contacts": "{}",
            "profile_text": "",
        }
        for i in range(5)
    ]
    _write(world, "accounts.parquet", accounts)
    _write(world, "pgp_keys.parquet", [{"fingerprint": "F" * 40, "armored": "key"}])
    return world


def _crawl(app: object) -> dict[str, str]:
    """Every page reachable from / by following links (GET), as path -> HTML."""
    pages: dict[str, str] = {}
    todo = ["/"]
    with serve(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        while todo:
            url = todo.pop()
            if url in pages or url.startswith("/search"):
                continue
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = response.text
            todo.extend(unescape(u) for u in LINK.findall(response.text))
    return pages


def _open(world: Path, site_id: str, days: int) -> object:
    site = forum_app(world, site_id, "Test Board", RangeClock(days))
    return guarded(site, site_id, AntiCrawl())


def _ids(pages: dict[str, str], pattern: str) -> set[str]:
    return {m for html in pages.values() for m in re.findall(pattern, html)}


def test_pagination_reaches_every_visible_thread_and_post(busy_forum: Path) -> None:
    pages = _crawl(_open(busy_forum, "forum-9", days=7))  # week 1
    threads = _ids(pages, r'href="/post/(t\d+)"')
    posts = _ids(pages, r'<div class="box post" id="([^"]+)"')
    assert threads == {f"t{t:03d}" for t in range(44)}  # t044.. open in week 2
    expected = {f"t000-{p}" for p in range(50)}
    expected |= {f"t{t:03d}-{p}" for t in range(1, 44) for p in range(2)}
    assert posts == expected
    assert "/post/t000?page=3" in pages and "/d/Market%20talk?page=2" in pages
    later = _crawl(_open(busy_forum, "forum-9", days=14))  # week 2: everything
    assert len(_ids(later, r'<div class="box post" id="([^"]+)"')) == 53 + 46 * 2
    assert "another forum" not in "".join(later.values())


def test_thread_pages_hold_twenty_posts_oldest_first(busy_forum: Path) -> None:
    with serve(_open(busy_forum, "forum-9", days=21)) as base, httpx.Client(base_url=base) as c:
        first = c.get("/post/t000").text
        third = c.get("/post/t000", params={"page": 3}).text
        ids = re.findall(r'<div class="box post" id="t000-(\d+)"', first)
        assert ids == [str(i) for i in range(20)]
        assert re.findall(r'id="t000-(\d+)"', third) == [str(i) for i in range(40, 53)]
        assert c.get("/post/t000", params={"page": 4}).status_code == 404
        assert c.get("/post/t000", params={"page": "x"}).status_code == 400
        assert c.get("/post/nope").status_code == 404
        assert c.get("/nothing/here").status_code == 404
        assert c.post("/post/t000", data={"a": "b"}).status_code == 405


def test_donation_appeal_shows_the_plot_addresses(tmp_path_factory: pytest.TempPathFactory) -> None:
    world = tiny_world(tmp_path_factory)
    plot = next(
        p for p in json.loads((world / "truth/plots.json").read_text()) if p["plot"] == "donations"
    )
    site = next(s for s in load_sites(world) if s.onion == plot["forum"])
    last_day = (weeks(world) - 1) * 7
    with serve(_open(world, site.site_id, last_day)) as base, httpx.Client(base_url=base) as c:
        page = c.get(f"/post/{plot['thread_id']}").text
        board = re.search(r'<a href="/d/([^"]+)">d/', page)
        assert board is not None
        assert f"/post/{plot['thread_id']}" in c.get(f"/d/{board.group(1)}").text
    for address in plot["donation_addresses"]:
        assert address in page


def test_profile_lists_posts_and_pgp_key(tmp_path_factory: pytest.TempPathFactory) -> None:
    world = tiny_world(tmp_path_factory)
    site = next(s for s in load_sites(world) if s.kind == "forum")
    accounts = [
        a
        for a in pq.read_table(world / "content/accounts.parquet").to_pylist()
        if a["site_id"] == site.site_id
    ]
    posts = [
        p
        for p in pq.read_table(world / "content/posts.parquet").to_pylist()
        if p["site_id"] == site.site_id
    ]
    last_day = (weeks(world) - 1) * 7
    with serve(_open(world, site.site_id, last_day)) as base, httpx.Client(base_url=base) as c:
        for account in accounts:
            page = c.get(f"/u/{account['handle']}")
            assert page.status_code == 200
            own = {p["post_id"] for p in posts if p["author_handle"] == account["handle"]}
            assert set(re.findall(r"#([^\"]+)\">", page.text)) == own
            history = json.loads(account["pgp_history"])
            if history:
                assert history[-1][1] in page.text
                assert "BEGIN PGP PUBLIC KEY BLOCK" in page.text
        assert c.get("/u/nobody-at-all").status_code == 404


def test_search_finds_posts_by_words(tmp_path_factory: pytest.TempPathFactory) -> None:
    world = tiny_world(tmp_path_factory)
    site = next(s for s in load_sites(world) if s.kind == "forum")
    with serve(_open(world, site.site_id, 21)) as base, httpx.Client(base_url=base) as c:
        page = c.get("/search", params={"q": "willow market"}).text
        assert "Willow Market" in page
        assert "0 posts match" in c.get("/search", params={"q": "zzqqxx"}).text
        assert c.get("/search", params={"q": "x" * 500}).status_code == 400


def test_login_wall_and_captcha_from_sites_json(tmp_path_factory: pytest.TempPathFactory) -> None:
    world = tiny_world(tmp_path_factory)
    site = next(s for s in load_sites(world) if s.kind == "forum")
    assert site.extra["anti_crawl"]["login_wall"] is True
    # the world's settings, but always up: downtime windows follow the wall clock
    always_up = {**site.extra["anti_crawl"], "uptime": 1.0}
    site = dataclasses.replace(site, extra={**site.extra, "anti_crawl": always_up})
    app = build_app(SiteContext(world, site, RangeClock(0)))
    with serve(app) as base, httpx.Client(base_url=base, headers={"user-agent": "t/1"}) as c:
        first = c.get("/")
        assert first.status_code == 303 and first.headers["location"].startswith("/login")
        form = c.get("/register").text
        challenge = re.search(r'name="challenge" value="([^"]+)"', form)
        assert challenge is not None
        answer = captcha_answer(site.site_id, unescape(challenge.group(1)))
        data = {
            "username": "analyst7",
            "password": "secret-pw",
            "password2": "secret-pw",
            "challenge": unescape(challenge.group(1)),
            "captcha": answer,
            "next": "/",
        }
        done = c.post("/register", data=data)
        assert done.status_code == 303
        assert "d/" in c.get("/").text
