"""Briefs as HTML: CommonMark with raw HTML off, so a brief can never inject markup."""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from markupsafe import Markup


@functools.cache
def _parser() -> MarkdownIt:
    # "commonmark" with html disabled escapes any tag; unsafe link schemes are refused by default
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown(text: str) -> Markup:
    return Markup(_parser().render(text))  # markdown-it escaped every raw tag
