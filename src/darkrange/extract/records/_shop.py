"""Single-vendor shops: /item/ID, /reviews, /pgp, /about; the vendor is named in the footer."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from darkrange.extract.records._common import (
    base,
    contacts_in,
    fill_key,
    new_listing,
    new_review,
    number_reviews,
    set_prices,
    shown_contacts,
)
from darkrange.extract.records._html import Page, link_target, node_text
from darkrange.extract.records._model import PageRecords, Review, Vendor
from darkrange.extract.records._text import clean

__all__ = ["FAMILY", "detect", "parse"]

FAMILY = "shop"
_OWNER = re.compile(r"\bshop of\s+(\S+)", re.IGNORECASE)
_REVIEW = re.compile(r"^\s*([1-5])\s*/\s*5\s*(?:\(([^)]*)\))?\s*:\s*(.*)$", re.DOTALL)
_QUANTITY = re.compile(r"Quantity:\s*([^·]+)")


def detect(tree: LexborHTMLParser) -> bool:
    return all(tree.css_first(s) is not None for s in ("header > h1 > a", "header > nav", "main"))


def listing_id(segments: list[str], query: dict[str, str]) -> str | None:
    return segments[1] if len(segments) == 2 and segments[0] in ("item", "order") else None


def parse(page: Page) -> PageRecords:
    out = PageRecords(FAMILY)
    name = page.text("header > h1 > a")
    owner = _OWNER.search(page.text("footer"))
    vendor = owner.group(1) if owner else None
    if page.first("pre.description") is not None:
        _item(page, name, vendor, out)
    elif page.first("pre.pgp, pre.terms, ul.contacts") is not None and vendor:
        _profile(page, name, vendor, out)
    else:
        out.reviews.extend(_reviews(page, name, vendor, None))
    for row in page.tree.css("table.products tr"):
        cells = row.css("td")
        link = cells[0].css_first("a") if cells else None
        found = listing_id(*link_target(link.attributes.get("href"))) if link else None
        if link is None or not found or len(cells) < 4:
            continue
        x = new_listing(page, FAMILY, name, found, node_text(link), vendor=vendor)
        x.quantity = node_text(cells[1]) or None
        # the header names the currency of each amount column (USD, BTC)
        heads = [node_text(th) for th in row.parent.css("th")] if row.parent else []
        amounts = [f"{node_text(c)} {h}" for c, h in zip(cells[2:], heads[2:], strict=False)]
        set_prices(x, " ".join(amounts))
        out.listings.append(x)
    return out


def _item(page: Page, name: str, vendor: str | None, out: PageRecords) -> None:
    found = listing_id(page.segments(), page.query) or (page.segments() or [""])[-1]
    x = new_listing(page, FAMILY, name, found, page.text("main h2"), vendor=vendor, detail=True)
    for p in page.tree.css("main p"):
        text = node_text(p)
        if not text.startswith("Price"):
            continue
        parts = [part.strip() for part in text.split("·")]
        set_prices(x, parts[0])
        quantity = _QUANTITY.search(text)
        x.quantity = quantity.group(1).strip() if quantity else None
        for part in parts:
            if "→" in part:
                origin, _, destination = part.partition("→")
                x.ships_from, x.ships_to = origin.strip() or None, destination.strip() or None
        break
    x.description = page.text("pre.description", keep_lines=True)
    out.listings.append(x)
    out.reviews.extend(_reviews(page, name, vendor, x.listing_id))


def _reviews(page: Page, name: str, vendor: str | None, listing: str | None) -> list[Review]:
    found = []
    for p in page.tree.css("p.review"):
        buyer = node_text(p.css_first("span.buyer"))
        shaped = _REVIEW.match(node_text(p)[len(buyer) :])
        if not buyer or shaped is None:
            continue
        rating, when, text = shaped.groups()
        found.append(
            new_review(
                page,
                FAMILY,
                name,
                buyer=buyer,
                rating=rating,
                text=clean(text),
                when=when or "",
                vendor=vendor,
                listing_id=listing,
            )
        )
    return number_reviews(found)


def _profile(page: Page, name: str, vendor: str, out: PageRecords) -> None:
    v = Vendor(**base(page, FAMILY, name), handle=vendor)
    v.terms = page.text("pre.terms", keep_lines=True) or None
    v.contacts_shown = shown_contacts(page.tree.css("ul.contacts li"))
    v.contacts = contacts_in(page.text("ul.contacts", keep_lines=True) + "\n" + (v.terms or ""))
    fill_key(v, page.text("pre.pgp", keep_lines=True), page.text("code.fingerprint"))
    out.vendors.append(v)
