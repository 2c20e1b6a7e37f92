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
from darkrange.analyze.link._records import captures, check_records, first_pointer, read_kind, when
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

    def get(row: dict[str, Any], handle: str | None) -> Profile | None:
        if not handle or not row.get("site"):
            return None
        key = (str(row["site"]), str(handle))
        prof = profiles.get(key)
        if prof is None:
            prof = profiles[key] = Profile(site=key[0], handle=key[1])
        if not prof.site_name and row.get("site_name"):
            prof.site_name = str(row["site_name"])
        prof.seen.extend(captures(row))
        if not prof.pointer:
            prof.pointer = first_pointer(row)
        return prof

    progress("vendors", 0, 4)
    _vendors(folder, get)
    progress("listings", 1, 4)
    _listings(folder, get)
    progress("posts", 2, 4)
    _forum(folder, get)
    progress("selectors", 3, 4)
    for prof in profiles.values():  # one scan per account: per-row calls cost more than text
        _selectors(prof, "\n".join(prof.texts))
    progress("accounts", 4, 4)
    return profiles


_Get = Callable[[dict[str, Any], str | None], Profile | None]
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


def _vendors(folder: Path, get: _Get) -> None:
    for row in read_kind(folder, "vendors", _VENDOR_COLUMNS):
        prof = get(row, row["handle"])
        if prof is None:
            continue
        prof.roles.add(str(row["role"] or "vendor"))
        if row["pgp_fingerprint"]:
            prof.fingerprints.add(str(row["pgp_fingerprint"]).upper().replace(" ", ""))
        if row["pgp_armored"]:
            facts = read_key(str(row["pgp_armored"]))
            if facts is not None:
                prof.fingerprints.update(facts.fingerprints)
                prof.certifiers.update(facts.certifiers)
        for contact in row["contacts"] or []:
            if isinstance(contact, dict) and contact.get("kind") in _CONTACT_KINDS:
                prof.contacts.add((str(contact["kind"]), str(contact["value"]).lower()))
        joined = when(row["joined"])
        if joined is not None:
            prof.joined = joined if prof.joined is None else min(prof.joined, joined)
        prof.add_text(row["terms"])


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


def _usd(row: dict[str, Any]) -> float | None:
    if row["price"] is not None and (row["currency"] or "USD") == "USD":
        return float(row["price"])
    for price in row["prices"] or []:
        if isinstance(price, dict) and price.get("currency") == "USD":
            return float(price["amount"])
    return None


def _listings(folder: Path, get: _Get) -> None:
    for row in read_kind(folder, "listings", _LISTING_COLUMNS):
        prof = get(row, row["vendor"])
        if prof is None:
            continue
        prof.roles.add("vendor")
        if row["title"]:
            prof.titles.append(str(row["title"]))
        price = _usd(row)
        if price is not None and price > 0:
            prof.prices.append(math.log(price))
        if row["ships_from"]:
            prof.ships_from[str(row["ships_from"]).strip().lower()] += 1
        prof.add_text(row["description"])


def _forum(folder: Path, get: _Get) -> None:
    for row in read_kind(folder, "threads", ["site", "site_name", "author", "created", "title"]):
        prof = get(row, row["author"])
        if prof is not None:
            created = when(row["created"])
            if created is not None:
                prof.times.append(created)
    columns = ["site", "site_name", "author", "time", "text", "pointers"]
    for row in read_kind(folder, "posts", columns):
        prof = get(row, row["author"])
        if prof is None:
            continue
        posted = when(row["time"])
        if posted is not None:
            prof.times.append(posted)
        prof.add_text(row["text"])
