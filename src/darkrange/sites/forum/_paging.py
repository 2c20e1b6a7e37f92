"""Pagination as forums and paste sites do it: `?page=N`, 20 items a page, numbered links.

A page number that is not a whole number is a malformed request (400); one past the last page
is a page that does not exist (404), so a crawler following links never sees an empty page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from darkrange.sites.defences import HttpError

PER_PAGE = 20
MAX_PAGE_DIGITS = 6

T = TypeVar("T")


@dataclass(frozen=True)
class Pager:
    """Where one page sits among all of them."""

    page: int
    pages: int
    total: int

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None

    @property
    def numbers(self) -> list[int]:
        """Every page number: forums list them all, which lets a crawler reach each page."""
        return list(range(1, self.pages + 1))


def page_number(raw: str | None) -> int:
    """The `page` query parameter as a number; HTTP 400 when it is not one."""
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        raise HttpError(400, "page must be a whole number from 1")
    return int(raw)


def paginate(
    items: Sequence[T], raw_page: str | None, per_page: int = PER_PAGE
) -> tuple[Sequence[T], Pager]:
    """One page of `items` and its Pager; HTTP 404 past the last page."""
    page = page_number(raw_page)
    pages = max(1, -(-len(items) // per_page))
    if page > pages:
        raise HttpError(404, f"there is no page {page}; the last is {pages}")
    start = (page - 1) * per_page
    return items[start : start + per_page], Pager(page, pages, len(items))


def page_of(index: int, per_page: int = PER_PAGE) -> int:
    """The page (from 1) that the item at `index` (from 0) is on."""
    return index // per_page + 1
