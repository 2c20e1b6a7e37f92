"""The "bazaar" market family: /p/ID/, /u/NAME/, article.product cards, dl facts."""

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
from darkrange.extract.records._html import Page, link_target, node_text, pairs
from darkrange.extract.records._market import feedback_page, mirrors
from darkrange.extract.records._model import Listing, PageRecords, Vendor

__all__ = ["FAMILY", "detect", "parse"]

FAMILY = "bazaar"
_FIELDS = {"quantity": "quantity", "department": "category", "category": "category",
           "ships from": "ships_from", "from": "ships_from", "ships to": "ships_to"}  # fmt: skip


def detect(tree: LexborHTMLParser) -> bool:
    return all(tree.css_first(s) is not None for s in ("header span.brand", "header nav", "main"))


def listing_id(segments: list[str], query: dict[str, str]) -> str | None:
    return segments[1] if len(segments) == 2 and segments[0] == "p" else None


def vendor_handle(segments: list[str], query: dict[str, str]) -> str | None:
    return segments[1] if len(segments) >= 2 and segments[0] == "u" else None


def parse(page: Page) -> PageRecords:
    out = PageRecords(FAMILY)
    name = page.text("header span.brand")
    if page.first("article.product-page") is not None:
        _listing(page, name, out)
    elif page.first("section.seller") is not None:
        _vendor(page, name, out)
    elif not feedback_page(page, FAMILY, name, out, vendor_handle):
        mirrors(page, out)
    vendor = out.vendors[0].handle if out.vendors else None
    for card in page.tree.css("article.product"):
        found = _card(page, name, card, vendor)
        if found is not None:
            out.listings.append(found)
    return out


def _handle(node: LexborNode | None) -> str | None:
    return node_text(node).lstrip("@").strip() or None if node is not None else None


def _listing(page: Page, name: str, out: PageRecords) -> None:
    found_id = listing_id(page.segments(), page.query) or (page.segments() or [""])[-1]
    x = new_listing(page, FAMILY, name, found_id, page.text("article.product-page h1"),
                    detail=True)  # fmt: skip
    facts = pairs(page.tree.css("dl.facts"))
    for label, cell in facts.items():
        if label == "seller":
            x.vendor = _handle(cell.css_first("a"))
        elif label == "price":
            set_prices(x, node_text(cell))
        elif label in _FIELDS:
            setattr(x, _FIELDS[label], node_text(cell) or None)
    x.description = page.text("section.about", keep_lines=True)
    out.listings.append(x)
    reviews = []
    for quote in page.tree.css("section.feedback blockquote"):
        footer = quote.css_first("footer")
        buyer = node_text(footer.css_first("span.buyer")) if footer is not None else ""
        rest = node_text(footer)[len(buyer) :].strip(" ,")
        rating, _, when = rest.partition(",")
        reviews.append(
            new_review(page, FAMILY, name, buyer=buyer, rating=rating, text=node_text(
                quote.css_first("p")), when=when, vendor=x.vendor, listing_id=x.listing_id)
        )  # fmt: skip
    out.reviews.extend(number_reviews(reviews))


def _vendor(page: Page, name: str, out: PageRecords) -> None:
    handle = _handle(page.first("section.seller h1"))
    if not handle:
        return
    v = Vendor(**base(page, FAMILY, name), handle=handle)
    badges = [part.strip() for part in page.text("p.badges").split("·")]
    for part in badges:
        folded = part.casefold()
        if folded.startswith("tier"):
            v.level = part
        elif folded.startswith("joined"):
            v.joined = part[len("joined") :].strip() or None
        elif part.startswith("★"):
            v.rating_text = part.lstrip("★").strip() or None
            v.rating = rating_of(v.rating_text or "")
        elif "feedback" in folded:
            v.review_count = review_count(part)
    contacts = pairs(page.tree.css("dl.contacts"))
    v.contacts_shown = [(k, node_text(c)) for k, c in contacts.items()]
    v.terms = page.text("section.policy p", keep_lines=True) or None
    contact_text = "\n".join(f"{k}: {value}" for k, value in v.contacts_shown)
    v.contacts = contacts_in(contact_text + "\n" + (v.terms or ""))
    fill_key(v, page.text("section.key pre", keep_lines=True), page.text("span.fingerprint"))
    out.vendors.append(v)


def _card(page: Page, name: str, card: LexborNode, vendor: str | None) -> Listing | None:
    link = card.css_first("h3 a")
    if link is None:
        return None
    found_id = listing_id(*link_target(link.attributes.get("href")))
    if not found_id:
        return None
    x = new_listing(page, FAMILY, name, found_id, node_text(link), vendor=vendor)
    for anchor in card.css("a"):
        if vendor_handle(*link_target(anchor.attributes.get("href"))):
            x.vendor = _handle(anchor)
    facts = pairs(card.css("dl"))
    if facts:
        x.ships_from = node_text(facts.get("from")) or None
        set_prices(x, " ".join(node_text(dd) for dd in card.css("dl dd")))
    else:
        set_prices(x, " ".join(node_text(p) for p in card.css("p")))
    return x
