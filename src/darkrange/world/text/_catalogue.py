"""What is for sale: category shares per kind of site, product lines, quantities and prices."""

from __future__ import annotations

import math
import random
from itertools import accumulate

from darkrange.errors import InputError
from darkrange.world.text._calibration import CATEGORY_SHARES, SUBCATEGORY_SHARES
from darkrange.world.text._goods_base import Good, Subcategory
from darkrange.world.text._goods_drugs import DRUGS
from darkrange.world.text._goods_other import (
    COUNTERFEITS,
    EXPLOSIVES,
    EXTREMISM,
    FORGERIES,
    FRAUD,
    GUIDES,
    HACKING,
    OTHER,
    SERVICES,
    WEAPONS,
)
from darkrange.world.text._types import (
    CATEGORIES,
    Category,
    Language,
    PriceHabit,
    ProductLine,
    SiteKind,
)

CATALOGUE: dict[Category, dict[str, Subcategory]] = {
    "drugs": DRUGS,
    "weapons": WEAPONS,
    "explosives": EXPLOSIVES,
    "counterfeits": COUNTERFEITS,
    "forgeries": FORGERIES,
    "fraud": FRAUD,
    "hacking": HACKING,
    "guides": GUIDES,
    "services": SERVICES,
    "extremism": EXTREMISM,
    "other": OTHER,
}

_BY_CATEGORY: dict[str, dict[str, Subcategory]] = {k: v for k, v in CATALOGUE.items()}

# The range exists to train on weapons, explosives and terrorist financing, which Agora barely
# shows (0.9%, 0.03%, none): they get a floor, the rest keeps Agora's proportions.
_MARKET_FLOORS: dict[str, float] = {"weapons": 0.02, "explosives": 0.01, "extremism": 0.005}
_MIN_SHARE = 0.004
# Single-vendor shops specialise where a market cannot host them (not calibrated: estimates
# from the darknet market archives' shop lists).
_SHOP_SHARES: dict[str, float] = {
    "drugs": 0.45, "weapons": 0.08, "explosives": 0.02, "counterfeits": 0.10, "forgeries": 0.08,
    "fraud": 0.15, "hacking": 0.06, "guides": 0.02, "services": 0.02, "extremism": 0.0,
    "other": 0.02,
}  # fmt: skip
# Hydra-style dead-drop markets are almost all drugs (estimate).
_DEAD_DROP_SHARES: dict[str, float] = {
    "drugs": 0.92, "weapons": 0.02, "explosives": 0.01, "counterfeits": 0.0, "forgeries": 0.02,
    "fraud": 0.01, "hacking": 0.0, "guides": 0.0, "services": 0.02, "extremism": 0.0,
    "other": 0.0,
}  # fmt: skip
# Russian-language drug trade leans on cathinones, cannabis and hash (estimate, not Agora).
_RU_DRUG_SHELVES: dict[str, float] = {
    "cathinones": 0.30, "cannabis": 0.20, "hash": 0.12, "stimulants": 0.12, "rcs": 0.08,
    "ecstasy": 0.06, "psychedelics": 0.03, "opioids": 0.04, "dissociatives": 0.01,
    "benzos": 0.01, "prescription": 0.02, "steroids": 0.01,
}  # fmt: skip
# Categories with enough Agora listings (30 or more) to trust their subcategory shares.
_CALIBRATED_SHELVES = ("drugs", "weapons", "fraud", "guides", "other")


