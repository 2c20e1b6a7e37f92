"""Escrow markets of the three software families, served from a real tiny world."""

from __future__ import annotations

import html as htmllib
import re
import shutil
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from darkrange.formats import armor_decode, b58check_decode, parse_public_keys, segwit_decode
from darkrange.network import RangeClock
from darkrange.sites._content import load_content, mask_handle
from darkrange.sites.defences import AntiCrawl, captcha_answer
from darkrange.sites.market import deposit_address
from tests.sites.marketfix import (
    Now,
    build,
    challenge_of,
    client,
    register,
    run,
    served,
    tiny_world,
    truth_fingerprints,
    truth_listings,
)

LISTING_LINK = {
    "dream": r'href="/listing/([^"]+)"',
    "alpha": r'href="/index\.php\?page=item&amp;id=([^"&]+)"',
    "bazaar": r'href="/p/([^"/]+)/"',
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_world(tmp_path_factory)


async def crawl_listing_ids(c: httpx.AsyncClient, start: str, software: str) -> set[str]:
    """Follow rel=next from the first page of all listings; the listing ids linked on the way."""
    found: set[str] = set()
    url: str | None = start
    pages = 0
    while url:
        page = await c.get(url)
        assert page.status_code == 200, url
        found |= set(re.findall(LISTING_LINK[software], page.text))
        nxt = re.search(r'rel="next" href="([^"]+)"', page.text)
        url = htmllib.unescape(nxt.group(1)) if nxt else None
        pages += 1
        assert pages < 100
    return found


@pytest.mark.parametrize(
    ("site_id", "week"),
    [("market-1", 0), ("market-1", 1), ("market-2", 0), ("market-2", 3), ("market-3", 3)],
)
def test_pagination_reaches_every_listing_the_truth_lists(
    world: Path, site_id: str, week: int
) -> None:
    site = build(world, site_id, clock=RangeClock(week * 7))
    expected = truth_listings(world, site_id, week)
    assert expected, "the world should have listings online then"

    async def go() -> None:
        async with client(site) as c:
            got = await crawl_listing_ids(c, site.scheme.browse(1), site.software)
            assert got == expected
            one = site.content.listing(site_id, sorted(expected)[0])
            page = await c.get(site.scheme.listing(one.listing_id))
            assert page.status_code == 200 and "BTC" in page.text
            assert f"{one.price_usd:.2f}" in page.text

    run(go())


def test_pages_of_twenty_reach_every_listing(world: Path, tmp_path: Path) -> None:
    # The tiny world has fewer than 20 listings a market: triple market-2's in a copy.
    copy = tmp_path / "world"
    (copy / "content").mkdir(parents=True)
    for name in ("sites.json", "world.json"):
        shutil.copy(world / name, copy / name)
    table = pq.read_table(world / "content" / "listings.parquet")
    rows = [r for r in table.to_pylist() if r["site_id"] == "market-2"]
    more = [{**r, "listing_id": f"{r['listing_id']}{n}"} for n in range(3) for r in rows]
    pq.write_table(
        pa.Table.from_pylist(more, schema=table.schema), copy / "content/listings.parquet"
    )
    site = build(copy, "market-2", clock=RangeClock(21))
    expected = {x.listing_id for x in site.content.online("market-2", 3)}
    assert len(expected) > 40

    async def go() -> None:
        async with client(site) as c:
            first = (await c.get(site.scheme.browse(1))).text
            assert len(set(re.findall(LISTING_LINK["alpha"], first))) == 20
            assert await crawl_listing_ids(c, site.scheme.browse(1), "alpha") == expected
            last = -(-len(expected) // 20)
            assert (await c.get(site.scheme.browse(last))).status_code == 200
            assert (await c.get(site.scheme.browse(last + 1))).status_code == 404

    run(go())


def test_vendor_pages_show_the_key_the_truth_names(world: Path) -> None:
    site = build(world, "market-3", clock=RangeClock(21))
    content = load_content(world)
    vendors = [a for a in content.accounts["market-3"].values() if a.role == "vendor"]

    async def go() -> None:
        async with client(site) as c:
            for vendor in vendors:
                page = await c.get(site.scheme.vendor(vendor.handle))
                assert page.status_code == 200
                shown = re.search(r'class="fingerprint">([0-9A-F]{40})<', page.text)
                assert shown, vendor.handle
                assert shown.group(1) == truth_fingerprints(world, "market-3", vendor.handle)[-1]
                block = re.search(
                    r"(?s)-----BEGIN PGP PUBLIC KEY BLOCK-----(.*?)-----END", page.text
                )
                assert block
                data, crc_ok = armor_decode(htmllib.unescape(block.group(1)))
                assert crc_ok is not False
                assert parse_public_keys(data)[0].fingerprint == shown.group(1)

    run(go())


def test_reviews_show_masked_buyer_handles(world: Path) -> None:
    content = load_content(world)
    reviewed = {
        x.vendor
        for (s, lid) in content.reviews
        if s == "market-3"
        for x in [content.listing("market-3", lid)]
        if x
    }
    handle = sorted(h for h in reviewed if h)[0]
    buyers = {r.buyer for (s, _), rs in content.reviews.items() if s == "market-3" for r in rs}
    site = build(world, "market-3", clock=RangeClock(27))

    async def go() -> None:
        async with client(site) as c:
            page = (await c.get(site.scheme.reviews(handle))).text
            masked = re.findall(r'class="buyer">([^<]+)<', page)
            assert masked and all(re.fullmatch(r".\*\*\*.?", m) for m in masked)
            assert not any(f">{b}<" in page for b in buyers if len(b) > 2)

    run(go())
    assert mask_handle("buyer") == "b***r"


def test_search_and_category_pages(world: Path) -> None:
    site = build(world, "market-1", clock=RangeClock(7))
    listing = load_content(world).online("market-1", 1)[0]
    word = max(re.findall(r"\w+", listing.title), key=len)

    async def go() -> None:
        async with client(site) as c:
            found = (await c.get(site.scheme.search(word))).text
            assert listing.listing_id in set(re.findall(LISTING_LINK["dream"], found))
            cat = site.views.category_ids[listing.category]
            page = (await c.get(site.scheme.category(cat))).text
            assert listing.listing_id in set(re.findall(LISTING_LINK["dream"], page))
            assert (await c.get(site.scheme.search("x" * 101))).status_code == 400
            assert (await c.get("/category/999")).status_code == 404
            assert (await c.get("/listing/nope")).status_code == 404
            assert (await c.get("/listings?page=abc")).status_code == 400

    run(go())


def test_deposit_addresses_are_valid_and_per_user(world: Path) -> None:
    assert segwit_decode("bc", deposit_address("m", "u", "dream"))[0] == 0
    assert segwit_decode("bc", deposit_address("m", "u", "bazaar"))[0] == 1
    assert b58check_decode(deposit_address("m", "u", "alpha"))[0] == 5
    assert deposit_address("m", "u") == deposit_address("m", "u")
    assert deposit_address("m", "u") != deposit_address("m", "v")
    site = build(world, "market-3")

    async def go() -> None:
        async with client(site) as c:
            assert (await c.get(site.scheme.page("wallet"))).status_code == 303
            await register(c, site, "walletuser1")
            page = (await c.get(site.scheme.page("wallet"))).text
            assert deposit_address("market-3", "walletuser1", "bazaar") in page

    run(go())


def test_exit_scam_after_its_week(world: Path) -> None:
    clock = RangeClock(13)
    site = build(world, "market-1", clock=clock, fate="exit_scam", fate_week=2)

    async def go() -> None:
        async with client(site) as c:
            assert (await c.get(site.scheme.browse(1))).status_code == 200
            clock.set_days(14)
            for path in ("/", "/listings?page=1", "/login"):
                gone = await c.get(path)
                assert gone.status_code == 503 and "closing the market" in gone.text

    run(go())


def test_seizure_banner_after_its_week(world: Path) -> None:
    clock = RangeClock(0)
    site = build(world, "market-2", clock=clock, fate="seizure", fate_week=1)

    async def go() -> None:
        async with client(site) as c:
            assert "SEIZED" not in (await c.get("/index.php")).text
            clock.set_days(7)
            page = await c.get("/index.php?page=browse")
            assert "THIS HIDDEN SITE HAS BEEN SEIZED" in page.text

    run(go())


def test_phishing_clone_looks_like_its_target_but_differs(world: Path) -> None:
    clock = RangeClock(7)
    content = load_content(world)
    phishing = next(s for s in content.sites.values() if s["kind"] == "phishing")
    target = content.by_onion[phishing["clone_of"]]
    real = build(world, target, clock=clock, fate="none")
    clone = build(world, phishing["site_id"], clock=clock)
    assert clone.software == real.software
    link = LISTING_LINK[real.software]
    browse = real.scheme.browse(1)
    wallet, mirrors = real.scheme.page("wallet"), real.scheme.page("mirrors")

    async def go() -> None:
        async with client(real) as a, client(clone) as b:
            real_page, clone_page = (await a.get(browse)).text, (await b.get(browse)).text
            assert re.findall(link, real_page) == re.findall(link, clone_page)
            assert real_page.replace(real.name, clone.name) == clone_page
            await register(a, real, "victim_1")
            await register(b, clone, "victim_1")
            addr = re.compile(r'class="deposit-address">([^<]+)<')
            real_address = addr.findall((await a.get(wallet)).text)
            assert real_address and real_address != addr.findall((await b.get(wallet)).text)
            assert real.onions[0] in (await a.get(mirrors)).text
            clone_mirrors = (await b.get(mirrors)).text
            assert clone.onions[0] in clone_mirrors and real.onions[0] not in clone_mirrors
            login = clone.scheme.paths.login
            stolen = await b.post(login, data={"username": "victim_1", "password": "p4ss-w0rd"})
            assert stolen.status_code == 303  # the clone lets anyone in ...
        assert ("victim_1", "p4ss-w0rd") in clone.guard.accounts.harvested()  # ... and keeps it

    run(go())


def test_market_with_its_world_defences_through_a_real_server(world: Path) -> None:
    now = Now()
    settings = AntiCrawl.from_json(build(world, "market-1").settings_json)
    site = build(world, "market-1", settings=settings.but(uptime=1.0), now=now)
    assert site.settings.queue and site.settings.captcha and site.settings.login_wall
    with served(site.app) as base, httpx.Client(base_url=base, headers={"user-agent": "TB"}) as c:
        assert "in the queue" in c.get("/").text
        now.t += settings.queue_wait_s + 1
        challenge = challenge_of(c.get("/").text)
        form = {"challenge": challenge, "captcha": captcha_answer("market-1", challenge)}
        assert c.post("/queue", data=form | {"next": "/"}).status_code == 303
        assert c.get("/listings").headers["location"].startswith("/login")
        challenge = challenge_of(c.get("/register").text)
        form = {"username": "trainee7", "password": "secret77", "password2": "secret77"}
        form |= {"challenge": challenge, "captcha": captcha_answer("market-1", challenge)}
        assert c.post("/register", data=form).status_code == 303
        page = c.get("/listings")
        assert page.status_code == 200 and "trainee7" in page.text
        assert c.get("/listings", headers={"user-agent": "other"}).status_code == 303
        assert c.get("/nope").status_code == 404
