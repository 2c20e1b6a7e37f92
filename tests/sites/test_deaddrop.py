"""The Russian-language shop-and-dead-drop market."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import httpx
import pytest

from darkrange.network import RangeClock
from darkrange.sites._content import load_content
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

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_world(tmp_path_factory)


def visible_text(page: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_pages_are_in_russian_and_reach_every_offer(world: Path) -> None:
    site = build(world, "deaddrop-1", clock=RangeClock(21))
    expected = truth_listings(world, "deaddrop-1", 3)

    async def go() -> None:
        async with client(site) as c:
            home = (await c.get("/")).text
            assert "Выберите город" in home and "Наманган" in home
            found: set[str] = set()
            for city in re.findall(r'href="(/city/[^"/]+)"', home):
                city_page = (await c.get(city)).text
                assert "Районы" in city_page
                for district in re.findall(r'href="(/city/[^"]+/[^"]+)"', city_page):
                    page = (await c.get(htmllib.unescape(district))).text
                    found |= set(re.findall(r'href="/product/(\d+)"', page))
            assert found == expected
            catalog = (await c.get("/catalog")).text
            assert set(re.findall(r'href="/product/(\d+)"', catalog)) == expected
            product = (await c.get(f"/product/{sorted(expected)[0]}")).text
            assert "Фото и координаты клада будут доступны сразу после оплаты" in product
            assert "₽" in product and "BTC" in product
            for page in (home, catalog, product):
                words = re.findall(r"[^\W\d_]{4,}", visible_text(page))
                russian = [w for w in words if CYRILLIC.search(w)]
                assert len(russian) > 0.6 * len(words)

    run(go())


def test_shop_page_rating_key_and_masked_reviews(world: Path) -> None:
    site = build(world, "deaddrop-1", clock=RangeClock(27))
    shop = next(
        a.handle for a in load_content(world).accounts["deaddrop-1"].values() if a.role == "vendor"
    )

    async def go() -> None:
        async with client(site) as c:
            page = (await c.get(f"/shop/{shop}")).text
            assert "Рейтинг" in page and "Оператор" in page
            shown = re.search(r'class="fingerprint">([0-9A-F]{40})<', page)
            assert shown and shown.group(1) == truth_fingerprints(world, "deaddrop-1", shop)[-1]
            reviews = (await c.get(f"/shop/{shop}/otzyvy")).text
            for buyer in re.findall(r'class="buyer">([^<]+)<', reviews):
                assert re.fullmatch(r".\*\*\*.?", buyer)
            assert (await c.get("/shop/nobody")).status_code == 404
            assert "Страница не найдена" in (await c.get("/nope")).text

    run(go())


def test_dead_drop_site_through_a_real_server_with_its_defences(world: Path) -> None:
    now = Now()
    base_site = build(world, "deaddrop-1")
    settings = AntiCrawl.from_json(base_site.settings_json).but(uptime=1.0)
    site = build(world, "deaddrop-1", settings=settings, now=now, clock=RangeClock(14))
    with served(site.app) as url, httpx.Client(base_url=url, headers={"user-agent": "T"}) as c:
        login = c.get("/catalog")
        assert login.status_code == 303 and login.headers["location"].startswith("/login")
        challenge = challenge_of(c.get("/register").text)
        form = {"username": "покупатель1", "password": "secret77", "password2": "secret77"}
        form |= {"challenge": challenge, "captcha": captcha_answer("deaddrop-1", challenge)}
        assert c.post("/register", data=form).status_code == 303
        balance = c.get("/balance").text
        assert "Баланс" in balance
        assert deposit_address("deaddrop-1", "покупатель1", "hydra") in balance
        assert "Все товары" in c.get("/catalog").text


def test_registration_of_a_world_handle_is_refused(world: Path) -> None:
    site = build(world, "deaddrop-1")

    async def go() -> None:
        async with client(site) as c:
            taken = next(iter(load_content(world).accounts["deaddrop-1"]))
            form = {"username": taken, "password": "x" * 8, "password2": "x" * 8}
            page = await c.post("/register", data=form)
            assert page.status_code == 200 and "taken" in page.text
            await register(c, site, "new_buyer")

    run(go())
