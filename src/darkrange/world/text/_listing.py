"""Listings, as markets and dead-drop shops show them: title shapes after Agora's, descriptions
at catalogue level (product, quantity, condition, shipping, stealth, terms)."""

from __future__ import annotations

import random

from darkrange.errors import InputError
from darkrange.world.text._book import BOOK
from darkrange.world.text._calibration import DESCRIPTION_SHARE, TITLE_FEATURES
from darkrange.world.text._catalogue import (
    format_quantity,
    good_for,
    pick_quantity,
    price_usd,
    shelf,
)
from darkrange.world.text._geo import city_name, country_name, district_name
from darkrange.world.text._goods_base import UNITS, Good
from darkrange.world.text._style import apply_style, style_title
from darkrange.world.text._types import Language, ListingText, ProductLine, Style

_MASS = frozenset(("g", "kg", "ml", "l"))
_LANG_INDEX = {"en": 0, "ru": 1, "uz": 2}
_F = TITLE_FEATURES
# Share of counted goods ("25 x ...", "(25) ...") titled quantity first; with mass goods at 80%
# and the decorations, titles land on Agora's 50% quantity-first (see the title test).
_COUNTED_FIRST = 0.6


def unit_label(unit: str, language: Language) -> str:
    """A unit code ('g', 'pcs', 'month') as a listing in the language writes it."""
    return UNITS[unit][_LANG_INDEX[language]]


def quantity_text(quantity: float, unit: str, language: Language, tight: bool = False) -> str:
    """'3.5g', '3,5 г', '10 tabs': Russian and Uzbek write a decimal comma."""
    number = format_quantity(quantity)
    if language != "en":
        number = number.replace(".", ",")
    sep = "" if tight and unit in _MASS else " "
    label = (
        "pc" if quantity == 1 and unit == "pcs" and language == "en" else unit_label(unit, language)
    )
    return f"{number}{sep}{label}"


def _counted_title(
    rng: random.Random, name: str, quantity: float, unit: str, lang: Language
) -> str:
    n = format_quantity(quantity)
    if unit in ("month", "hour"):
        return f"{name} - {quantity_text(quantity, unit, lang)}"
    if quantity == 1 and unit == "pcs":
        return name
    if name[:1].isdigit():  # "50 9x19 FMJ" reads badly: name the unit
        return rng.choice((f"{quantity_text(quantity, unit, lang)} {name}", f"{name} x{n}"))
    counted = quantity_text(quantity, unit, lang)
    if rng.random() < _COUNTED_FIRST:
        return rng.choice(
            (f"{n} x {name}", f"{n}x {name}", f"({n}) {name}", f"{n} {name}", f"{counted} {name}")
        )
    return rng.choice((f"{name} x{n}", f"{name} - {counted}", f"{name} ({counted})"))


def _mass_title(rng: random.Random, name: str, quantity: float, unit: str, lang: Language) -> str:
    qty = quantity_text(quantity, unit, lang, tight=rng.random() < 0.7)
    # Agora's quantity-first share is over all titles; counted goods and decorations dilute it.
    first = 0.8 if lang == "en" else 0.2  # Russian shops put the product first
    if rng.random() < first:
        return f"{qty} {name}"
    return rng.choice((f"{name} {qty}", f"{name} - {qty}", f"{name} | {qty}", f"{name} ({qty})"))


def _decorate(
    rng: random.Random, title: str, name: str, lang: Language, bulk: bool, src: str, digital: bool
) -> str:
    """Agora's title habits, each near its measured rate: quality tags, (notes), selling
    points, FREE SHIPPING, origin, [ESCROW], ** stars **."""
    if rng.random() < 0.3:
        # Right before the product: "14g HIGHGRADE Ketama hash", "Premium Ketama hash 14g".
        title = title.replace(name, f"{rng.choice(BOOK['quality_tags.' + lang])} {name}", 1)
    if bulk and rng.random() < 0.15:
        title = f"[{BOOK['bulk_tag.' + lang][0]}] {title}"
    if rng.random() < _F["sample"]:
        title = f"{BOOK['sample_tag.' + lang][0]} {title}"
    if rng.random() < 0.35:
        tails = BOOK[("title_tail_digital." if digital else "title_tail.") + lang]
        title = f"{title} {rng.choice(tails)}"
    if not digital:  # nothing ships: no shipping notes
        if rng.random() < _F["parentheses"] * 0.5:
            title = f"{title} {rng.choice(BOOK['suffix_tags.' + lang]).format(src=src)}"
        if rng.random() < _F["free_shipping"]:
            title = f"{title} {rng.choice(BOOK['free_shipping.' + lang])}"
        if rng.random() < _F["ships_mention"] * 0.5:
            title = f"{title} - {src}"
    if rng.random() < _F["escrow"]:
        title = f"[{BOOK['escrow_tag.' + lang][0]}] {title}"
    if rng.random() < _F["stars"]:
        stars = rng.choice(("**", "***"))
        title = f"{stars} {title} {stars}"
    return title


