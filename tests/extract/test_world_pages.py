"""Selector precision and recall on a generated world's pages, against what the world says they
show (issue 5: "precision and recall of 1.0 on a generated world's pages against its truth").

Each site's ASGI app is fetched in process with httpx (as tests/extract/test_records_capture.py
does): walled sites logged into with the CAPTCHA answered by the trainer's solver, every page
reached by links fetched (wallet and account pages too), the mixer given an order and the
exchange a legal request. No rate limits, queues, traps or downtime: they change which pages a
crawl gets, never what a page shows.

What a page should yield comes from the sources the sites render from, never from the
extractor: every onion of sites.json (mirrors and phishing clones included) and of the
directory; the Bitcoin addresses of sites.json, plots.json's donations, the deposit addresses
the markets, the dead-drop market, the mixer and the exchange hand this analyst, and the mixer
order's destinations; every PGP key of content/pgp_keys.parquet plus the mixer's key; every
contact of content/accounts.parquet and e-mail of the exchange's answer. One of them is expected
on a page when the page shows it: the address or contact in the text (a Wickr name right after a
Wickr label: a bare word is no contact), a key's armor. A valid selector of any kind that is not
expected is a false positive. Vendor profiles are also checked from the source side: each shows
its account's contacts and the key pgp_history gives at the clock's week.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import pyarrow.parquet as pq
import pytest

from darkrange.extract import find_selectors
from darkrange.formats import b58check_encode, segwit_encode
from darkrange.network import RangeClock, SiteContext, SiteRecord, load_sites
from darkrange.sites.deaddrop import DeadDropSite
from darkrange.sites.defences import AccountStore, AntiCrawl, captcha_answer, site_secret
from darkrange.sites.directory import directory_app
from darkrange.sites.exchange import exchange_app
from darkrange.sites.forum import forum_app, guarded
from darkrange.sites.market import SCHEMES, MarketSite, deposit_address
from darkrange.sites.mixer import deposit_address as mixer_deposit
from darkrange.sites.mixer import mixer_app, parse_order
from darkrange.sites.paste import paste_app
from darkrange.sites.shop import ShopSite
from darkrange.world.generate import generate

KINDS = (
    "market",
    "phishing",
    "deaddrop",
    "shop",
    "forum",
    "paste",
    "directory",
    "mixer",
    "exchange",
)
WALLED = AntiCrawl(login_wall=True, captcha=True)
SKIP = re.compile(r"/(?:logout|login|register|signup|captcha|queue|calendar)")
MAX_PAGES = 4000
DAYS = (10, 27)  # before and after the tiny world's exit scam and key rotations
UA = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
_WORLDS: dict[tuple[int, str], Path] = {}


@dataclass
class Page:
    site_id: str
    url: str
    text: str


@dataclass
class Crawl:
    """The pages of one visit to every site, and what this visit was handed (its sources)."""

    day: int
    pages: list[Page] = field(default_factory=list)
    btc: set[str] = field(default_factory=set)  # deposit addresses and order destinations
    emails: set[str] = field(default_factory=set)  # the exchange's answer
    keys: dict[str, str] = field(default_factory=dict)  # fingerprint -> armor (the mixer's)


def world_of(factory: pytest.TempPathFactory, seed: int = 11, size: str = "tiny") -> Path:
    if (seed, size) not in _WORLDS:
        out = factory.mktemp("world-pages") / f"{size}-{seed}"
        generate(seed, size, out)
        _WORLDS[(seed, size)] = out
    return _WORLDS[(seed, size)]


def _open_at(site: SiteRecord, week: int) -> bool:
    fate_week = site.extra.get("fate_week")
    if site.extra.get("fate", "none") != "none" and fate_week is not None and week >= fate_week:
        return False
    return int(site.extra.get("opened_week") or 0) <= week


# fetching ---------------------------------------------------------------------------------------


def _app(world: Path, site: SiteRecord, clock: RangeClock, crawl: Crawl, user: str) -> Any:
    """The site's app behind a login wall where the range has one; notes the deposit address
    the site will hand `user`."""
    context = SiteContext(world, site, clock)
    if site.kind in ("market", "phishing", "deaddrop"):
        shop: Any = (
            DeadDropSite(context, settings=WALLED)
            if site.kind == "deaddrop"
            else MarketSite(context, settings=WALLED, phishing=site.kind == "phishing")
        )
        software = "hydra" if site.kind == "deaddrop" else shop.software
        crawl.btc.add(deposit_address(site.site_id, user, software))
        return shop.guard
    if site.kind == "shop":
        return ShopSite(context, settings=AntiCrawl()).guard
    if site.kind == "forum":
        forum = forum_app(world, site.site_id, site.name, clock)
        return guarded(forum, site.site_id, WALLED, AccountStore(None))
    if site.kind == "mixer":
        mixer = mixer_app(world, site.site_id, site.name, site.onion, clock)
        crawl.keys[mixer.key.fingerprint] = mixer.key.armored
        return guarded(mixer, site.site_id, AntiCrawl())
    if site.kind == "exchange":
        handler: Any = exchange_app(world, site.site_id, site.name, site.onion, clock)
    elif site.kind == "paste":
        handler = paste_app(world, site.site_id, site.name, clock)
    else:
        handler = directory_app(world, site.name, clock)
    return guarded(handler, site.site_id, AntiCrawl())


async def _login(client: httpx.AsyncClient, guard: Any, site_id: str, user: str) -> None:
    for path in (guard.paths.register, guard.paths.login):
        page = (await client.get(path)).text
        form = {"username": user, "password": "hunter2222", "password2": "hunter2222", "next": "/"}
        challenge = re.search(r'name="challenge" value="([^"]+)"', page)
        if challenge:
            form |= {"challenge": challenge[1], "captcha": captcha_answer(site_id, challenge[1])}
        if (await client.post(path, data=form)).status_code == 303:
            return
    raise AssertionError(f"{site_id}: neither registration nor login worked")


def _links(base: str, page: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', page):
        url = urljoin(base, html.unescape(href))
        if urlsplit(url).hostname == urlsplit(base).hostname and not SKIP.search(url):
            found.append(url)
    return found


async def _walk(client: httpx.AsyncClient, site_id: str, start: str, crawl: Crawl) -> None:
    queue, seen = [start], {start}
    while queue and len(seen) <= MAX_PAGES:
        url = queue.pop(0)
        response = await client.get(url)
        kind = response.headers.get("content-type", "")
        if response.status_code != 200 or not kind.startswith(("text/html", "text/plain")):
            continue
        crawl.pages.append(Page(site_id, url, response.text))
        for link in _links(url, response.text) if kind.startswith("text/html") else []:
            if link not in seen:
                seen.add(link)
                queue.append(link)


def _destinations(day: int) -> list[str]:
    """Two payout addresses of the analyst's own (P2WPKH and P2PKH) for the mix order."""
    digest = hashlib.sha256(f"world-pages/{day}".encode()).digest()
    return [segwit_encode("bc", 0, digest[:20]), b58check_encode(b"\x00" + digest[12:32])]


