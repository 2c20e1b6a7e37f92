"""The shapes the text generator hands to the world generator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Category = Literal[
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
]
Language = Literal["en", "ru", "uz"]
SiteKind = Literal["market", "shop", "dead_drop"]
Role = Literal["vendor", "buyer", "member"]
Caps = Literal["normal", "lower", "upper_titles"]
PriceHabit = Literal["round", "ninety_nine", "cents"]
ForumTopic = Literal[
    "market_review",
    "vendor_thread",
    "scam_report",
    "opsec",
    "migration",
    "general",
    "extremist",
    "donation",
]
PasteKind = Literal["links", "contacts", "canary", "announcement"]
VariantMode = Literal["kept", "varied", "leet", "cyrillic", "changed"]
Region = Literal["central_asia", "europe", "any"]
Software = Literal["dream", "alpha", "bazaar", "hydra", "shop"]

CATEGORIES: tuple[Category, ...] = get_args(Category)
LANGUAGES: tuple[Language, ...] = get_args(Language)
FORUM_TOPICS: tuple[ForumTopic, ...] = get_args(ForumTopic)
SOFTWARE: tuple[Software, ...] = get_args(Software)


@dataclass(frozen=True)
class Style:
    """A persona's writing habits, stable across everything it writes (what linking exploits)."""

    language: Language
    phrases: tuple[str, ...]
    emoji: tuple[str, ...]
    typo_rate: float
    caps: Caps
    exclamations: int
    signoff: str
    # Vendors price the same way everywhere ($49.99 or $50 or $47.35); defaulted so the
    # dataclass still builds from the seven fields the brief names.
    price_habit: PriceHabit = "round"


@dataclass(frozen=True)
class ProductLine:
    """What a vendor sells: one subcategory and the products in it, in the vendor's language."""

    category: Category
    subcategory: str
    products: tuple[str, ...]


@dataclass(frozen=True)
class ListingText:
    """The words of one listing, with the numbers the site shows beside them."""

    title: str
    description: str
    category: Category
    subcategory: str
    price_usd: float
    quantity: str
    unit: str
    language: Language
