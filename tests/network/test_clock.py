"""`range advance` moves the world's clock on every site: checked through the SOCKS gateway,
week by week, against the world's truth/ (listings, fates, migrations, key rotations) and its
forum threads."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest

from darkrange.network import range_advance, range_down, range_up
from tests.network.rangefix import (
    copy_world,
    fates_world,
    listing_url,
    open_site,
    plots,
    sites_by_onion,
    truth_rows,
    vendor_url,
)

WEEK_S = 7 * 86_400
FATE_TEXT = {
    "exit_scam": "we are closing the market",
    "seizure": "THIS HIDDEN SITE HAS BEEN SEIZED",
}
FATE_STATUS = {"exit_scam": 503, "seizure": 200}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fates world with defences off (this test is about time, not about getting in)."""
    folder = copy_world(
        fates_world(tmp_path_factory), tmp_path_factory.mktemp("clock") / "world", open_site
    )
    try:
        yield folder
    finally:
        range_down(folder)


class Expect:
    """What the truth says a trainee sees at a given week."""

    def __init__(self, world: Path) -> None:
        self.sites = sites_by_onion(world)
        self.start = int(json.loads((world / "world.json").read_text())["start"])
        self.listings = truth_rows(world, "listings.csv")
        self.accounts = {(a["site"], a["handle"]): a for a in truth_rows(world, "accounts.csv")}
        self.fates = {r["site"]: r for r in truth_rows(world, "sites.csv")}
        self.plots = plots(world)
        threads = pq.read_table(world / "content" / "threads.parquet").to_pylist()
        self.threads = [(t["site_id"], t["thread_id"], int(t["created"])) for t in threads]

    def gone(self, onion: str, week: int) -> str | None:
        """The site's fate when it has come by `week` (exit_scam or seizure), else None."""
        row = self.fates[onion]
        if row["fate"] != "none" and row["fate_week"] and week >= int(row["fate_week"]):
            return row["fate"]
        return None

    def active(self, onion: str, handle: str, week: int) -> bool:
        a = self.accounts[(onion, handle)]
        left = int(a["left_week"]) if a["left_week"] else None
        return int(a["joined_week"]) <= week and (left is None or week < left)


def get(client: httpx.Client, onion: str, path: str) -> httpx.Response:
    return client.get(f"http://{onion}{path}")


def check_listings(client: httpx.Client, expect: Expect, week: int) -> int:
    """Every listing of every market, dead-drop market and shop: online exactly as the truth's
    posted/removed weeks say, unless the site's fate has come. Returns how many are online."""
    online = 0
    for row in expect.listings:
        site = expect.sites[row["site"]]
        if site["kind"] == "phishing" or expect.gone(row["site"], week):
            continue
        removed = int(row["removed_week"]) if row["removed_week"] else None
        up = int(row["posted_week"]) <= week and (removed is None or week < removed)
        page = get(client, row["site"], listing_url(site, row["listing_id"]))
        assert page.status_code == (200 if up else 404), (week, site["site_id"], row)
        if up:
            assert html.escape(row["title"], quote=False) in page.text or site["kind"] == "deaddrop"
            online += 1
    return online


def check_fates(client: httpx.Client, expect: Expect, week: int) -> None:
    for onion, row in expect.fates.items():
        if row["fate"] == "none":
            continue
        fate = expect.gone(onion, week)
        site = expect.sites[onion]
        for path in ("/", listing_url(site, "100000"), "/no/such/page"):
            page = get(client, onion, path)
            if fate is None:
                assert FATE_TEXT[row["fate"]] not in page.text
            else:
                assert page.status_code == FATE_STATUS[fate], (week, onion, path)
                assert FATE_TEXT[fate] in page.text
        for mirror in site.get("mirrors") or []:
            assert (FATE_TEXT[row["fate"]] in get(client, mirror, "/").text) == (fate is not None)


def check_migrations(client: httpx.Client, expect: Expect, week: int) -> set[str]:
    """Vendors' new accounts on other markets: a vendor page from the week they joined.
    Returns the accounts seen so far."""
    seen = set()
    for plot in ("exit-scam", "seizure"):
        for move in expect.plots[plot]["migrations"]:
            to = move["to"]
            if expect.gone(to["site"], week):
                continue
            site = expect.sites[to["site"]]
            page = get(client, to["site"], vendor_url(site, to["handle"]))
            shown = expect.active(to["site"], to["handle"], week)
            assert page.status_code == (200 if shown else 404), (week, move)
            if shown:
                assert to["handle"] in page.text
                seen.add(f"{to['site']}/{to['handle']}")
    return seen


def check_key_rotations(client: httpx.Client, expect: Expect, week: int) -> tuple[int, int]:
    """Each rotated key: the person's accounts show the old key before the rotation week and
    the new one from it on. Returns how many account pages showed the old and the new key."""
    old_shown = new_shown = 0
    for rotation in expect.plots["key-rotations"]["rotations"]:
        old, new = rotation["old"].upper(), rotation["new"].upper()
        for (onion, handle), account in expect.accounts.items():
            if account["person_id"] != rotation["person"] or new not in account["pgp_fingerprints"]:
                continue
            site = expect.sites[onion]
            if site["kind"] == "phishing" or expect.gone(onion, week):
                continue
            if not expect.active(onion, handle, week):
                continue
            text = get(client, onion, vendor_url(site, handle)).text.upper()
            if week >= rotation["week"]:
                assert new in text and old not in text, (week, onion, handle)
                new_shown += 1
            else:
                assert old in text and new not in text, (week, onion, handle)
                old_shown += 1
    return old_shown, new_shown


def check_threads(client: httpx.Client, expect: Expect, week: int) -> int:
    """Forum threads appear in the week of their first post. Returns how many are visible."""
    visible = 0
    forums = {s["site_id"]: onion for onion, s in expect.sites.items() if s["kind"] == "forum"}
    for site_id, thread_id, created in expect.threads:
        due = (created - expect.start) // WEEK_S <= week
        page = get(client, forums[site_id], f"/post/{thread_id}")
        assert page.status_code == (200 if due else 404), (week, thread_id)
        visible += due
    appeal = expect.plots["donations"]["thread_id"]
    assert appeal in {t for _, t, _ in expect.threads}
    return visible


def test_advance_moves_every_site_as_the_truth_says(world: Path) -> None:
    expect = Expect(world)
    weeks = int(json.loads((world / "world.json").read_text())["weeks"])
    assert {r["fate"] for r in expect.fates.values()} >= {"exit_scam", "seizure"}
    state = range_up(world)
    history: list[dict[str, Any]] = []
    with httpx.Client(proxy=f"socks5h://{state.socks}", timeout=30) as client:
        day = 0
        for week in range(weeks):
            if week:
                # the clock moves in days; mid-week nothing changes
                day = range_advance(world, 3)
                assert check_listings(client, expect, week - 1) == history[-1]["online"]
                day = range_advance(world, 4)
            assert day == 7 * week
            check_fates(client, expect, week)
            history.append(
                {
                    "online": check_listings(client, expect, week),
                    "migrated": check_migrations(client, expect, week),
                    "keys": check_key_rotations(client, expect, week),
                    "threads": check_threads(client, expect, week),
                }
            )
    # the world changes while the course runs: each of these moved at least once
    assert len({h["online"] for h in history}) > 1
    assert history[0]["migrated"] < history[-1]["migrated"]
    assert sum(h["keys"][0] for h in history) > 0 and sum(h["keys"][1] for h in history) > 0
    assert history[0]["threads"] < history[-1]["threads"]
