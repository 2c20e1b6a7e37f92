"""The "dream" market family: /listing/ID, /vendor/NAME, div.listing-row index rows."""

from __future__ import annotations

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
    review_count,
    set_prices,
    shown_contacts,
)
from darkrange.extract.records._html import Page, link_target, node_text
from darkrange.extract.records._market import feedback_page, mirrors
from darkrange.extract.records._model import Listing, PageRecords, Vendor

__all__ = ["FAMILY", "detect", "parse"]

FAMILY = "dream"
_FIELDS = {"quantity": "quantity", "category": "category", "ships from": "ships_from",
           "ships to": "ships_to"}  # fmt: skip


def detect(tree: LexborHTMLParser) -> bool:
    return all(tree.css_first(s) is not None for s in ("div#header a.logo", "div#main"))


def listing_id(segments: list[str], query: dict[str, str]) -> str | None:
    return segments[1] if len(segments) == 2 and segments[0] == "listing" else None


def vendor_handle(segments: list[str], query: dict[str, str]) -> str | None:
    return segments[1] if len(segments) >= 2 and segments[0] == "vendor" else None


def parse(page: Page) -> PageRecords:
    out = PageRecords(FAMILY)
    name = page.text("#header a.logo")
    if page.first("h1.product-title") is not None:
        _listing(page, name, out)
    elif page.first("div.vendor-profile") is not None:
        _vendor(page, name, out)
    elif not feedback_page(page, FAMILY, name, out, vendor_handle):
        mirrors(page, out)
    vendor = out.vendors[0].handle if out.vendors else None
    for row in page.tree.css("div.listing-row"):
        found = _row(page, name, row, vendor)
        if found is not None:
            out.listings.append(found)
    return out


def _listing(page: Page, name: str, out: PageRecords) -> None:
    listing_id_ = listing_id(page.segments(), page.query) or (page.segments() or [""])[-1]
    x = new_listing(page, FAMILY, name, listing_id_, page.text("h1.product-title"), detail=True)
    for div in page.tree.css("div.product-info > div"):
        label, value = label_split(node_text(div))
        if label == "vendor":
            x.vendor = node_text(div.css_first("a")) or value
        elif label == "price":
            set_prices(x, value)
        elif label in _FIELDS:
            setattr(x, _FIELDS[label], value or None)
    x.description = page.text("div.description", keep_lines=True)
    out.listings.append(x)
    reviews = []
    for row in page.tree.css("table.feedback tr"):
        cells = [node_text(c) for c in row.css("td")]
        if len(cells) >= 4:
            reviews.append(
                new_review(
                    page,
                    FAMILY,
                    name,
                    buyer=cells[0],
                    rating=cells[1],
                    text=cells[2],
                    when=cells[3],
                    vendor=x.vendor,
                    listing_id=x.listing_id,
                )
            )
    out.reviews.extend(number_reviews(reviews))


def _vendor(page: Page, name: str, out: PageRecords) -> None:
    profile = page.first("div.vendor-profile")
    heading = profile.css_first("h1") if profile is not None else None
    level = node_text(heading.css_first("span.level")) if heading is not None else ""
    handle = node_text(heading)
    handle = handle[: -len(level)].strip() if level and handle.endswith(level) else handle
    if not handle:
        return
    v = Vendor(**base(page, FAMILY, name), handle=handle, level=level or None)
    summary = page.text("div.vendor-profile > p")
    joined, _, rest = summary.partition("·")
    v.joined = joined.replace("Member since", "").strip() or None
    rating = rest.split("Rating", 1)[-1]
    v.rating_text = rating.split("(")[0].strip() or None
    v.rating = rating_of(v.rating_text or "")
    v.review_count = review_count(rating.partition("(")[2])
    v.terms = page.text("div.terms", keep_lines=True) or None
    v.contacts_shown = shown_contacts(page.tree.css("ul.contacts li"))
    v.contacts = contacts_in(page.text("ul.contacts", keep_lines=True) + "\n" + (v.terms or ""))
    fill_key(v, page.text("pre.pgp", keep_lines=True), page.text("code.fingerprint"))
    out.vendors.append(v)


def _row(page: Page, name: str, row: LexborNode, vendor: str | None) -> Listing | None:
    link = row.css_first("a.title")
    if link is None:
        return None
    segments, query = link_target(link.attributes.get("href"))
    found_id = listing_id(segments, query)
    if not found_id:
        return None
    x = new_listing(page, FAMILY, name, found_id, node_text(link))
    by = row.css_first("span.vendor a")
    x.vendor = node_text(by) if by is not None else vendor
    ships = node_text(row.css_first("span.ships"))
    if "→" in ships:
        origin, _, destination = ships.partition("→")
        x.ships_from, x.ships_to = origin.strip() or None, destination.strip() or None
    set_prices(x, node_text(row.css_first("span.price")))
    return x
