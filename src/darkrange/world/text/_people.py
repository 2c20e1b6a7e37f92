"""What vendors say about themselves and what buyers say about them."""

from __future__ import annotations

import random

from darkrange.errors import InputError
from darkrange.world.text._book import BOOK
from darkrange.world.text._geo import country_name
from darkrange.world.text._style import apply_style
from darkrange.world.text._types import LANGUAGES, Language, Style


def _language(language: str) -> Language:
    if language not in LANGUAGES:
        raise InputError(f"unknown language {language!r}; expected en, ru or uz")
    return language


def vendor_profile_text(rng: random.Random, style: Style, ships_from: str, ships_to: str) -> str:
    """A vendor's profile page: welcome, shipping days and cut-off, refund policy, escrow/FE,
    PGP; written in the vendor's style."""
    lang = _language(style.language)
    src, dst = country_name(ships_from, lang), country_name(ships_to, lang)
    days = rng.choice(BOOK["profile_days." + lang])
    hour = rng.choice((11, 12, 14, 15, 16, 18))
    parts = [
        rng.choice(BOOK["profile_intro." + lang]),
        rng.choice(BOOK["profile_shipping." + lang]).format(src=src, dst=dst, hour=hour, days=days),
        rng.choice(BOOK["profile_refund." + lang]),
        rng.choice(BOOK["profile_fe." + lang]),
        rng.choice(BOOK["profile_pgp." + lang]),
    ]
    return apply_style(rng, "\n".join(parts), style)


def review_text(rng: random.Random, language: Language, rating: int) -> str:
    """A buyer's review for a rating of 1 to 5."""
    lang = _language(language)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InputError(f"a rating is 1 to 5, not {rating!r}")
    pool = BOOK[f"review.{lang}.{rating}"]
    count = 1 if len(pool) < 3 or rng.random() < 0.6 else 2
    days, few, many = rng.randint(2, 9), rng.randint(2, 4), rng.randint(5, 9)
    # Russian counts decline: "за 3 дня", "через 6 дней"; each phrase names the form it needs.
    text = " ".join(rng.sample(pool, count)).format(days=days, few=few, many=many)
    if rating >= 4 and rng.random() < 0.35:
        text = f"{text} {rng.choice(BOOK['review_tail.' + lang])}"
    if rng.random() < 0.25:
        text = text.lower()  # buyers type fast
    return text