async def _forms(client: httpx.AsyncClient, world: Path, site: SiteRecord, crawl: Crawl) -> None:
    """The pages only a form gives: the mixer's deposit address, the exchange's answer."""
    if site.kind == "mixer":
        a, b = _destinations(crawl.day)
        form = {"address1": a, "address2": b, "percent1": "60", "percent2": "40", "delay": "12"}
        response = await client.post("/mix", data=form)
        assert response.status_code == 200, response.text[:300]
        crawl.btc |= {a, b, mixer_deposit(site_secret(site.site_id), parse_order(form))}
        crawl.pages.append(Page(site.site_id, f"http://{site.onion}/mix#order", response.text))
    if site.kind == "exchange":
        rows = pq.read_table(world / "content" / "exchange_accounts.parquet").to_pylist()
        account = rows[0]
        form = {
            "case_reference": "CASE-1",
            "legal_basis": "court order 1/2026",
            "account_id": account["account_id"],
        }
        response = await client.post("/law-enforcement/request", data=form)
        assert response.status_code == 200, response.text[:300]
        crawl.btc |= set(json.loads(account["deposit_addresses"] or "[]"))
        crawl.emails.add(account["email"].lower())
        url = f"http://{site.onion}/law-enforcement/request#answer"
        crawl.pages.append(Page(site.site_id, url, response.text))


