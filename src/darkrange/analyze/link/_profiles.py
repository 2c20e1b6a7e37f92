"""Accounts (site, handle) and everything the records say about each: keys, contacts,
addresses, texts, products, prices, shipping, activity times and when it was seen."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from darkrange.analyze.link._pgp import read_key
from darkrange.analyze.link._records import (
    Columns,
    check_records,
    first_pointer,
    read_columns,
    when,
)
from darkrange.extract import find_selectors

__all__ = ["AccountKey", "Profile", "load_profiles"]

AccountKey = tuple[str, str]  # (site onion, handle as shown)
_CONTACT_KINDS = frozenset({"xmpp", "telegram", "session", "wickr", "email", "signal", "threema"})
_MAX_TEXT = 4000  # characters of text kept per account: enough for style, and bounded


@dataclass
class Profile:
    site: str
    handle: str
    site_name: str = ""
    roles: set[str] = field(default_factory=set)
    fingerprints: set[str] = field(default_factory=set)
    certifiers: set[str] = field(default_factory=set)
    contacts: set[tuple[str, str]] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    prices: list[float] = field(default_factory=list)
    ships_from: Counter[str] = field(default_factory=Counter)
    times: list[datetime] = field(default_factory=list)
    seen: list[datetime] = field(default_factory=list)
    joined: datetime | None = None
    pointer: dict[str, Any] = field(default_factory=dict)
    text_size: int = 0

    @property
    def key(self) -> AccountKey:
        return (self.site, self.handle)

    def add_text(self, text: str | None) -> None:
        if text and self.text_size < _MAX_TEXT:
            piece = text[: _MAX_TEXT - self.text_size]
            self.texts.append(piece)
            self.text_size += len(piece)

    def log_price(self) -> float | None:
        return statistics.median(self.prices) if self.prices else None

    def country(self) -> str | None:
        return self.ships_from.most_common(1)[0][0] if self.ships_from else None


Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    return None


def load_profiles(folder: Path, progress: Progress = _noop) -> dict[AccountKey, Profile]:
    """Every account the records name, with what they say about it."""
    check_records(folder)
    profiles: dict[AccountKey, Profile] = {}
    progress("vendors", 0, 4)
    _vendors(folder, profiles)
    progress("listings", 1, 4)
    _listings(folder, profiles)
    progress("posts", 2, 4)
    _forum(folder, profiles)
    progress("selectors", 3, 4)
    for prof in profiles.values():  # one scan per account: per-row calls cost more than text
        _selectors(prof, "\n".join(prof.texts))
    progress("accounts", 4, 4)
    return profiles


class _Rows:
    """The accounts a record kind names, row by row, read column-wise."""

    def __init__(self, profiles: dict[AccountKey, Profile], table: Columns, who: str) -> None:
        self.profiles, self.table = profiles, table
        self.sites, self.names, self.who = table["site"], table["site_name"], table[who]
        self.latest = table.latest_captures()
        self.pointers = table.pointer_counts()

    def get(self, i: int) -> Profile | None:
        handle, site = self.who[i], self.sites[i]
        if not handle or not site:
            return None
        key = (str(site), str(handle))
        prof = self.profiles.get(key)
        if prof is None:
            prof = self.profiles[key] = Profile(site=key[0], handle=key[1])
        if not prof.site_name and self.names[i]:
            prof.site_name = str(self.names[i])
        latest = self.latest[i]
        if latest is not None:  # only the latest capture of an account is ever used
            prof.seen.append(latest)
        if not prof.pointer and self.pointers[i]:
            prof.pointer = first_pointer(self.table.row(i, ["pointers"]))
        return prof


_VENDOR_COLUMNS = [
    "site",
    "site_name",
    "handle",
    "role",
    "joined",
    "terms",
    "pgp_armored",
    "pgp_fingerprint",
    "contacts",
    "pointers",
]


def _vendors(folder: Path, profiles: dict[AccountKey, Profile]) -> None:
    table = read_columns(folder, "vendors", _VENDOR_COLUMNS)
    rows = _Rows(profiles, table, "handle")
    role, fingerprint, armored = table["role"], table["pgp_fingerprint"], table["pgp_armored"]
    contacts, joined_at, terms = table["contacts"], table["joined"], table["terms"]
    for i in range(table.rows):
        prof = rows.get(i)
        if prof is None:
            continue
        prof.roles.add(str(role[i] or "vendor"))
        if fingerprint[i]:
            prof.fingerprints.add(str(fingerprint[i]).upper().replace(" ", ""))
        if armored[i]:
            facts = read_key(str(armored[i]))
            if facts is not None:
                prof.fingerprints.update(facts.fingerprints)
                prof.certifiers.update(facts.certifiers)
        for contact in contacts[i] or []:
            if isinstance(contact, dict) and contact.get("kind") in _CONTACT_KINDS:
                prof.contacts.add((str(contact["kind"]), str(contact["value"]).lower()))
        joined = when(joined_at[i])
        if joined is not None:
            prof.joined = joined if prof.joined is None else min(prof.joined, joined)
        prof.add_text(terms[i])


def _selectors(prof: Profile, text: str | None) -> None:
    """Contacts and Bitcoin addresses written in free text (terms, descriptions, posts)."""
    if not text:
        return
    for s in find_selectors(text):
        if not s.valid:
            continue
        if s.kind in _CONTACT_KINDS:
            prof.contacts.add((s.kind, s.normalized))
        elif s.kind == "btc":
            prof.addresses.add(s.normalized)


# No pointers: a vendor's own record says when it was seen, and listings are many.
_LISTING_COLUMNS = [
    "site",
    "site_name",
    "vendor",
    "title",
    "description",
    "price",
    "currency",
    "prices",
    "ships_from",
]


def _usd(price: Any, currency: Any, prices: Any) -> float | None:
    if price is not None and (currency or "USD") == "USD":
        return float(price)
    for p in prices or []:
        if isinstance(p, dict) and p.get("currency") == "USD":
            return float(p["amount"])
    return None


def _listings(folder: Path, profiles: dict[AccountKey, Profile]) -> None:
    table = read_columns(folder, "listings", _LISTING_COLUMNS)
    rows = _Rows(profiles, table, "vendor")
    title, description, ships = table["title"], table["description"], table["ships_from"]
    price, currency, prices = table["price"], table["currency"], table["prices"]
    for i in range(table.rows):
        prof = rows.get(i)
        if prof is None:
            continue
        prof.roles.add("vendor")
        if title[i]:
            prof.titles.append(str(title[i]))
        usd = _usd(price[i], currency[i], prices[i])
        if usd is not None and usd > 0:
            prof.prices.append(math.log(usd))
        if ships[i]:
            prof.ships_from[str(ships[i]).strip().lower()] += 1
        if prof.text_size < _MAX_TEXT:
            prof.add_text(description[i])


def _forum(folder: Path, profiles: dict[AccountKey, Profile]) -> None:
    threads = read_columns(folder, "threads", ["site", "site_name", "author", "created", "title"])
    rows = _Rows(profiles, threads, "author")
    created = threads["created"]
    for i in range(threads.rows):
        prof = rows.get(i)
        if prof is not None:
            at = when(created[i])
            if at is not None:
                prof.times.append(at)
    posts = read_columns(
        folder, "posts", ["site", "site_name", "author", "time", "text", "pointers"]
    )
    rows = _Rows(profiles, posts, "author")
    posted_at, text = posts["time"], posts["text"]
    for i in range(posts.rows):
        prof = rows.get(i)
        if prof is None:
            continue
        posted = when(posted_at[i])
        if posted is not None:
            prof.times.append(posted)
        prof.add_text(text[i])
