"""The "alpha" market family (PHP style): /index.php?page=item&id=ID, page=profile&user=NAME,
table layouts with label cells."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from darkrange.extract.records._common import (
    base,
    contacts_in,
    fill_key,
    new_listing,
    new_review,
    number_reviews,
    rating_of,
    review_count,
    set_prices,
)
from darkrange.extract.records._html import Page, link_target, node_text
from darkrange.extract.records._market import feedback_page, mirrors
from darkrange.extract.records._model import Listing, PageRecords, Vendor

__all__ = ["FAMILY", "detect", "parse"]

FAMILY = "alpha"
_FIELDS = {"quantity": "quantity", "class": "category", "category": "category",
           "origin country": "ships_from", "ships to": "ships_to"}  # fmt: skip
_PROFILE = ("trust level", "registered", "feedback", "fingerprint")
_COLUMNS = {"origin": "ships_from", "destination": "ships_to"}


def detect(tree: LexborHTMLParser) -> bool:
    return all(tree.css_first(s) is not None for s in ("table.layout b.brand", "td.content"))


def listing_id(segments: list[str], query: dict[str, str]) -> str | None:
    return query.get("id") or None if query.get("page") == "item" else None


def vendor_handle(segments: list[str], query: dict[str, str]) -> str | None:
    wanted = query.get("page") in ("profile", "feedback")
    return query.get("user") or None if wanted else None


def parse(page: Page) -> PageRecords:
    out = PageRecords(FAMILY)
    name = page.text("table.layout b.brand")
    if page.first("table.item-detail") is not None:
        _listing(page, name, out)
    elif page.first("table.profile") is not None:
        _vendor(page, name, out)
    elif not feedback_page(page, FAMILY, name, out, vendor_handle):
        mirrors(page, out)
    vendor = out.vendors[0].handle if out.vendors else None
    for table in page.tree.css("table.items"):
        headers = [node_text(th).casefold() for th in table.css("th")]
        for row in table.css("tr"):
            found = _row(page, name, row, headers, vendor)
            if found is not None:
                out.listings.append(found)
    return out


def _cells(table: LexborNode) -> dict[str, LexborNode]:
    """Two-cell rows as label -> value cell."""
    found: dict[str, LexborNode] = {}
    for row in table.css("tr"):
        cells = row.css("td")
        if len(cells) == 2:
            found.setdefault(node_text(cells[0]).rstrip(":").casefold(), cells[1])
    return found


def _listing(page: Page, name: str, out: PageRecords) -> None:
    table = page.first("table.item-detail")
    assert table is not None
    found_id = listing_id(page.segments(), page.query) or page.query.get("id", "")
    x = new_listing(page, FAMILY, name, found_id, node_text(table.css_first("th")), detail=True)
    for label, cell in _cells(table).items():
        if label == "sold by":
            x.vendor = node_text(cell.css_first("a")) or None
        elif label == "price":
            set_prices(x, node_text(cell))
        elif label in _FIELDS:
            setattr(x, _FIELDS[label], node_text(cell) or None)
    x.description = page.text("pre.desc", keep_lines=True)
    out.listings.append(x)
    reviews = []
    for row in page.tree.css("table.items tr"):
        cells = [node_text(c) for c in row.css("td")]
        if len(cells) >= 4 and row.css_first("td.buyer") is not None:
            reviews.append(
                new_review(
                    page,
                    FAMILY,
                    name,
                    buyer=cells[2],
                    rating=cells[0],
                    text=cells[1],
                    when=cells[3],
                    vendor=x.vendor,
                    listing_id=x.listing_id,
                )
            )
    out.reviews.extend(number_reviews(reviews))


def _vendor(page: Page, name: str, out: PageRecords) -> None:
    table = page.first("table.profile")
    assert table is not None
    handle = node_text(table.css_first("th"))
    if not handle:
        return
    cells = _cells(table)
    v = Vendor(**base(page, FAMILY, name), handle=handle)
    v.level = node_text(cells.get("trust level")) or None
    v.joined = node_text(cells.get("registered")) or None
    feedback = node_text(cells.get("feedback"))
    v.rating_text = feedback.split(" from ")[0].strip() or None
    v.rating = rating_of(v.rating_text or "")
    v.review_count = review_count(feedback.partition(" from ")[2])
    v.contacts_shown = [(k, node_text(c)) for k, c in cells.items() if k not in _PROFILE]
    v.terms = page.text("pre.terms", keep_lines=True) or None
    contact_text = "\n".join(f"{k}: {value}" for k, value in v.contacts_shown)
    v.contacts = contacts_in(contact_text + "\n" + (v.terms or ""))
    fill_key(v, page.text("textarea.pgp", keep_lines=True), node_text(cells.get("fingerprint")))
    out.vendors.append(v)


def _row(page: Page, name: str, row: LexborNode, headers: list[str],
         vendor: str | None) -> Listing | None:  # fmt: skip
    cells = row.css("td")
    link = cells[0].css_first("a") if cells else None
    if link is None:
        return None
    found_id = listing_id(*link_target(link.attributes.get("href")))
    if not found_id:
        return None
    x = new_listing(page, FAMILY, name, found_id, node_text(link), vendor=vendor)
    for i, cell in enumerate(cells[1:], start=1):
        header = headers[i] if i < len(headers) else ""
        seller = cell.css_first("a")
        handle = vendor_handle(*link_target(seller.attributes.get("href"))) if seller else None
        if handle:
            x.vendor = node_text(seller)
        elif header in _COLUMNS:
            setattr(x, _COLUMNS[header], node_text(cell) or None)
        elif header == "price" or (not header and i == len(cells) - 1):
            set_prices(x, node_text(cell, keep_lines=True))
    return x
