"""Paste sites (/p/ID: title, time, text) and link directories (onion links under headings)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from darkrange.extract.records._common import base
from darkrange.extract.records._html import Page, node_text
from darkrange.extract.records._model import Link, PageRecords, Paste
from darkrange.extract.records._text import clean, parse_time

__all__ = ["detect_directory", "detect_paste", "parse_directory", "parse_paste"]

_ONION = re.compile(r"\b[a-z2-7]{56}\.onion\b")


def detect_paste(tree: LexborHTMLParser) -> bool:
    return tree.css_first("pre.paste") is not None or tree.css_first("tr.paste") is not None


def detect_directory(tree: LexborHTMLParser) -> bool:
    return tree.css_first("li.link code") is not None


def parse_paste(page: Page) -> PageRecords:
    out = PageRecords("paste")
    body = page.first("pre.paste")
    segments = page.segments()
    if body is None or len(segments) != 2 or segments[0] != "p":
        return out
    name = page.text("header b", "header a")
    posted = page.text("main p")
    paste = Paste(**base(page, "paste", name), paste_id=segments[1], title=page.text("main h2"),
                  text=node_text(body, keep_lines=True))  # fmt: skip
    paste.time = parse_time(posted)
    if paste.time is not None:
        paste.time_text = clean(posted.removeprefix("Posted").split("·")[0])
    out.pastes.append(paste)
    return out


def parse_directory(page: Page) -> PageRecords:
    """Each listed onion with its link text and the heading of its section."""
    out = PageRecords("directory")
    name = page.text("body > h1")
    section = None
    for node in page.tree.css("h2, li.link"):
        if node.tag == "h2":
            section = node_text(node) or None
            continue
        onion = _ONION.search(node_text(node).lower())
        link = node.css_first("a")
        if onion is None:
            continue
        out.links.append(
            Link(
                **base(page, "directory", name),
                name=node_text(link) or onion.group(0),
                onion=onion.group(0),
                section=section,
            )
        )
    return out
