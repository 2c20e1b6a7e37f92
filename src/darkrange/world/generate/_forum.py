"""The forum (threads and posts), the paste site, the link directory and market canaries."""

from __future__ import annotations

import datetime as dt
import random

from darkrange.world import text
from darkrange.world.chain.spec import AddressRequest
from darkrange.world.generate._state import WorldState
from darkrange.world.keys import clearsign, pgp_key
from darkrange.world.model import WEEK, Account, Paste, Post, Site, Thread
from darkrange.world.rand import derive_seed, stream

SUBFORUMS = {
    "en": {
        "market_review": "Markets",
        "vendor_thread": "Vendors",
        "scam_report": "Scams",
        "opsec": "OPSEC",
        "migration": "Migration",
        "general": "General",
        "extremist": "Brotherhood",
        "donation": "Brotherhood",
    },
    "ru": {
        "market_review": "Площадки",
        "vendor_thread": "Продавцы",
        "scam_report": "Кидалы",
        "opsec": "Безопасность",
        "migration": "Переезд",
        "general": "Общение",
        "extremist": "Братство",
        "donation": "Братство",
    },
}
TOPIC_WEIGHTS = (
    ("market_review", 18),
    ("vendor_thread", 30),
    ("scam_report", 10),
    ("opsec", 10),
    ("migration", 6),
    ("general", 20),
    ("extremist", 6),
)


def addr_token(request_id: str) -> str:
    """Text mentions an address before the chain exists; the writer fills these in."""
    return "{{addr:" + request_id + "}}"


def _post_time(state: WorldState, rng: random.Random, week: int, person_id: str) -> int:
    """People post in their own waking hours: activity times betray a time zone."""
    offset = state.person(person_id).utc_offset
    local_hour = rng.choice((10, 12, 14, 16, 18, 19, 20, 21, 22, 23))
    day = rng.randint(0, 6)
    return (
        state.week_start(week)
        + day * 86400
        + ((local_hour - offset) % 24) * 3600
        + rng.randint(0, 3599)
    )


def build_forum(state: WorldState, donation_requests: list[str]) -> None:
    rng = stream(state.seed, "forum")
    for forum in state.sites_of("forum"):
        members = [a for a in state.accounts if a.site_id == forum.site_id]
        if members:
            _forum_threads(state, rng, forum, members, donation_requests)


