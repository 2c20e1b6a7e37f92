"""The world model: what the generator decides before anything is written.

Public content (what sites serve) and truth (who is who) are kept apart on disk; in memory the
generator holds both in these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SiteKind = Literal[
    "market",
    "deaddrop",
    "shop",
    "forum",
    "directory",
    "paste",
    "mixer",
    "exchange",
    "explorer",
    "phishing",
    "hostile",
]
Role = Literal[
    "vendor",
    "buyer",
    "admin",
    "forum_member",
    "financier",
    "straw_buyer",
    "cell_leader",
    "exchange_customer",
    "bystander",
    "victim",
    "mixer_operator",
    "exchange_operator",
]
Fate = Literal["none", "exit_scam", "seizure"]
HandleMode = Literal["kept", "varied", "leet", "cyrillic", "changed"]

CATEGORIES: tuple[str, ...] = (
    "drugs",
    "weapons",
    "explosives",
    "counterfeits",
    "forgeries",
    "fraud",
    "hacking",
    "guides",
    "services",
    "extremism",
    "other",
)
WEEK = 7 * 24 * 3600


@dataclass
class Site:
    site_id: str
    kind: SiteKind
    name: str
    software: str  # market software family: dream, alpha, bazaar, hydra, shop, ...
    language: str
    onion: str  # the main address, full, with ".onion"
    mirrors: list[str] = field(default_factory=list)
    clone_of: str | None = None  # phishing: the site_id it imitates
    opened_week: int = 0
    fate: Fate = "none"
    fate_week: int | None = None
    operator: str | None = None  # person_id (truth only)
    anti_crawl: dict[str, object] = field(default_factory=dict)


@dataclass
class Person:
    person_id: str
    role: Role
    country: str
    city: str
    language: str
    utc_offset: int  # hours; drives activity times
    name: str = ""  # real-world name, known only to a KYC exchange
    crew: str | None = None
    group: str | None = None  # the cell or group a person belongs to


@dataclass
class Account:
    site_id: str
    handle: str
    person_id: str
    role: str  # vendor, buyer, admin, member
    joined_week: int
    handle_mode: HandleMode = "kept"
    pgp_history: list[tuple[int, str]] = field(default_factory=list)  # (from week, fingerprint)
    contacts: dict[str, str] = field(default_factory=dict)
    profile_text: str = ""
    left_week: int | None = None

    def pgp_at(self, week: int) -> str | None:
        """The fingerprint this account shows in a given week."""
        current = None
        for start, fingerprint in self.pgp_history:
            if start <= week:
                current = fingerprint
        return current


@dataclass
class Listing:
    site_id: str
    listing_id: str
    vendor_handle: str
    person_id: str
    title: str
    description: str
    category: str
    subcategory: str
    site_category: str
    language: str
    price_usd: float
    quantity: str
    ships_from: str
    ships_to: str
    posted_week: int
    removed_week: int | None = None
    city: str = ""
    district: str = ""


@dataclass
class Review:
    site_id: str
    listing_id: str
    review_id: str
    buyer_handle: str
    buyer_person_id: str
    rating: int
    text: str
    time: int  # Unix seconds
    payment_id: str | None = None


@dataclass
class Thread:
    site_id: str
    thread_id: str
    subforum: str
    title: str
    author_handle: str
    topic: str
    created: int


@dataclass
class Post:
    site_id: str
    thread_id: str
    post_id: str
    author_handle: str
    person_id: str
    time: int
    text: str


@dataclass
class Paste:
    site_id: str
    paste_id: str
    title: str
    text: str
    author_person_id: str | None
    time: int


@dataclass
class ExchangeAccount:
    site_id: str
    account_id: str
    person_id: str
    name: str
    email: str
    country: str
    opened: int
    deposit_requests: list[str] = field(default_factory=list)  # chain address request ids