async def _visit(world: Path, site: SiteRecord, crawl: Crawl, user: str) -> None:
    guard = _app(world, site, RangeClock(crawl.day), crawl, user)
    transport = httpx.ASGITransport(app=guard, client=("127.0.0.1", 40000))
    base = f"http://{site.onion}"
    async with httpx.AsyncClient(transport=transport, base_url=base) as client:
        client.headers["user-agent"] = UA
        if site.kind in ("market", "phishing", "deaddrop", "forum"):
            await _login(client, guard, site.site_id, user)
        await _walk(client, site.site_id, f"{base}/", crawl)
        await _forms(client, world, site, crawl)


def fetch(world: Path, day: int) -> Crawl:
    """Every page of every open site that shows selectors, at range day `day`."""
    crawl = Crawl(day)
    for site in load_sites(world):
        if site.kind in KINDS and _open_at(site, day // 7):
            asyncio.run(_visit(world, site, crawl, f"analyst{day}"))
    return crawl


# what the world says the pages show -------------------------------------------------------------

# kind -> normalized selector -> how it shows on a page: a string that must be in the page's
# lower-cased text (a cheap test first) and a regex over the page's text
Shows = tuple[str, re.Pattern[str]]
Universe = dict[str, dict[str, Shows]]


def _literal(text: str, ignore_case: bool = False) -> Shows:
    # not glued to a longer word: "bc1q...x" inside a longer run is another string
    flags = re.I if ignore_case else re.NOFLAG
    return text.lower(), re.compile(rf"(?<![A-Za-z0-9]){re.escape(text)}(?![A-Za-z0-9])", flags)


def _armor_line(armored: str) -> str:
    """The first base64 line of an armored key: unique to the key, never escaped in HTML."""
    lines = [line.strip() for line in armored.splitlines()]
    body = lines.index("", 1) + 1 if "" in lines[1:] else 1
    return lines[body]


def universe(world: Path, crawls: Iterable[Crawl]) -> Universe:
    """Every selector the world's sources put on some page, with how each shows on a page."""
    found: Universe = {}

    def add(kind: str, normalized: str, shows: Shows) -> None:
        found.setdefault(kind, {})[normalized] = shows

    sites = json.loads((world / "sites.json").read_text("utf-8"))
    listed = json.loads((world / "content" / "directory.json").read_text("utf-8"))
    onions = {o for s in sites for o in (s["onion"], *s.get("mirrors", []))}
    for onion in onions | {entry["onion"] for entry in listed}:
        add("onion_v3", onion.lower(), _literal(onion.removesuffix(".onion"), True))
    plots = json.loads((world / "truth" / "plots.json").read_text("utf-8"))
    btc = {a for s in sites for a in s.get("published_addresses", [])}
    btc |= {a for plot in plots for a in plot.get("donation_addresses", [])}
    for crawl in crawls:
        btc |= crawl.btc
        for fingerprint, armored in crawl.keys.items():
            add("pgp_key", fingerprint, _literal(_armor_line(armored)))
        for email in crawl.emails:
            add("email", email, _literal(email, True))
    for address in btc:
        add("btc", _btc(address), _literal(address))
    for row in pq.read_table(world / "content" / "pgp_keys.parquet").to_pylist():
        add("pgp_key", row["fingerprint"], _literal(_armor_line(row["armored"])))
    for row in pq.read_table(world / "content" / "accounts.parquet").to_pylist():
        for kind, value in json.loads(row["contacts"] or "{}").items():
            _contact(kind, value, add)
    return found


def _btc(address: str) -> str:
    """The normalised form: bech32 in lower case, base58 as it is (its case is meaningful)."""
    return address.lower() if address[:3].lower() == "bc1" else address


def _contact(kind: str, value: str, add: Any) -> None:
    if kind in ("email", "xmpp", "session"):
        add(kind, value.lower(), _literal(value, True))
    elif kind == "telegram":  # "@name" alone is how a bazaar market prints its own handles
        add(kind, value.lstrip("@").lower(), _labelled("telegram|tg", value))
    elif kind == "wickr":  # a bare word is no contact
        add(kind, value.lower(), _labelled("wickr", value))
    else:
        raise AssertionError(f"a contact kind the test does not know: {kind}")


def _labelled(label: str, value: str) -> Shows:
    """`value` shown as a contact: right after its label, tags and a separator between."""
    between = r"\W{0,3}(?:</?\w+[^<>]*>\s*)*\s*"
    pattern = rf"\b(?:{label}){between}{re.escape(value)}(?![\w.-])"
    return value.lower(), re.compile(pattern, re.I)


Key = tuple[str, str, str]  # (page url, kind, normalized)


def expected_on(page: Page, world: Universe) -> set[Key]:
    low = page.text.lower()
    return {
        (page.url, kind, normalized)
        for kind, shows in world.items()
        for normalized, (needle, pattern) in shows.items()
        if needle in low and pattern.search(page.text)
    }


def found_on(page: Page) -> set[Key]:
    found = find_selectors(page.text, page.url)
    return {(page.url, s.kind, s.normalized) for s in found if s.valid}


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    hits: int = 0
    misses: list[Key] = field(default_factory=list)
    false: list[Key] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0


def score(pages: Iterable[Page], world: Universe) -> dict[str, Score]:
    """Per selector kind: what the pages should yield against what find_selectors yields."""
    scores: dict[str, Score] = {kind: Score() for kind in world}
    for page in pages:
        expected, found = expected_on(page, world), found_on(page)
        for key in expected | found:
            s = scores.setdefault(key[1], Score())
            s.expected += key in expected
            s.found += key in found
            s.hits += key in expected and key in found
            if key in expected and key not in found:
                s.misses.append(key)
            if key in found and key not in expected:
                s.false.append(key)
    return scores


# the source side: what each profile page must show -----------------------------------------------


def profiles(world: Path, day: int) -> dict[str, set[tuple[str, str]]]:
    """URL (unquoted) of every vendor profile, shop about/PGP page and forum profile open at
    `day` -> the (kind, normalized) selectors its account's contacts and current key give."""
    week = day // 7
    sites = {s.site_id: s for s in load_sites(world) if _open_at(s, week)}
    pages: dict[str, set[tuple[str, str]]] = {}
    for row in pq.read_table(world / "content" / "accounts.parquet").to_pylist():
        site = sites.get(row["site_id"])
        left = row["left_week"]
        if site is None or not (row["joined_week"] <= week and (left is None or week < left)):
            continue
        shown = {(k, _normal(k, v)) for k, v in json.loads(row["contacts"] or "{}").items()}
        keys = [fp for since, fp in json.loads(row["pgp_history"] or "[]") if since <= week]
        key = {("pgp_key", keys[-1])} if keys else set()
        base, handle = f"http://{site.onion}", row["handle"]
        if site.kind == "market" and row["role"] == "vendor":
            scheme = SCHEMES[str(site.extra.get("software") or "dream")]
            pages[unquote(base + scheme.vendor(handle))] = shown | key
        elif site.kind == "deaddrop" and row["role"] == "vendor":
            pages[f"{base}/shop/{handle}"] = shown | key
        elif site.kind == "shop" and row["role"] == "vendor":
            pages[f"{base}/about"], pages[f"{base}/pgp"] = shown, key
        elif site.kind == "forum":
            pages[f"{base}/u/{handle}"] = shown | key
    return pages


def _normal(kind: str, value: str) -> str:
    return value.lstrip("@").lower() if kind == "telegram" else value.lower()


# tests -----------------------------------------------------------------------------------------

CONTACTS = ("email", "xmpp", "telegram", "session", "wickr")


@pytest.fixture(scope="module")
def visits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Crawl]]:
    world = world_of(tmp_path_factory)
    return world, [fetch(world, day) for day in DAYS]