def _forum_threads(
    state: WorldState,
    rng: random.Random,
    forum: Site,
    members: list[Account],
    donation_requests: list[str],
) -> None:
    lang = forum.language
    names = SUBFORUMS["ru" if lang == "ru" else "en"]
    vendors = [a for a in members if a.role == "vendor"]
    cell = [a for a in members if state.person(a.person_id).group]
    ordinary = [a for a in members if a.role in ("member", "admin")] or members
    markets = state.sites_of("market", "deaddrop")
    closed = [m for m in markets if m.fate != "none"]
    n_threads = max(8, state.size.threads // len(state.sites_of("forum")))
    topics = [t for t, _ in TOPIC_WEIGHTS]
    weights = [w for _, w in TOPIC_WEIGHTS]
    for i in range(n_threads):
        topic = "donation" if i == 0 and cell else rng.choices(topics, weights)[0]
        if (topic in ("extremist", "donation") and not cell) or (
            topic == "migration" and not closed
        ):
            topic = "general"
        author, subject, week = _thread_subject(
            state, rng, topic, vendors, cell, ordinary, markets, closed, lang
        )
        if topic == "donation":
            body = text.donation_appeal(
                rng,
                lang,  # type: ignore[arg-type]
                subject,
                [addr_token(r) for r in donation_requests],
            )
        else:
            body = ""
        _thread(
            state,
            rng,
            forum,
            f"t{i + 1:05d}",
            names[topic],
            topic,
            author,
            subject,
            week,
            body,
            ordinary + vendors,
        )


GROUP = {"en": "Brotherhood of the Steppe", "ru": "Братство Степи"}
GENERAL = {
    "en": ("PGP", "Tails", "Tor Browser", "Monero", "mirrors", "the weekend", "BTC fees"),
    "ru": ("PGP", "Tails", "Tor", "Monero", "зеркала", "курс биткоина", "выходные"),
}


def _thread_subject(
    state: WorldState,
    rng: random.Random,
    topic: str,
    vendors: list[Account],
    cell: list[Account],
    ordinary: list[Account],
    markets: list[Site],
    closed: list[Site],
    lang: str = "en",
) -> tuple[Account, str, int]:
    """Who opens a thread on a topic, about what, and in which week (every title has a subject)."""
    weeks = state.weeks
    lang = "ru" if lang == "ru" else "en"
    if topic == "vendor_thread" and vendors:
        a = rng.choice(vendors)
        return a, a.handle, rng.randint(a.joined_week, weeks - 1)
    if topic in ("extremist", "donation") and cell:
        author = cell[0] if topic == "donation" else rng.choice(cell)
        return author, GROUP[lang], rng.randint(0, weeks - 1)
    if topic == "migration" and closed:
        m = rng.choice(closed)
        return rng.choice(ordinary), m.name, min(weeks - 1, (m.fate_week or 0) + rng.randint(0, 1))
    scammed = [m for m in closed if m.fate == "exit_scam" and m.fate_week is not None]
    if topic == "scam_report" and scammed:
        # scam reports follow an exit scam, never precede it
        m = rng.choice(scammed)
        week = rng.randint(min(weeks - 1, m.fate_week or 0), weeks - 1)
        return rng.choice(ordinary), m.name, week
    if topic in ("market_review", "scam_report") and markets:
        m = rng.choice(markets)
        return rng.choice(ordinary), m.name, rng.randint(0, weeks - 1)
    return rng.choice(ordinary), rng.choice(GENERAL[lang]), rng.randint(0, weeks - 1)


def _thread(
    state: WorldState,
    rng: random.Random,
    forum: Site,
    thread_id: str,
    subforum: str,
    topic: str,
    author: Account,
    subject: str,
    week: int,
    first_body: str,
    repliers: list[Account],
) -> None:
    lang = forum.language
    created = _post_time(state, rng, week, author.person_id)
    title = text.forum_thread_title(rng, topic, lang, subject)  # type: ignore[arg-type]
    state.threads.append(
        Thread(forum.site_id, thread_id, subforum, title, author.handle, topic, created)
    )
    lo, hi = state.size.posts_per_thread
    posters = [author] + [rng.choice(repliers) for _ in range(rng.randint(lo, hi) - 1)]
    t = created
    for j, poster in enumerate(posters):
        style = _style(state, poster, lang)
        body = first_body if j == 0 and first_body else text.forum_post(rng, topic, style, subject)  # type: ignore[arg-type]
        if j:
            t = max(
                t + 600,
                _post_time(state, rng, min(state.weeks - 1, week + j // 4), poster.person_id),
            )
        state.posts.append(
            Post(
                forum.site_id,
                thread_id,
                f"{thread_id}-{j + 1}",
                poster.handle,
                poster.person_id,
                t,
                body,
            )
        )


def _style(state: WorldState, account: Account, lang: str) -> text.Style:
    persona = state.personas.get(account.person_id)
    if persona is not None:
        return persona.style
    rng = stream(state.seed, "member-style", account.person_id)
    return text.make_style(rng, lang, role="member")  # type: ignore[arg-type]


def cell_donation_requests(state: WorldState) -> list[str]:
    return [
        state.add_request(AddressRequest(f"donation-{i + 1}", "cell-1", "donation"))
        for i in range(2)
    ]


def build_pastes_and_directory(state: WorldState) -> None:
    rng = stream(state.seed, "pastes")
    paste = state.sites_of("paste")[0]
    t0 = state.week_start(0)
    onions = []
    for site in state.sites:
        label = site.name if site.kind != "phishing" else f"{site.name} (mirror)"
        for onion in [site.onion, *site.mirrors]:
            state.directory.append({"name": label, "onion": onion, "kind": site.kind})
            onions.append(f"{label}: http://{onion}/")
    _paste(
        state, paste, "Working links", text.paste_text(rng, "links", "en", onions[:40]), None, t0
    )
    vendors = [a for a in state.accounts if a.role == "vendor" and a.contacts]
    for a in rng.sample(vendors, k=min(len(vendors), max(3, len(vendors) // 10))):
        items = [f"{k}: {v}" for k, v in sorted(a.contacts.items())]
        fp = a.pgp_at(state.weeks)
        if fp:
            items.append(state.pgp_keys[fp].armored)
        _paste(
            state,
            paste,
            f"{a.handle} contacts",
            text.paste_text(rng, "contacts", "en", items),
            a.person_id,
            state.week_start(rng.randint(0, state.weeks - 1)),
        )
    victims = [p for p in state.persons if p.role == "victim"]
    if victims:
        items = [f"{p.name} {p.country}" for p in victims]
        _paste(
            state,
            paste,
            "fresh fullz sample",
            text.paste_text(rng, "contacts", "en", items),
            None,
            state.week_start(rng.randint(0, state.weeks - 1)),
        )


def _paste(
    state: WorldState, site: Site, title: str, body: str, author: str | None, t: int
) -> None:
    state.pastes.append(Paste(site.site_id, f"{len(state.pastes) + 1:06x}", title, body, author, t))


def build_canaries(state: WorldState) -> None:
    rng = stream(state.seed, "canaries")
    for site in state.sites_of("market", "deaddrop"):
        if site.operator is None:
            continue
        key = pgp_key(
            derive_seed(state.seed, "pgp-admin", site.site_id),
            [f"{site.name} staff <admin@{site.onion}>"],
            state.week_start(0) - 200 * 86400,
        )
        state.pgp_keys[key.fingerprint] = key
        state.key_owners[key.fingerprint] = [site.operator]
        when = state.week_start(0) + rng.randint(0, 6) * 86400
        date = dt.datetime.fromtimestamp(when, dt.UTC).strftime("%Y-%m-%d")
        state.canaries[site.site_id] = clearsign(key, text.canary_text(rng, site.name, date), when)


__all__ = [
    "WEEK",
    "addr_token",
    "build_canaries",
    "build_forum",
    "build_pastes_and_directory",
    "cell_donation_requests",
]
