"""Which parser reads a page: the site family is recognised from the page's own structure
(its templates' landmarks), never from what we know of the world; unknown pages get the
generic heuristics."""

from __future__ import annotations

from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser

from darkrange.extract.records import (
    _alpha,
    _bazaar,
    _dream,
    _forum,
    _generic,
    _hydra,
    _services,
    _shop,
)
from darkrange.extract.records._html import Page, load_html
from darkrange.extract.records._model import PageRecords, WarcPointer

__all__ = ["FAMILIES", "parse_page", "recognise"]

Detect = Callable[[LexborHTMLParser], bool]
Parse = Callable[[Page], PageRecords]

# Most specific landmarks first: a forum or paste page is told apart before the markets.
_PARSERS: tuple[tuple[str, Detect, Parse], ...] = (
    ("forum", _forum.detect, _forum.parse),
    ("paste", _services.detect_paste, _services.parse_paste),
    ("directory", _services.detect_directory, _services.parse_directory),
    ("hydra", _hydra.detect, _hydra.parse),
    ("shop", _shop.detect, _shop.parse),
    ("dream", _dream.detect, _dream.parse),
    ("alpha", _alpha.detect, _alpha.parse),
    ("bazaar", _bazaar.detect, _bazaar.parse),
)
FAMILIES = (*(name for name, _, _ in _PARSERS), "generic")


def recognise(tree: LexborHTMLParser) -> str:
    """The family whose landmarks the page shows, else "generic"."""
    for name, detect, _ in _PARSERS:
        if detect(tree):
            return name
    return "generic"


def parse_page(html: str, url: str, pointer: WarcPointer | None = None) -> PageRecords:
    """The records of one HTML page fetched from `url` (the URL gives the site's onion and
    the ids a page shows only in its address, such as a listing's)."""
    page = Page(url, load_html(html), pointer)
    family = recognise(page.tree)
    for name, _, parse in _PARSERS:
        if name == family:
            return parse(page)
    return _generic.parse(page)
