"""The link directory lists every onion of the world; phishing clones pass as mirrors; what it
lists follows the range clock (openings, dead markets, last-seen dates)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from darkrange.network import RangeClock, SiteContext, load_sites
from darkrange.sites.directory import DEAD_WEEKS, build_app
from tests.sites.otherfix import always_up, serve, served, sites, tiny_world

START = 1_767_571_200  # the generated worlds' start, a Monday
DAY = 86_400


def test_directory_lists_every_onion(tmp_path_factory: pytest.TempPathFactory) -> None:
    world = tiny_world(tmp_path_factory)
    site = served(world, "directory")
    app = build_app(SiteContext(world, site, RangeClock(0)))
    with serve(app) as base, httpx.Client(base_url=base) as client:
        page = client.get("/")
        plain = client.get("/links.txt").text
        missing = client.get("/no-such-page")
        post = client.post("/", data={"a": "b"})
    assert page.status_code == 200
    listed = set(re.findall(r'href="http://([a-z2-7]{56}\.onion)/"', page.text))
    assert listed == set(re.findall(r"http://([a-z2-7]{56}\.onion)/", plain))
    expected = {onion for s in sites(world) for onion in [s["onion"], *s["mirrors"]]}
    assert listed == expected
    assert (missing.status_code, post.status_code) == (404, 405)


def test_phishing_clone_is_listed_as_a_mirror_of_its_market(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    world = tiny_world(tmp_path_factory)
    clone = next(s for s in sites(world) if s["kind"] == "phishing")
    target = next(s for s in sites(world) if s["onion"] == clone["clone_of"])
    site = served(world, "directory")
    with serve(build_app(SiteContext(world, site, RangeClock(0)))) as base:
        markets = httpx.get(f"{base}/c/markets").text
    assert clone["onion"] in markets and target["onion"] in markets
    entry = re.search(rf'<li class="link">[^\n]*{clone["onion"]}[^\n]*</li>', markets)
    assert entry is not None and "phish" not in entry.group(0).lower()
    assert f"{target['name']} (mirror)" in markets


def _listing(page: str, onion: str) -> str | None:
    found = re.search(rf'<li class="link[^"]*">[^\n]*{onion}[^\n]*</li>', page)
    return found.group(0) if found else None


def _section(page: str, slug: str) -> str:
    found = re.search(rf'<h2 id="{slug}">.*?</ul>', page, re.S)
    return found.group(0) if found else ""


def test_dead_market_is_marked_then_dropped_as_the_clock_moves(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    world = tiny_world(tmp_path_factory)
    market = next(s for s in sites(world) if s["fate"] == "exit_scam")
    clone = next(s for s in sites(world) if s.get("clone_of") == market["onion"])
    fate_day = market["fate_week"] * 7
    clock = RangeClock(fate_day - 1)
    app = build_app(SiteContext(world, served(world, "directory"), clock))
    pages = {}
    with serve(app) as base, httpx.Client(base_url=base) as client:
        for day in (fate_day - 1, fate_day + 3, fate_day + 7 * DEAD_WEEKS):
            clock.set_days(day)
            pages[day] = (client.get("/").text, client.get("/links.txt").text)
            dead = client.get("/c/dead")
            pages[day] += (dead.text if dead.status_code == 200 else "",)
    before, during, after = (pages[d] for d in sorted(pages))
    mirror = market["mirrors"][0]
    for onion in (market["onion"], mirror, clone["onion"]):
        assert _listing(_section(before[0], "markets"), onion) is not None
        assert f"http://{onion}/" in before[1]
    assert "do not use" not in before[0].lower()
    # from the fate week: the main address marked on the do-not-use list, mirrors gone
    entry = _listing(_section(during[0], "dead"), market["onion"])
    assert entry is not None and "EXIT SCAM: DO NOT DEPOSIT" in entry
    last_seen = datetime.fromtimestamp(START + (fate_day - 1) * DAY, UTC).strftime("%Y-%m-%d")
    assert f"last seen {last_seen}" in entry
    assert _listing(during[2], market["onion"]) is not None
    for onion in (market["onion"], mirror, clone["onion"]):
        assert _listing(_section(during[0], "markets"), onion) is None
        assert onion not in during[1]
    assert mirror not in during[0] and clone["onion"] not in during[0]
    # DEAD_WEEKS later the dead entry is dropped as well
    assert market["onion"] not in after[0] and after[2] == ""


def test_sites_appear_when_they_open_and_last_seen_follows_the_day(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    world = tiny_world(tmp_path_factory)
    copy = tmp_path / "world"
    (copy / "content").mkdir(parents=True)
    shutil.copy(world / "world.json", copy / "world.json")
    shutil.copy(world / "content" / "directory.json", copy / "content" / "directory.json")
    records = sites(world)
    paste = next(s for s in records if s["kind"] == "paste")
    seized = next(s for s in records if s["kind"] == "market" and s["fate"] == "none")
    paste["opened_week"] = 2
    seized["fate"], seized["fate_week"] = "seizure", 3
    (copy / "sites.json").write_text(json.dumps(records), encoding="utf-8")
    site = always_up(next(s for s in load_sites(copy) if s.kind == "directory"))
    clock = RangeClock(13)
    with serve(build_app(SiteContext(copy, site, clock))) as base:
        early = httpx.get(f"{base}/").text
        clock.set_days(16)
        opened = httpx.get(f"{base}/").text
        pastebins = httpx.get(f"{base}/c/pastebins").text
        clock.set_days(24)
        later = httpx.get(f"{base}/").text
    assert paste["onion"] not in early
    entry = _listing(opened, paste["onion"])
    assert entry is not None and '<b class="new">NEW</b>' in entry
    assert _listing(pastebins, paste["onion"]) is not None
    new_then = _listing(later, paste["onion"])
    assert new_then is not None and "NEW" not in new_then  # new only in its opening week
    working = opened.replace(_section(opened, "dead"), "")  # the dead show their last day up
    dates = set(re.findall(r"last seen (\d{4}-\d{2}-\d{2})", working))
    allowed = {
        datetime.fromtimestamp(START + d * DAY, UTC).strftime("%Y-%m-%d") for d in (14, 15, 16)
    }
    assert dates and dates <= allowed
    seized_entry = _listing(_section(later, "dead"), seized["onion"])
    assert seized_entry is not None and "SEIZED BY LAW ENFORCEMENT" in seized_entry
