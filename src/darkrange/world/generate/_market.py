"""Listings, orders and reviews on markets, the dead-drop market and shops."""

from __future__ import annotations

import math
import random

from darkrange.world import text
from darkrange.world.chain.spec import AddressRequest, Payment
from darkrange.world.generate._state import Persona, WorldState
from darkrange.world.model import WEEK, Account, Listing, Review, Site
from darkrange.world.rand import stream

DAY = 86400


def usd_per_btc(t: int) -> float:
    """The world's exchange rate: one smooth, deterministic curve every site and wallet uses."""
    days = t / DAY
    return 42_000.0 * (1.0 + 0.12 * math.sin(days / 90.0 * 2 * math.pi) + 0.0004 * (days % 365))


def usd_to_sat(usd: float, t: int) -> int:
    return max(10_000, round(usd / usd_per_btc(t) * 1e8))


def _listing_id(rng: random.Random, software: str, n: int) -> str:
    if software == "dream":
        return str(100_000 + n * 13 + rng.randint(0, 12))
    if software == "alpha":
        return f"{rng.getrandbits(40):010x}"
    if software == "bazaar":
        return f"p{n:05d}-{rng.getrandbits(16):04x}"
    if software == "hydra":
        return str(5_000_000 + n * 7 + rng.randint(0, 6))
    return f"item-{n + 1}"


def _style_for(state: WorldState, persona: Persona, language: str) -> text.Style:
    if persona.style.language == language:
        return persona.style
    styles: dict[str, text.Style] = getattr(persona, "_styles", {})
    if language not in styles:
        rng = stream(state.seed, "style", persona.person_id, language)
        styles[language] = text.make_style(rng, language)  # type: ignore[arg-type]
        object.__setattr__(persona, "_styles", styles)
    return styles[language]


def _line_for(
    state: WorldState, persona: Persona, line: text.ProductLine, language: str
) -> text.ProductLine:
    """The same product line written for another language's buyers (names differ by language)."""
    if persona.style.language == language:
        return line
    cache: dict[tuple[str, str], text.ProductLine] = getattr(persona, "_lines", {})
    key = (line.category, language)
    if key not in cache:
        rng = stream(state.seed, "line", persona.person_id, line.category, language)
        cache[key] = text.make_product_line(rng, line.category, language)  # type: ignore[arg-type]
        object.__setattr__(persona, "_lines", cache)
    return cache[key]


def _language(rng: random.Random, site: Site, persona: Persona) -> str:
    if site.kind == "deaddrop":
        return "ru" if persona.style.language != "uz" or rng.random() < 0.7 else "uz"
    if site.language == "ru" or (persona.style.language != "en" and rng.random() < 0.3):
        return persona.style.language
    return "en"


def build_listings(state: WorldState) -> None:
    rng = stream(state.seed, "listings")
    counters: dict[str, int] = {}
    lo, hi = state.size.listings_per_vendor_site
    for acc in [a for a in state.accounts if a.role == "vendor"]:
        site = state.site(acc.site_id)
        if site.kind not in ("market", "deaddrop", "shop"):
            continue
        persona = state.personas[acc.person_id]
        n = rng.randint(lo, hi) * (2 if site.kind == "shop" else 1)
        for _ in range(n):
            counters[site.site_id] = counters.get(site.site_id, 0) + 1
            state.listings.append(_listing(state, rng, site, acc, persona, counters[site.site_id]))


