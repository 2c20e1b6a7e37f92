"""Pages the three escrow-market families share: a vendor's feedback pages and the mirrors list."""

from __future__ import annotations

from collections.abc import Callable

from darkrange.extract.records._common import mirror_onions, new_review, number_reviews
from darkrange.extract.records._html import Page, link_target, node_text
from darkrange.extract.records._model import MirrorList, PageRecords

__all__ = ["feedback_page", "mirrors", "vendor_of_href"]

HandleOf = Callable[[list[str], dict[str, str]], str | None]


def vendor_of_href(href: str | None, handle_of: HandleOf) -> str | None:
    segments, query = link_target(href)
    return handle_of(segments, query)


def feedback_page(
    page: Page, family: str, name: str, out: PageRecords, handle_of: HandleOf
) -> bool:
    """A vendor's feedback page: "Feedback for <a>handle</a>" over a table of reviews."""
    heading = page.tree.css_first("h2")
    table = page.tree.css_first("table.feedback")
    link = heading.css_first("a") if heading is not None else None
    if table is None or link is None:
        return False
    vendor = vendor_of_href(link.attributes.get("href"), handle_of) or node_text(link)
    reviews = []
    for row in table.css("tr"):
        cells = row.css("td")
        if len(cells) < 4 or row.css_first("td.buyer") is None:
            continue
        buyer, rating, text, when = (node_text(c) for c in cells[:4])
        reviews.append(
            new_review(
                page, family, name, buyer=buyer, rating=rating, text=text, when=when, vendor=vendor
            )
        )
    out.reviews.extend(number_reviews(reviews))
    return True


def mirrors(page: Page, out: PageRecords, selector: str = "ul.mirrors code") -> bool:
    onions = mirror_onions(page.tree.css(selector))
    if onions:
        out.mirrors.append(MirrorList(page.host, onions))
    return bool(onions)