def _title(
    rng: random.Random,
    name: str,
    good: Good,
    quantity: float,
    lang: Language,
    src: str,
    digital: bool,
) -> str:
    if good.unit in _MASS:
        title = _mass_title(rng, name, quantity, good.unit, lang)
    else:
        title = _counted_title(rng, name, quantity, good.unit, lang)
    bulk = quantity >= good.quantities[0] * 50
    return _decorate(rng, title, name, lang, bulk, src, digital)


def _quality(line: ProductLine, lang: Language) -> tuple[str, ...]:
    own = BOOK.get(f"quality.{lang}.{line.category}.{line.subcategory}")
    return own or BOOK[f"quality.{lang}.{line.category}"]


def _description(
    rng: random.Random, line: ProductLine, name: str, qty: str, lang: Language, src: str, dst: str
) -> str:
    # "10 шт." ends in a full stop already: no second one.
    parts = [rng.choice(BOOK["opening." + lang]).format(name=name, qty=qty).replace("..", ".")]
    parts.append(rng.choice(_quality(line, lang)))
    if rng.random() >= DESCRIPTION_SHARE:
        return "\n".join(parts)  # Agora: most listings say little beyond the title
    if shelf(line.category, line.subcategory).digital:
        parts.append(rng.choice(BOOK["digital." + lang]))
    else:
        parts.append(rng.choice(BOOK["shipping." + lang]).format(src=src, dst=dst))
        a = rng.randint(1, 5)
        parts.append(rng.choice(BOOK["timing." + lang]).format(a=a, b=a + rng.randint(2, 6)))
        stealth = "stealth." if line.category == "drugs" else "stealth_goods."
        parts.append(rng.choice(BOOK[stealth + lang]))
    parts.append(rng.choice(BOOK["terms." + lang]))
    if rng.random() < 0.25:
        parts.append(BOOK["bulk." + lang][0])
    return "\n".join(parts)


def listing_text(
    rng: random.Random, line: ProductLine, style: Style, ships_from: str, ships_to: str
) -> ListingText:
    """One listing of a product from the vendor's line, in the vendor's language and style."""
    if not line.products:
        raise InputError("a product line needs at least one product")
    lang = style.language
    name = rng.choice(line.products)
    good = good_for(line, name)
    quantity = pick_quantity(rng, good)
    src, dst = country_name(ships_from, lang), country_name(ships_to, lang)
    digital = shelf(line.category, line.subcategory).digital
    title = style_title(rng, _title(rng, name, good, quantity, lang, src, digital), style)
    qty = quantity_text(quantity, good.unit, lang)
    body = apply_style(rng, _description(rng, line, name, qty, lang, src, dst), style)
    return ListingText(
        title=title,
        description=body,
        category=line.category,
        subcategory=line.subcategory,
        price_usd=price_usd(rng, good, quantity, style.price_habit),
        quantity=format_quantity(quantity),
        unit=good.unit,
        language=lang,
    )


def dead_drop_listing(
    rng: random.Random, line: ProductLine, style: Style, city: str, district: str
) -> ListingText:
    """A dead-drop ("klad") shop's offer: product and weight, city and district, the kind of
    drop; coordinates and photo only after payment."""
    if not line.products:
        raise InputError("a product line needs at least one product")
    lang = style.language
    name = rng.choice(line.products)
    good = good_for(line, name)
    quantity = pick_quantity(rng, good, retail=True)
    where = district_name(city, district, lang)
    town = city_name(city, lang)
    qty = quantity_text(quantity, good.unit, lang, tight=True)
    title = rng.choice((f"{name} {qty}", f"{name} {qty} | {where}", f"{name}, {qty} ({where})"))
    title = style_title(rng, title, style)
    kind = rng.choice(BOOK["drop_kind." + lang])
    parts = [
        rng.choice(BOOK["drop_place." + lang]).format(city=town, district=where),
        rng.choice(BOOK["drop_type." + lang]).format(kind=kind),
        rng.choice(BOOK["drop_after." + lang]),
        rng.choice(_quality(line, lang)),
        rng.choice(BOOK["drop_rules." + lang]),
    ]
    # Retail drops cost more per gram than posted orders.
    price = price_usd(rng, good._replace(price=good.price * 1.2), quantity, style.price_habit)
    return ListingText(
        title=title,
        description=apply_style(rng, "\n".join(parts), style),
        category=line.category,
        subcategory=line.subcategory,
        price_usd=price,
        quantity=format_quantity(quantity),
        unit=good.unit,
        language=lang,
    )