def _normalise(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def _market_shares() -> dict[str, float]:
    raw = {c: max(CATEGORY_SHARES.get(c, 0.0), _MIN_SHARE) for c in CATEGORIES}
    floored = {c: max(v, _MARKET_FLOORS.get(c, 0.0)) for c, v in raw.items()}
    # Keep the floors exact: scale only the categories that were not floored.
    fixed = sum(_MARKET_FLOORS.values())
    rest = {c: v for c, v in floored.items() if c not in _MARKET_FLOORS}
    scale = (1.0 - fixed) / sum(rest.values())
    return {c: (_MARKET_FLOORS[c] if c in _MARKET_FLOORS else rest[c] * scale) for c in CATEGORIES}


_SHARES: dict[str, dict[str, float]] = {
    "market": _market_shares(),
    "shop": _normalise(_SHOP_SHARES),
    "dead_drop": _normalise(_DEAD_DROP_SHARES),
}
_CUMULATIVE: dict[str, list[float]] = {
    kind: list(accumulate(shares[c] for c in CATEGORIES)) for kind, shares in _SHARES.items()
}


def category_shares(kind: SiteKind) -> dict[Category, float]:
    """The share of listings per category on a kind of site (what pick_category draws from)."""
    if kind not in _SHARES:
        raise InputError(f"unknown kind of site {kind!r} (market, shop or dead_drop)")
    return {c: _SHARES[kind][c] for c in CATEGORIES}


def pick_category(rng: random.Random, kind: SiteKind) -> Category:
    """A category for a new vendor or listing, Agora-calibrated on markets."""
    if kind not in _CUMULATIVE:
        raise InputError(f"unknown kind of site {kind!r} (market, shop or dead_drop)")
    return rng.choices(CATEGORIES, cum_weights=_CUMULATIVE[kind])[0]


def shelf_shares(category: Category, language: Language) -> dict[str, float]:
    """The share of each subcategory within a category for vendors writing in a language."""
    shelves = _shelves(category)
    if category == "drugs" and language != "en":
        return _normalise({s: _RU_DRUG_SHELVES.get(s, 0.01) for s in shelves})
    if category not in _CALIBRATED_SHELVES:
        return {s: 1.0 / len(shelves) for s in shelves}
    agora = SUBCATEGORY_SHARES.get(category, {})
    floor = 0.5 / len(shelves)  # shelves Agora lacks still appear
    return _normalise({s: max(agora.get(s, 0.0), floor) for s in shelves})


def _shelves(category: str) -> dict[str, Subcategory]:
    shelves = _BY_CATEGORY.get(category)
    if shelves is None:
        raise InputError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    return shelves


def shelf(category: Category, subcategory: str) -> Subcategory:
    """One subcategory of the catalogue; InputError when either is unknown."""
    found = _shelves(category).get(subcategory)
    if found is None:
        raise InputError(f"unknown subcategory {subcategory!r} of {category}")
    return found


def name_of(good: Good, language: Language) -> str:
    return good.en if language == "en" else good.ru if language == "ru" else good.uz


def make_product_line(rng: random.Random, category: Category, language: Language) -> ProductLine:
    """What one vendor sells: a subcategory and one to four of its products."""
    shares = shelf_shares(category, language)
    ids = list(shares)
    sub = rng.choices(ids, weights=[shares[s] for s in ids])[0]
    goods = _shelves(category)[sub].goods
    count = rng.randint(1, min(4, len(goods)))
    picked = rng.sample(range(len(goods)), count)
    return ProductLine(category, sub, tuple(name_of(goods[i], language) for i in sorted(picked)))


# (category, subcategory, product name in any language) -> the good.
_BY_NAME: dict[tuple[str, str, str], Good] = {
    (c, s, name): g
    for c, shelves in CATALOGUE.items()
    for s, sub in shelves.items()
    for g in sub.goods
    for name in (g.en, g.ru, g.uz)
}


def good_for(line: ProductLine, product: str) -> Good:
    """The catalogue entry behind a product name; a name of the caller's own is priced like the
    shelf's first good."""
    found = _BY_NAME.get((line.category, line.subcategory, product))
    if found is not None:
        return found
    return (
        shelf(line.category, line.subcategory).goods[0]._replace(en=product, ru=product, uz=product)
    )


def pick_quantity(rng: random.Random, good: Good, retail: bool = False) -> float:
    """A quantity from the good's ladder, small ones more often (retail drops keep to the low
    rungs)."""
    ladder = good.quantities
    if retail:
        ladder = tuple(q for q in ladder if q <= ladder[0] * 10) or ladder[:1]
    # u ** 1.6 leans toward the low rungs: most listings are retail, a tail is wholesale.
    return ladder[int(len(ladder) * rng.random() ** 1.6)]


def price_usd(rng: random.Random, good: Good, quantity: float, habit: PriceHabit) -> float:
    """A street price for the quantity, with the vendor's pricing habit applied."""
    raw = good.price * math.pow(quantity, good.bulk) * math.exp(rng.gauss(0.0, 0.15))
    if habit == "cents":
        return round(max(raw, 0.5), 2)
    if habit == "ninety_nine":
        return max(round(raw) - 0.01, 0.99)
    step = 1 if raw < 20 else 5 if raw < 500 else 50
    return float(max(step, round(raw / step) * step))


def format_quantity(quantity: float) -> str:
    """'3.5', '1', '0.5': no trailing '.0'."""
    return f"{quantity:g}"


def product_line_in(line: ProductLine, language: Language) -> ProductLine:
    """The same product line in another language (a vendor listing on a site of another
    language keeps its products); names the catalogue does not know stay as they are."""
    names = []
    for product in line.products:
        good = _BY_NAME.get((line.category, line.subcategory, product))
        names.append(name_of(good, language) if good is not None else product)
    return ProductLine(line.category, line.subcategory, tuple(names))