def _pages(visits: tuple[Path, list[Crawl]]) -> list[Page]:
    return [page for crawl in visits[1] for page in crawl.pages]


def test_every_selector_kind_has_precision_and_recall_one(
    visits: tuple[Path, list[Crawl]],
) -> None:
    scores = score(_pages(visits), universe(visits[0], visits[1]))
    assert set(scores) == {"onion_v3", "btc", "pgp_key", *CONTACTS}  # nothing else is found
    for kind, s in scores.items():
        assert s.expected > 0, kind
        assert s.misses == [], kind
        assert s.false == [], kind
        assert (s.precision, s.recall) == (1.0, 1.0)


def test_every_source_the_brief_names_is_on_some_page(visits: tuple[Path, list[Crawl]]) -> None:
    """The measurement is not vacuous: each onion, address and key source reaches a page."""
    world, crawls = visits
    world_shows = universe(*visits)
    expected = {key[1:] for page in _pages(visits) for key in expected_on(page, world_shows)}
    sites = json.loads((world / "sites.json").read_text("utf-8"))
    onions = {o for s in sites if s["kind"] != "hostile" for o in (s["onion"], *s["mirrors"])}
    assert {("onion_v3", o) for o in onions} <= expected  # phishing clones and mirrors too
    clones = [s["onion"] for s in sites if s["kind"] == "phishing"]
    assert clones and all(("onion_v3", o) in expected for o in clones)
    plots = json.loads((world / "truth" / "plots.json").read_text("utf-8"))
    donations = {a for p in plots for a in p.get("donation_addresses", [])}
    published = {a for s in sites for a in s["published_addresses"]}
    handed = {a for crawl in crawls for a in crawl.btc}
    assert donations and published and len(handed) >= 2 * len(DAYS)
    assert {("btc", _btc(a)) for a in donations | published | handed} <= expected
    mixer_keys = {fp for crawl in crawls for fp in crawl.keys}
    assert mixer_keys and {("pgp_key", fp) for fp in mixer_keys} <= expected