def _listing(
    state: WorldState, rng: random.Random, site: Site, acc: Account, persona: Persona, n: int
) -> Listing:
    language = _language(rng, site, persona)
    line = _line_for(state, persona, rng.choice(persona.lines), language)
    style = _style_for(state, persona, language)
    person = state.person(acc.person_id)
    district = ""
    if site.kind == "deaddrop":
        district = rng.choice(text.districts(person.city))
        lt = text.dead_drop_listing(rng, line, style, person.city, district)
    else:
        lt = text.listing_text(rng, line, style, persona.ships_from, persona.ships_to)
    end = acc.left_week if acc.left_week is not None else state.weeks
    posted = rng.randint(acc.joined_week, max(acc.joined_week, end - 1))
    removed = None
    if rng.random() < 0.25 and posted + 1 < end:
        removed = rng.randint(posted + 1, end)
    elif acc.left_week is not None:
        removed = acc.left_week
    return Listing(
        site_id=site.site_id,
        listing_id=_listing_id(rng, site.software, n),
        vendor_handle=acc.handle,
        person_id=acc.person_id,
        title=lt.title,
        description=lt.description,
        category=lt.category,
        subcategory=lt.subcategory,
        site_category=text.site_category_label(
            site.software,  # type: ignore[arg-type]
            lt.category,
            lt.subcategory,
            language,  # type: ignore[arg-type]
        ),
        language=language,
        price_usd=round(lt.price_usd * persona.price_factor, 2),
        quantity=lt.quantity,
        ships_from=persona.ships_from if site.kind != "deaddrop" else person.city,
        ships_to=persona.ships_to if site.kind != "deaddrop" else person.city,
        posted_week=posted,
        removed_week=removed,
        city=person.city if site.kind == "deaddrop" else "",
        district=district,
    )


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def build_orders(state: WorldState) -> None:
    """Orders leave a review on the site and a payment on the chain."""
    rng = stream(state.seed, "orders")
    buyers_by_site: dict[str, list[Account]] = {}
    for a in state.accounts:
        if a.role == "buyer" and state.person(a.person_id).role == "buyer":
            buyers_by_site.setdefault(a.site_id, []).append(a)
    shop_addr: dict[str, str] = {}
    for listing in state.listings:
        site = state.site(listing.site_id)
        buyers = buyers_by_site.get(site.site_id, [])
        if site.kind != "shop" and not buyers:
            continue
        for _ in range(_poisson(rng, state.size.orders_per_listing)):
            _order(state, rng, site, listing, buyers, shop_addr)


def _order(
    state: WorldState,
    rng: random.Random,
    site: Site,
    listing: Listing,
    buyers: list[Account],
    shop_addr: dict[str, str],
) -> None:
    end = listing.removed_week if listing.removed_week is not None else state.weeks
    t = state.week_start(listing.posted_week) + rng.randint(
        0, max(1, end - listing.posted_week) * WEEK - 1
    )
    t = min(t, state.week_start(state.weeks) - 3 * DAY)
    if site.kind == "shop":
        buyer_person = rng.choice([p for p in state.persons if p.role == "buyer"])
        handle = "anonymous"
    else:
        b = rng.choice(buyers)
        buyer_person, handle = state.person(b.person_id), b.handle
    pid = f"pay-{len(state.payments) + 1:06d}"
    amount = usd_to_sat(listing.price_usd, t)
    if site.kind == "shop":
        key = f"{site.site_id}:{listing.person_id}"
        if key not in shop_addr:
            shop_addr[key] = state.add_request(
                AddressRequest(f"shop-{site.site_id}", listing.person_id, "published")
            )
        state.payments.append(
            Payment(
                pid,
                t,
                buyer_person.person_id,
                listing.person_id,
                amount,
                "direct",
                to_request=shop_addr[key],
                purpose="shop order",
            )
        )
    else:
        state.payments.append(
            Payment(
                pid,
                t,
                buyer_person.person_id,
                listing.person_id,
                amount,
                "escrow",
                via=site.site_id,
                release_time=t + rng.randint(2, 9) * DAY,
                purpose="market order",
            )
        )
    rating = rng.choices((5, 4, 3, 2, 1), (70, 15, 6, 4, 5))[0]
    state.reviews.append(
        Review(
            site_id=site.site_id,
            listing_id=listing.listing_id,
            review_id=f"r{len(state.reviews) + 1:07d}",
            buyer_handle=handle,
            buyer_person_id=buyer_person.person_id,
            rating=rating,
            text=text.review_text(rng, listing.language, rating),  # type: ignore[arg-type]
            time=t + rng.randint(3, 12) * DAY,
            payment_id=pid,
        )
    )
