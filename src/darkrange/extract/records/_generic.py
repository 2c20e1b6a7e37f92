"""Heuristics for pages of software we do not know: a listing is a page with one title (h1)
and a few prices, its fields read from labels ("Vendor:", "Seller", "Ships from", "Category");
a vendor is a page with a PGP key block and a handle label. Index pages (many prices) and
pages without a title give nothing: a wrong record costs an analyst more than a missing one."""

from __future__ import annotations

import re

from darkrange.extract.records._common import PGP_BEGIN, base, contacts_in, fill_key, set_prices
from darkrange.extract.records._html import Page, node_text
from darkrange.extract.records._model import Listing, PageRecords, Vendor
from darkrange.extract.records._text import clean, find_prices

__all__ = ["parse"]

FAMILY = "generic"
MAX_TEXT = 200_000  # labels are looked for in the first 200,000 characters of a page
MAX_PRICES = 4  # more distinct prices than this: an index or a price list, not one listing

_VALUE = r"[ \t]*(?::|\t|\n)[ \t:]*@?([^\n\t]{1,80})"
_LABELS = {
    "vendor": r"vendor|seller|sold by|продавец|магазин|shop",
    "category": r"category|department|class|категория|раздел",
    "ships_from": r"ships from|shipping from|origin(?: country)?|отправка из",
    "ships_to": r"ships to|shipping to|destination|доставка в",
    "quantity": r"quantity|qty|количество|фасовка",
}
_PATTERNS = {k: re.compile(rf"(?im)^(?:{v}){_VALUE}") for k, v in _LABELS.items()}
_HANDLE = re.compile(r"[\w.\-]{2,40}")
_ID_KEYS = ("id", "item", "listing", "product", "pid", "lid")
_SITE_SEP = re.compile(r"\s+(?:\||::|-|—|–)\s+")


def parse(page: Page) -> PageRecords:
    out = PageRecords(FAMILY)
    body = page.first("body")
    if body is None:
        return out
    text = node_text(body, keep_lines=True)[:MAX_TEXT]
    title_parts = _SITE_SEP.split(page.text("head > title"))
    name = title_parts[-1] if len(title_parts) > 1 else page.host
    title = page.text("h1") or (title_parts[0] if title_parts else "")
    labels = {k: clean(m.group(1)) for k, p in _PATTERNS.items() if (m := p.search(text))}
    listing = _listing(page, name, title, text, labels)
    if listing is not None:
        out.listings.append(listing)
    if PGP_BEGIN in text and listing is None:
        vendor = _vendor(page, name, text, labels)
        if vendor is not None:
            out.vendors.append(vendor)
    return out


def _handle(value: str | None) -> str | None:
    found = _HANDLE.match(value or "")
    return found.group(0) if found else None


def _listing(page: Page, name: str, title: str, text: str,
             labels: dict[str, str]) -> Listing | None:  # fmt: skip
    prices = find_prices(text, limit=MAX_PRICES * 4)
    distinct = {(p.amount, p.currency) for p in prices}
    if not title or not prices or len(distinct) > MAX_PRICES:
        return None
    segments = page.segments()
    listing_id = next((page.query[k] for k in _ID_KEYS if page.query.get(k)), None)
    listing_id = listing_id or (segments[-1] if segments else "")
    if not listing_id:
        return None
    x = Listing(**base(page, FAMILY, name), listing_id=listing_id, title=title, detail=True)
    # the prices near the title's labels, else all of them (a page shows one price twice)
    price_line = re.search(r"(?im)^(?:price|цена|cost)[ \t]*[:\t]?[^\n]*", text)
    set_prices(x, price_line.group(0) if price_line and find_prices(price_line.group(0)) else text)
    x.prices = x.prices[:MAX_PRICES]
    x.vendor = _handle(labels.get("vendor"))
    x.category = labels.get("category")
    x.ships_from, x.ships_to = labels.get("ships_from"), labels.get("ships_to")
    x.quantity = labels.get("quantity")
    description = page.first("[class*=desc]", "[class*=about]", "[id*=desc]")
    x.description = node_text(description, keep_lines=True) if description else None
    return x


def _vendor(page: Page, name: str, text: str, labels: dict[str, str]) -> Vendor | None:
    handle = _handle(labels.get("vendor")) or _handle(page.text("h1").lstrip("@"))
    if handle is None:
        return None
    v = Vendor(**base(page, FAMILY, name), handle=handle)
    fill_key(v, text)
    v.contacts = contacts_in(text[:MAX_TEXT])
    return v
