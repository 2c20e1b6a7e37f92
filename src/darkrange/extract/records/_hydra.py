"""The Hydra-style dead-drop market (Russian pages): /product/ID, /shop/NAME, div.offer rows.
Offers are placed by city and district instead of shipped; prices in roubles and BTC."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from darkrange.extract.records._common import (
    base,
    contacts_in,
    fill_key,
    label_split,
    new_listing,
    new_review,
    number_reviews,
    rating_of,
    set_prices,
    shown_contacts,
)
from darkrange.extract.records._html import Page, link_target, node_text
from darkrange.extract.records._market import mirrors
from darkrange.extract.records._model import Listing, PageRecords, Review, Vendor
from darkrange.extract.records._text import parse_int

__all__ = ["FAMILY", "detect", "parse"]

FAMILY = "hydra"
_FIELDS = {"город": "city", "район": "district", "категория": "category", "фасовка": "quantity"}
_QUOTED = re.compile(r"«(.+)»")


def detect(tree: LexborHTMLParser) -> bool:
    return all(tree.css_first(s) is not None for s in ("div.top a.logo", "div.main", "div.bottom"))


def listing_id(segments: list[str], query: dict[str, str]) -> str | None:
    return segments[1] if len(segments) == 2 and segments[0] == "product" else None


def shop_handle(segments: list[str], query: dict[str, str]) -> str | None:
    return segments[1] if len(segments) >= 2 and segments[0] == "shop" else None


def parse(page: Page) -> PageRecords:
    out = PageRecords(FAMILY)
    name = page.text("div.top a.logo")
    if page.first("table.product") is not None:
        _product(page, name, out)
    elif page.first("p.rating") is not None:
        _shop(page, name, out)
    else:
        mirrors(page, out)
    for offer in page.tree.css("div.offer"):
        found = _offer(page, name, offer, out.vendors[0].handle if out.vendors else None)
        if found is not None:
            out.listings.append(found)
    return out


def _product(page: Page, name: str, out: PageRecords) -> None:
    found_id = listing_id(page.segments(), page.query) or (page.segments() or [""])[-1]
    x = new_listing(page, FAMILY, name, found_id, page.text("div.main h1"), detail=True)
    for row in page.tree.css("table.product tr"):
        cells = row.css("td")
        if len(cells) != 2:
            continue
        label = node_text(cells[0]).casefold()
        if label == "магазин":
            x.vendor = node_text(cells[1].css_first("a")) or node_text(cells[1]) or None
        elif label == "цена":
            set_prices(x, node_text(cells[1]))
        elif label in _FIELDS:
            setattr(x, _FIELDS[label], node_text(cells[1]) or None)
    x.description = page.text("div.description", keep_lines=True)
    out.listings.append(x)
    out.reviews.extend(_reviews(page, name, x.vendor, x.listing_id))


def _reviews(page: Page, name: str, vendor: str | None, listing: str | None) -> list[Review]:
    found = []
    for div in page.tree.css("div.review"):
        buyer = node_text(div.css_first("b.buyer"))
        head = node_text(div)
        text = node_text(div.css_first("p"))
        meta = head[len(buyer) :].removesuffix(text).strip(" —")
        rating, _, when = (part.strip() for part in meta.partition("—"))
        found.append(
            new_review(
                page,
                FAMILY,
                name,
                buyer=buyer,
                rating=rating,
                text=text,
                when=when,
                vendor=vendor,
                listing_id=listing,
            )
        )
    return number_reviews(found)


def _shop(page: Page, name: str, out: PageRecords) -> None:
    heading = page.text("div.main h1")
    quoted = _QUOTED.search(heading)
    handle = quoted.group(1).strip() if quoted else heading.split(" ", 1)[-1].strip()
    if not handle:
        return
    v = Vendor(**base(page, FAMILY, name), handle=handle)
    for part in page.text("p.rating").split("·"):
        label, value = label_split(part)
        if label.startswith("рейтинг"):
            v.rating_text, v.rating = value or None, rating_of(value)
        elif label.startswith("отзыв"):
            v.review_count = parse_int(value)
    v.contacts_shown = shown_contacts(page.tree.css("ul.contacts li"))
    v.terms = page.text("div.about", keep_lines=True) or None
    v.contacts = contacts_in(page.text("ul.contacts", keep_lines=True) + "\n" + (v.terms or ""))
    fill_key(v, page.text("pre.pgp", keep_lines=True), page.text("code.fingerprint"))
    out.vendors.append(v)
    out.reviews.extend(_reviews(page, name, handle, None))


def _offer(page: Page, name: str, offer: LexborNode, shop: str | None) -> Listing | None:
    link = offer.css_first("a")
    if link is None:
        return None
    found_id = listing_id(*link_target(link.attributes.get("href")))
    if not found_id:
        return None
    x = new_listing(page, FAMILY, name, found_id, node_text(link), vendor=shop)
    for anchor in offer.css("a"):
        if shop_handle(*link_target(anchor.attributes.get("href"))):
            x.vendor = node_text(anchor) or x.vendor
            place = node_text(anchor.parent).rpartition("·")[2]
            city, _, district = place.partition(",")
            x.city, x.district = city.strip() or None, district.strip() or None
    price = offer.css_first("div.price")
    # without a price element, the text after the title (a title may hold numbers)
    rest = node_text(offer).removeprefix(x.title)
    set_prices(x, node_text(price) if price is not None else rest)
    return x
