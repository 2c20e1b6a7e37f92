"""Where everyone has an account: vendors on markets, shops and the forum (with migrations after an
exit scam), buyers, admins, forum members, the cell, exchange customers, bystanders, victims."""

from __future__ import annotations

import random

from darkrange.world import text
from darkrange.world.generate._people import PeopleMaker
from darkrange.world.generate._state import Persona, WorldState
from darkrange.world.model import Account, ExchangeAccount, Person, Site
from darkrange.world.rand import stream


def _pgp_history(persona: Persona, joined: int) -> list[tuple[int, str]]:
    history = [(joined, persona.keys[0].fingerprint)]
    if len(persona.keys) > 1 and persona.rotation_week is not None:
        history.append((max(joined, persona.rotation_week), persona.keys[1].fingerprint))
    return history


def _shown_contacts(rng: random.Random, persona: Persona) -> dict[str, str]:
    keys = sorted(persona.contacts)
    chosen = rng.sample(keys, k=min(len(keys), rng.randint(1, 3)))
    return {k: persona.contacts[k] for k in sorted(chosen)}


def _vendor_account(
    maker: PeopleMaker,
    rng: random.Random,
    persona: Persona,
    site: Site,
    week: int,
    mode_handle: tuple[str, str] | None = None,
) -> Account:
    person = maker.state.person(persona.person_id)
    handle, mode = mode_handle or maker.handle_for(persona, person)
    acc = maker.account(site.site_id, handle, person, "vendor", week, mode)
    acc.pgp_history = _pgp_history(persona, week)
    acc.contacts = _shown_contacts(rng, persona)
    acc.profile_text = text.vendor_profile_text(
        rng, persona.style, persona.ships_from, persona.ships_to
    )
    return acc


def place_vendors(state: WorldState, maker: PeopleMaker) -> None:
    rng = stream(state.seed, "placement")
    markets = state.sites_of("market")
    live_after = [m for m in markets if m.fate == "none"] or markets
    deaddrop = state.sites_of("deaddrop")
    shops = list(state.sites_of("shop"))
    forum = state.sites_of("forum")
    for persona in state.personas.values():
        person = state.person(persona.person_id)
        dead = person.language != "en" and deaddrop and rng.random() < 0.6
        chosen: list[Site] = list(deaddrop) if dead else []
        if not dead or rng.random() < 0.3:
            chosen += rng.sample(markets, k=min(len(markets), rng.choice((1, 1, 2, 2, 3))))
        if shops and rng.random() < 0.15:
            shop = shops.pop(0)
            shop.operator = persona.person_id
            chosen.append(shop)
        for site in chosen:
            joined = 0 if rng.random() < 0.6 else rng.randint(0, max(0, state.weeks - 2))
            if site.fate_week is not None and joined >= site.fate_week:
                joined = 0
            acc = _vendor_account(maker, rng, persona, site, joined)
            if site.fate != "none" and site.fate_week is not None:
                acc.left_week = site.fate_week
                _migrate(state, maker, rng, persona, site, live_after)
        if forum and rng.random() < 0.55:
            f = forum[0] if person.language == "en" or len(forum) == 1 else forum[-1]
            acc = maker.account(f.site_id, persona.base_handle, person, "vendor", 0, "kept")
            acc.pgp_history = _pgp_history(persona, 0)
    for shop in shops:  # shops nobody took go to the vendors with the longest product lines
        owner = max(state.personas.values(), key=lambda p: (len(p.lines), p.person_id))
        shop.operator = owner.person_id
        _vendor_account(maker, rng, owner, shop, 0)


def _migrate(
    state: WorldState,
    maker: PeopleMaker,
    rng: random.Random,
    persona: Persona,
    closed: Site,
    targets: list[Site],
) -> None:
    """After a closure most vendors move within days; their handles may change on the way."""
    if rng.random() > 0.8 or closed.fate_week is None:
        return
    have = {a.site_id for a in state.accounts_of(persona.person_id)}
    options = [t for t in targets if t.site_id not in have and t.site_id != closed.site_id]
    if not options:
        return
    week = min(state.weeks - 1, closed.fate_week + rng.choice((0, 0, 1)))
    _vendor_account(maker, rng, persona, rng.choice(options), week)


