"""Scenario plots: the stories exercises ask about, each with the facts that answer them.

`prepare` runs before listings exist (it makes sure the plot's actors exist), `realise` adds the
plot's own orders and payments, `facts` writes the answers once the chain has given txids.
"""

from __future__ import annotations

import random
from typing import Any

from darkrange.world import text
from darkrange.world.chain.spec import AddressRequest
from darkrange.world.generate._economy import _pay, cell_mix_time
from darkrange.world.generate._market import DAY, usd_to_sat
from darkrange.world.generate._people import PeopleMaker
from darkrange.world.generate._state import Persona, WorldState
from darkrange.world.model import Account, Listing, Review, Site
from darkrange.world.rand import stream


def _live_markets(state: WorldState) -> list[Site]:
    return [m for m in state.sites_of("market") if m.fate == "none"] or state.sites_of("market")


def _ensure_line(rng: random.Random, persona: Persona, category: str) -> None:
    if category not in persona.categories:
        persona.categories.append(category)
        persona.lines.append(text.make_product_line(rng, category, "en"))  # type: ignore[arg-type]


def _ensure_account(
    state: WorldState, maker: PeopleMaker, persona: Persona, site: Site, mode: str
) -> Account:
    from darkrange.world.generate._accounts import _vendor_account

    for a in state.accounts_of(persona.person_id):
        if a.site_id == site.site_id:
            return a
    rng = stream(state.seed, "plot-account", persona.person_id, site.site_id)
    handle = text.handle_variant(rng, persona.base_handle, mode)  # type: ignore[arg-type]
    return _vendor_account(maker, rng, persona, site, 0, (handle, mode))


def prepare(state: WorldState, maker: PeopleMaker) -> dict[str, str]:
    """Pick (or make) the precursor vendor X and the weapons vendor W."""
    rng = stream(state.seed, "plots")
    markets = _live_markets(state)[:2]
    vendors = sorted(state.personas.values(), key=lambda p: p.person_id)
    en = [v for v in vendors if state.person(v.person_id).language == "en"] or vendors
    x = next((v for v in en if "explosives" in v.categories), en[0])
    w = next((v for v in en if "weapons" in v.categories and v is not x), en[-1])
    _ensure_line(rng, x, "explosives")
    _ensure_line(rng, w, "weapons")
    w.cashes_out = True
    _ensure_account(state, maker, x, markets[0], "kept")
    _ensure_account(state, maker, x, markets[-1], "changed")
    _ensure_account(state, maker, w, markets[0], "kept")
    return {"precursor_vendor": x.person_id, "weapons_vendor": w.person_id}


def _plot_listing(state: WorldState, rng: random.Random, acc: Account, category: str) -> Listing:
    for listing in state.listings:
        if (listing.site_id, listing.vendor_handle, listing.category) == (
            acc.site_id,
            acc.handle,
            category,
        ):
            return listing
    persona = state.personas[acc.person_id]
    line = next(ln for ln in persona.lines if ln.category == category)
    lt = text.listing_text(rng, line, persona.style, persona.ships_from, persona.ships_to)
    site = state.site(acc.site_id)
    listing = Listing(
        acc.site_id,
        f"{900000 + len(state.listings)}",
        acc.handle,
        acc.person_id,
        lt.title,
        lt.description,
        lt.category,
        lt.subcategory,
        text.site_category_label(site.software, lt.category, lt.subcategory, "en"),  # type: ignore[arg-type]
        "en",
        round(lt.price_usd, 2),
        lt.quantity,
        persona.ships_from,
        persona.ships_to,
        acc.joined_week,
    )
    state.listings.append(listing)
    return listing


def realise(state: WorldState, actors: dict[str, str]) -> dict[str, Any]:
    """The cell pools donations, mixes them, and its straw buyers buy precursors from X on two
    markets under two handles; W sells weapons parts and cashes out at the exchange."""
    rng = stream(state.seed, "plots-realise")
    mixer = state.sites_of("mixer")[0].site_id
    straw = [p for p in state.persons if p.role == "straw_buyer"]
    x_accounts = [
        a
        for a in state.accounts_of(actors["precursor_vendor"])
        if a.site_id in {m.site_id for m in _live_markets(state)[:2]}
    ]
    t = cell_mix_time(state)
    facts: dict[str, Any] = {"mix": [], "orders": []}
    for i, acc in enumerate(x_accounts[:2]):
        buyer = straw[i % len(straw)]
        listing = _plot_listing(state, rng, acc, "explosives")
        amount = usd_to_sat(listing.price_usd * 3, t)
        facts["mix"].append(
            _pay(
                state,
                t + i * DAY,
                "cell-1",
                buyer.person_id,
                int(amount * 1.1),
                "mixer",
                mixer,
                "cell funds straw buyer",
                release=t + (i + 1) * DAY,
                plot="cell-precursors",
            )
        )
        order_t = t + (i + 3) * DAY
        pid = _pay(
            state,
            order_t,
            buyer.person_id,
            acc.person_id,
            amount,
            "escrow",
            acc.site_id,
            "market order",
            release=order_t + 4 * DAY,
            plot="cell-precursors",
        )
        buyer_acc = next(
            (a for a in state.accounts_of(buyer.person_id) if a.site_id == acc.site_id), None
        )
        state.reviews.append(
            Review(
                acc.site_id,
                listing.listing_id,
                f"r{len(state.reviews) + 1:07d}",
                buyer_acc.handle if buyer_acc else "anonymous",
                buyer.person_id,
                5,
                text.review_text(rng, "en", 5),
                order_t + 6 * DAY,
                pid,
            )
        )
        facts["orders"].append(
            {
                "payment": pid,
                "site": acc.site_id,
                "handle": acc.handle,
                "listing_id": listing.listing_id,
                "buyer": buyer.person_id,
            }
        )
    _weapons_cashout(state, rng, actors["weapons_vendor"], facts)
    return facts


def _weapons_cashout(
    state: WorldState, rng: random.Random, person_id: str, facts: dict[str, Any]
) -> None:
    exchange = state.sites_of("exchange")[0].site_id
    acct = next(a for a in state.exchange_accounts if a.person_id == person_id)
    t = state.week_start(state.weeks - 1) + DAY
    req = state.add_request(
        AddressRequest(
            f"exdep-{acct.account_id}-plot", exchange, "exchange_deposit", counterparty=person_id
        )
    )
    acct.deposit_requests.append(req)
    facts["cashout"] = _pay(
        state,
        t,
        person_id,
        exchange,
        usd_to_sat(4_000, t),
        "exchange_deposit",
        exchange,
        "cash-out",
        to_request=req,
        plot="weapons-cashout",
    )
    facts["cashout_request"] = req
    facts["exchange_account"] = acct.account_id
