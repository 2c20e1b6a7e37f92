"""Single-vendor shops: the vendor's products, key and published payment address."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from darkrange.formats import segwit_decode
from darkrange.network import RangeClock
from darkrange.sites._content import load_content
from darkrange.sites.market import deposit_address
from tests.sites.marketfix import (
    build,
    client,
    record,
    run,
    served,
    tiny_world,
    truth_fingerprints,
)

ITEM = re.compile(r'href="/item/([^"]+)"')


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_world(tmp_path_factory)


def test_shop_through_a_real_server(world: Path) -> None:
    site = build(world, "shop-1", clock=RangeClock(21))
    vendor = next(a.handle for a in load_content(world).accounts["shop-1"].values())
    online = {x.listing_id for x in load_content(world).online("shop-1", 3)}
    assert online
    with served(site.app) as url, httpx.Client(base_url=url) as c:
        home = c.get("/").text
        assert set(ITEM.findall(home)) == online
        order = c.get(f"/order/{sorted(online)[0]}").text
        address = re.search(r'class="btc-address">([^<]+)<', order)
        assert address and "BTC" in order
        assert segwit_decode("bc", address.group(1))
        pgp = c.get("/pgp").text
        shown = re.search(r'class="fingerprint">([0-9A-F]{40})<', pgp)
        assert shown and shown.group(1) == truth_fingerprints(world, "shop-1", vendor)[-1]
        assert "BEGIN PGP PUBLIC KEY BLOCK" in pgp
        about = c.get("/about").text
        contacts = load_content(world).accounts["shop-1"][vendor].contacts
        assert all(v in about for v in contacts.values())
        assert c.get("/item/nope").status_code == 404
        assert c.get("/?page=0x").status_code == 400
        assert c.post("/", content=b"x" * 100_000).status_code == 413


def plain_record_addresses(world: Path) -> list[str]:
    return list(record(world, "shop-1").extra.get("published_addresses") or [])


def test_shop_prints_its_published_address_when_the_world_names_one(world: Path) -> None:
    published = deposit_address("elsewhere", "someone")
    site = build(world, "shop-1", published_addresses=[published])
    assert site.address == published
    plain = build(world, "shop-1")
    listed = plain_record_addresses(world)
    vendor = next(iter(load_content(world).accounts["shop-1"]))
    assert plain.address == (listed[0] if listed else deposit_address("shop-1", vendor))

    async def go() -> None:
        async with client(site) as c:
            assert published in (await c.get("/about")).text

    run(go())