def build_buyers(state: WorldState, maker: PeopleMaker) -> list[Person]:
    rng = stream(state.seed, "buyers")
    markets = state.sites_of("market", "deaddrop")
    buyers = []
    for _ in range(state.size.buyers):
        p = maker.person("buyer", rng.choice(("europe", "central_asia", "any")))
        base = text.handle(rng)
        for site in rng.sample(markets, k=min(len(markets), rng.choice((1, 1, 2, 3)))):
            if site.kind == "deaddrop" and p.language == "en":
                continue
            maker.account(site.site_id, base, p, "buyer", rng.randint(0, max(0, state.weeks - 2)))
        buyers.append(p)
    return buyers


def build_staff(state: WorldState, maker: PeopleMaker) -> None:
    """Admins of markets, forum and paste site, the mixer's and the exchange's operators."""
    rng = stream(state.seed, "staff")
    for site in state.sites_of("market", "deaddrop", "forum"):
        p = maker.person("admin", "any", language=site.language)
        site.operator = p.person_id
        maker.account(site.site_id, text.handle(rng), p, "admin", 0)
    for kind, role in (("mixer", "mixer_operator"), ("exchange", "exchange_operator")):
        for site in state.sites_of(kind):
            site.operator = maker.person(role, "any").person_id


def build_forum_members(state: WorldState, maker: PeopleMaker) -> None:
    rng = stream(state.seed, "members")
    forums = state.sites_of("forum")
    for i in range(state.size.forum_members):
        f = forums[i % len(forums)]
        p = maker.person("forum_member", "any", language=f.language)
        maker.account(f.site_id, text.handle(rng), p, "member", rng.randint(0, state.weeks - 1))


def build_cell(state: WorldState, maker: PeopleMaker) -> dict[str, Person]:
    """A small cell: a leader posting appeals, a financier, two straw buyers."""
    rng = stream(state.seed, "cell")
    forum = state.sites_of("forum")[0]
    markets = [m for m in state.sites_of("market") if m.fate == "none"] or state.sites_of("market")
    cell = {
        "leader": maker.person("cell_leader", "central_asia", language="ru"),
        "financier": maker.person("financier", "central_asia", language="ru"),
        "straw1": maker.person("straw_buyer", "central_asia", language="ru"),
        "straw2": maker.person("straw_buyer", "europe", language="en"),
    }
    for p in cell.values():
        p.group = "cell-1"
    maker.account(forum.site_id, text.handle(rng), cell["leader"], "member", 0)
    maker.account(forum.site_id, text.handle(rng), cell["financier"], "member", 0)
    for key in ("straw1", "straw2"):
        for site in markets[:2]:
            maker.account(site.site_id, text.handle(rng), cell[key], "buyer", 0)
    return cell


def build_exchange_customers(
    state: WorldState, maker: PeopleMaker, cell: dict[str, Person], buyers: list[Person]
) -> None:
    rng = stream(state.seed, "exchange")
    exchange = state.sites_of("exchange")[0]
    customers: list[Person] = [
        state.person(p.person_id) for p in state.personas.values() if p.cashes_out
    ]
    customers += [cell["financier"], cell["straw1"]]
    customers += buyers[: max(1, len(buyers) // 3)]
    for _ in range(state.size.bystanders):
        customers.append(maker.person("exchange_customer", "any"))
    for i, p in enumerate(customers):
        email_user = text.handle(rng).lower().replace(" ", "")
        acct = ExchangeAccount(
            site_id=exchange.site_id,
            account_id=f"EX-{100000 + i * 7 + rng.randint(0, 6)}",
            person_id=p.person_id,
            name=p.name,
            email=f"{email_user}@{rng.choice(('protonmail.com', 'mail.ru', 'gmail.com'))}",
            country=p.country,
            opened=state.week_start(0) - rng.randint(10, 700) * 86400,
        )
        state.exchange_accounts.append(acct)


def build_bystanders(state: WorldState, maker: PeopleMaker) -> None:
    for _ in range(max(2, state.size.bystanders // 4)):
        maker.person("victim", "any")
    for _ in range(max(2, state.size.bystanders // 4)):
        maker.person("bystander", "any")
