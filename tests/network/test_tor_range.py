"""`darkrange range up --transport tor` end to end: a market's EndGame queue, CAPTCHA and login
wall, a listing page and the block explorer, all through the real private Tor network's SOCKS
port with httpx socks5h; `range down` leaves no tor; a killed range (its process group and its
tors) does not block the next `range up`."""

from __future__ import annotations

import html
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest

from darkrange.network.tor import tor_available
from tests.network.rangefix import (
    copy_world,
    darkrange,
    fates_world,
    get_in,
    listing_url,
    state_of,
    steady,
    tors_of,
    truth_rows,
    wait_gone,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not tor_available(), reason="Debian's tor is not installed (apt-get install -y tor)"
    ),
]
MARKET = "market-3"  # bazaar software, behind the EndGame queue, CAPTCHA and login wall


@pytest.fixture
def world(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = copy_world(fates_world(tmp_path_factory), tmp_path / "world", steady)
    try:
        yield folder
    finally:
        darkrange("range", "down", "--world", str(folder), check=False)


def up_tor(world: Path) -> dict[str, Any]:
    out = darkrange("range", "up", "--world", str(world), "--transport", "tor", "--json").stdout
    return json.loads(out)  # type: ignore[no-any-return]


def client(doc: dict[str, Any]) -> httpx.Client:
    # Tor's first circuit to an onion takes a while on a loaded machine
    return httpx.Client(proxy=f"socks5h://{doc['socks']}", timeout=90)


def check_explorer(doc: dict[str, Any], world: Path) -> None:
    # the range serves the chain as of the end of the clock's day (day 0 after `range up`)
    start = json.loads((world / "world.json").read_text())["start"]
    blocks = pq.read_table(world / "chain" / "blocks.parquet", columns=["height", "time"])
    heights, times = blocks["height"].to_pylist(), blocks["time"].to_pylist()
    tip = max(h for h, t in zip(heights, times, strict=True) if t < start + 86_400)
    assert tip < max(heights), "a world whose chain ends on day 0 cannot show the clock"
    txid = pq.read_table(world / "chain" / "transactions.parquet", columns=["txid"])["txid"][7]
    with client(doc) as c:
        assert c.get(f"{doc['explorer']}/blocks/tip/height").text == str(tip)
        tx = c.get(f"{doc['explorer']}/tx/{txid.as_py()}").json()
        assert tx["txid"] == txid.as_py() and tx["status"]["confirmed"]


def test_trainee_path_through_private_tor(world: Path) -> None:
    doc = up_tor(world)
    sites = {s["site_id"]: s for s in json.loads((world / "sites.json").read_text())}
    market = sites[MARKET]
    assert {"onion": market["onion"], "kind": "market", "name": market["name"]} in doc["sites"]
    assert tors_of(world), "the tor transport runs tor processes"
    online = [
        r
        for r in truth_rows(world, "listings.csv")
        if r["site"] == market["onion"] and r["posted_week"] == "0"
    ]
    with client(doc) as c:
        base = get_in(c, market, user="trainee12")  # queue, CAPTCHA, registration, login
        home = c.get(base + "/")
        assert home.status_code == 200 and market["name"] in home.text
        page = c.get(base + listing_url(market, online[0]["listing_id"]))
        assert page.status_code == 200
        assert html.escape(online[0]["title"], quote=False) in page.text
        # a mirror is the same site: a new visitor there meets the same queue
        mirror = c.get(f"http://{market['mirrors'][0]}/")
        assert mirror.status_code == 200 and market["name"] in mirror.text
    check_explorer(doc, world)
    tors = tors_of(world)
    darkrange("range", "down", "--world", str(world))
    assert wait_gone(tors), "range down leaves no tor process"
    assert tors_of(world) == []
    status = json.loads(darkrange("range", "status", "--world", str(world), "--json").stdout)
    assert status == {"running": False}


def test_killed_tor_range_does_not_block_the_next_up(world: Path) -> None:
    up_tor(world)
    first = state_of(world)
    # everything at once, tors included, as a power cut would
    os.killpg(first["pgid"], signal.SIGKILL)
    for pid in tors_of(world):
        os.kill(pid, signal.SIGKILL)
    assert wait_gone(first["pids"])
    status = json.loads(darkrange("range", "status", "--world", str(world), "--json").stdout)
    assert status == {"running": False}
    doc = up_tor(world)
    check_explorer(doc, world)
    # now only the process group (a closed terminal): the tors are daemons in their own
    # sessions and outlive it; `range down` finds and ends them
    os.killpg(state_of(world)["pgid"], signal.SIGKILL)
    orphans = tors_of(world)
    assert orphans
    darkrange("range", "down", "--world", str(world))
    assert wait_gone(orphans) and tors_of(world) == []
