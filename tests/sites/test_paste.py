"""The paste site: the list reaches every visible paste, the raw view is byte-exact."""

from __future__ import annotations

import re

import httpx
import pyarrow.parquet as pq
import pytest

from darkrange.network import RangeClock, SiteContext
from darkrange.sites.paste import build_app
from tests.sites.otherfix import WEEK_S, serve, served, tiny_world, weeks


def test_raw_view_is_exact_and_list_follows_the_clock(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    world = tiny_world(tmp_path_factory)
    site = served(world, "paste")
    start = 1_767_571_200
    pastes = [
        p
        for p in pq.read_table(world / "content/pastes.parquet").to_pylist()
        if p["site_id"] == site.site_id
    ]
    clock = RangeClock(0)
    app = build_app(SiteContext(world, site, clock))
    with serve(app) as base, httpx.Client(base_url=base) as client:
        for week in range(weeks(world)):
            clock.set_days(week * 7)
            listed = set(re.findall(r'href="/raw/([^"]+)"', client.get("/").text))
            visible = {p["paste_id"] for p in pastes if (p["time"] - start) // WEEK_S <= week}
            assert listed == visible
        for paste in pastes:
            raw = client.get(f"/raw/{paste['paste_id']}")
            assert raw.content == paste["text"].encode("utf-8")
            assert raw.headers["content-type"] == "text/plain; charset=utf-8"
            view = client.get(f"/p/{paste['paste_id']}")
            assert view.status_code == 200 and paste["title"] in view.text
        assert client.get("/raw/ffffffff").status_code == 404
        assert client.get("/", params={"page": "0"}).status_code == 400
        assert client.get("/", params={"page": "9"}).status_code == 404
    assert len(pastes) > 0
