"""Extraction: selectors (onion, BTC, LTC, XMR, ETH, PGP, contacts) from text, pages and WARC."""

from darkrange.extract._model import KINDS, Selector
from darkrange.extract._scan import find_selectors
from darkrange.extract._sources import Document, read_documents

__all__ = ["KINDS", "Document", "Selector", "find_selectors", "read_documents"]
