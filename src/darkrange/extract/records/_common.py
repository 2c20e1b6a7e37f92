"""What the site parsers share: record headers, prices, profiles (PGP key, contacts), reviews."""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborNode

from darkrange.extract._scan import find_selectors
from darkrange.extract.records._html import Page, node_text
from darkrange.extract.records._model import Contact, Listing, Review, Vendor
from darkrange.extract.records._text import clean, find_prices, parse_int, parse_time, primary

__all__ = [
    "PGP_BEGIN",
    "base",
    "contacts_in",
    "fill_key",
    "label_split",
    "mirror_onions",
    "new_listing",
    "new_review",
    "number_reviews",
    "rating_of",
    "review_count",
    "set_prices",
    "shown_contacts",
]

PGP_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
_PGP_BLOCK = re.compile(
    r"-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", re.DOTALL
)
_ONION = re.compile(r"\b[a-z2-7]{56}\.onion\b")
_HEX = re.compile(r"[^0-9A-Fa-f]")
_RATING = re.compile(r"(\d+(?:[.,]\d+)?)")
_STARS = re.compile(r"([1-5])\s*(?:/\s*5|★|&#9733;|stars?)")
# Kinds that are contacts (addresses and keys are selectors, not ways to reach someone).
_CONTACT_KINDS = ("email", "xmpp", "telegram", "session", "wickr", "signal", "threema", "phone")


def base(page: Page, family: str, site_name: str) -> dict[str, Any]:
    """The fields every record of `page` starts with."""
    return {
        "site": page.host,
        "site_name": site_name,
        "family": family,
        "url": page.url,
        "pointers": page.pointers,
    }


def new_listing(page: Page, family: str, site_name: str, listing_id: str, title: str,
                **fields: Any) -> Listing:  # fmt: skip
    return Listing(**base(page, family, site_name), listing_id=listing_id, title=title, **fields)


def set_prices(listing: Listing, text: str) -> None:
    """Every price in `text`; the listing's price is the fiat one a vendor set, if shown."""
    listing.prices = find_prices(text)
    chosen = primary(listing.prices)
    if chosen is not None:
        listing.price, listing.currency = chosen.amount, chosen.currency


def new_review(page: Page, family: str, site_name: str, *, buyer: str, rating: str,
               text: str, when: str = "", **fields: Any) -> Review:  # fmt: skip
    stars = _STARS.search(rating) or re.search(r"([1-5])", rating)
    return Review(
        **base(page, family, site_name),
        buyer=clean(buyer),
        rating=int(stars.group(1)) if stars else None,
        text=text.strip(),
        time=parse_time(when),
        time_text=clean(when) or None,
        **fields,
    )


def number_reviews(reviews: list[Review]) -> list[Review]:
    """Give identical reviews on one page their occurrence number (two real reviews)."""
    seen: dict[tuple[object, ...], int] = {}
    for r in reviews:
        key = (r.vendor, r.listing_id, r.buyer, r.rating, r.text, r.time)
        r.occurrence = seen.get(key, 0)
        seen[key] = r.occurrence + 1
    return reviews


def rating_of(text: str) -> float | None:
    """The first number in a rating text ("4.50", "★ 4.8", "Рейтинг: 4.9"); None for "-"."""
    found = _RATING.search(text or "")
    if not found:
        return None
    value = float(found.group(1).replace(",", "."))
    return value if value <= 100 else None


def label_split(text: str) -> tuple[str, str]:
    """ "Ships from: Germany" -> ("ships from", "Germany")."""
    label, sep, value = text.partition(":")
    if not sep:
        return "", clean(text)
    return clean(label).casefold(), clean(value)


def contacts_in(text: str) -> list[Contact]:
    """Contact selectors in a profile's text (valid ones, in order, each once)."""
    found: list[Contact] = []
    for s in find_selectors(text):
        contact = Contact(s.kind, s.normalized)
        if s.valid and s.kind in _CONTACT_KINDS and contact not in found:
            found.append(contact)
    return found


def fill_key(vendor: Vendor, key_text: str, fingerprint_shown: str = "") -> None:
    """The armored key (first block) and its fingerprint, computed from the key itself;
    the fingerprint the page prints is kept beside it (they can disagree)."""
    shown = _HEX.sub("", fingerprint_shown).upper()
    vendor.fingerprint_shown = shown if len(shown) in (32, 40, 64) else None
    block = _PGP_BLOCK.search(key_text or "")
    if block:
        vendor.pgp_armored = block.group(0).strip()
        for s in find_selectors(vendor.pgp_armored):
            if s.kind == "pgp_key" and s.valid:
                vendor.pgp_fingerprint = s.normalized
                break
    if vendor.pgp_fingerprint is None:
        vendor.pgp_fingerprint = vendor.fingerprint_shown


def shown_contacts(items: list[LexborNode]) -> list[tuple[str, str]]:
    """ "label: value" list items as pairs."""
    found: list[tuple[str, str]] = []
    for item in items:
        label, value = label_split(node_text(item))
        if label and value:
            found.append((label, value))
    return found


def mirror_onions(nodes: list[LexborNode]) -> tuple[str, ...]:
    """The onion addresses in a mirrors list, in order, each once."""
    found: list[str] = []
    for node in nodes:
        for onion in _ONION.findall(node_text(node).lower()):
            if onion not in found:
                found.append(onion)
    return tuple(found)


def review_count(text: str) -> int | None:
    return parse_int(text)