def test_every_profile_shows_its_contacts_and_current_key(
    visits: tuple[Path, list[Crawl]],
) -> None:
    world, crawls = visits
    checked: Counter[str] = Counter()
    for crawl in crawls:
        want = profiles(world, crawl.day)
        for page in crawl.pages:
            shown = want.get(unquote(page.url))
            if shown is None:
                continue
            got = {(kind, normalized) for _, kind, normalized in found_on(page)}
            assert shown <= got, (page.url, shown - got)
            checked[urlsplit(page.url).path.split("/")[1] or "?"] += 1
    # vendor pages of all three market families, dead-drop shops, a shop and forum profiles
    assert sum(checked.values()) >= 40, checked
    assert {"vendor", "index.php", "u", "shop", "about", "pgp"} <= set(checked), checked


def _obfuscate(text: str) -> str:
    """What sites do to slip past filters: "[.]onion", "&#64;" in addresses, "[dot]" hosts."""
    text = re.sub(r"(?<=[a-z2-7]{56})\.onion", "[.]onion", text)
    return re.sub(r"(?<=[a-z0-9])@(?=[a-z0-9.-]+\.[a-z]{2,})", "&#64;", text)


def test_obfuscated_pages_give_the_same_selectors(visits: tuple[Path, list[Crawl]]) -> None:
    """Pastes and profiles with defanged onions and "&#64;" e-mail and XMPP ids."""
    pages = [p for p in _pages(visits) if re.search(r"/(?:p|raw|u|vendor|shop)/", p.url)]
    world = universe(*visits)
    changed = 0
    for page in pages:
        hidden = Page(page.site_id, page.url, _obfuscate(page.text))
        changed += hidden.text != page.text
        keep = ("onion_v3", "email", "xmpp")
        want = {k for k in expected_on(page, world) if k[1] in keep}
        assert want <= found_on(hidden), page.url
    assert changed >= 10


@pytest.mark.parametrize(
    ("text", "kind", "normalized"),
    [
        ("Mail: bob&#64;example&#46;org", "email", "bob@example.org"),
        ("jabber: k&#x40;jabber.ccc.de", "xmpp", "k@jabber.ccc.de"),
        ("contact a.b&commat;cock&period;li", "email", "a.b@cock.li"),
    ],
)
def test_character_references_in_addresses_are_read(text: str, kind: str, normalized: str) -> None:
    (found,) = find_selectors(text)
    assert (found.kind, found.normalized, found.valid) == (kind, normalized, True)
    assert found.extra == {"defanged": True} and found.value == text[found.offset :]


def test_an_escaped_reference_is_not_an_address() -> None:
    # "&amp;#64;" shows as the characters "&#64;" in a browser: no address there
    assert find_selectors("bob&amp;#64;example.org") == []
