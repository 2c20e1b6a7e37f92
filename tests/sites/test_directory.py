"""The link directory lists every onion of the world; phishing clones pass as mirrors."""

from __future__ import annotations

import re

import httpx
import pytest

from darkrange.network import RangeClock, SiteContext, load_sites
from darkrange.sites.directory import build_app
from tests.sites.otherfix import serve, sites, tiny_world


def test_directory_lists_every_onion(tmp_path_factory: pytest.TempPathFactory) -> None:
    world = tiny_world(tmp_path_factory)
    site = next(s for s in load_sites(world) if s.kind == "directory")
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
    site = next(s for s in load_sites(world) if s.kind == "directory")
    with serve(build_app(SiteContext(world, site, RangeClock(0)))) as base:
        markets = httpx.get(f"{base}/c/markets").text
    assert clone["onion"] in markets and target["onion"] in markets
    entry = re.search(rf'<li class="link">[^\n]*{clone["onion"]}[^\n]*</li>', markets)
    assert entry is not None and "phish" not in entry.group(0).lower()
    assert f"{target['name']} (mirror)" in markets
