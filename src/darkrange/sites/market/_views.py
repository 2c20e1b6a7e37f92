"""What each market page shows: the data behind the templates, as the clock says.

Views return (template name, context); the site renders and caches them. Prices are shown in
USD and in BTC at the world's rate on the clock's day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from darkrange.sites._content import (
    Account,
    Listing,
    Review,
    WorldContent,
    mask_handle,
    page_of,
)
from darkrange.sites.defences import HttpError
from darkrange.world.generate._market import usd_per_btc

DAY = 86_400
MAX_QUERY = 100
View = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Moment:
    """The clock as the world sees it: day, week and the Unix time at the end of that day."""

    day: int
    start: int

    @property
    def week(self) -> int:
        return self.day // 7

    @property
    def time(self) -> int:
        return self.start + (self.day + 1) * DAY - 1

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.start + self.day * DAY, UTC).strftime("%Y-%m-%d")


def btc(usd: float, moment: Moment) -> str:
    return f"{usd / usd_per_btc(moment.start + moment.day * DAY):.8f}"


def week_date(start: int, week: int) -> str:
    return datetime.fromtimestamp(start + week * 7 * DAY, UTC).strftime("%Y-%m-%d")


def sort_listings(listings: list[Listing], sort: str) -> list[Listing]:
    if sort == "price_asc":
        return sorted(listings, key=lambda x: (x.price_usd, x.listing_id))
    if sort == "price_desc":
        return sorted(listings, key=lambda x: (-x.price_usd, x.listing_id))
    return listings  # newest first is the stored order; "rating" and "popular" look the same


class MarketViews:
    """The pages of one market (or of a phishing clone showing its target's content)."""

    def __init__(self, content: WorldContent, source_id: str) -> None:
        self.content = content
        self.source_id = source_id
        everything = content.listings.get(source_id, [])
        self.categories = sorted({x.category for x in everything})
        self.category_ids = {name: i + 1 for i, name in enumerate(self.categories)}

    def _page(self, items: list[Any], page: int) -> tuple[list[Any], int]:
        rows, pages = page_of(items, page)
        if page > pages:
            raise HttpError(404, "no such page")
        return rows, pages

    def _rows(self, listings: list[Listing], moment: Moment) -> list[dict[str, Any]]:
        return [{"x": x, "btc": btc(x.price_usd, moment)} for x in listings]

    def category_counts(self, moment: Moment) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for x in self.content.online(self.source_id, moment.week):
            counts[x.category] = counts.get(x.category, 0) + 1
        return [
            {"id": self.category_ids[name], "name": name, "count": counts.get(name, 0)}
            for name in self.categories
        ]

    def home(self, moment: Moment) -> View:
        latest, _ = page_of(self.content.online(self.source_id, moment.week), 1)
        return "home.html", {
            "categories": self.category_counts(moment),
            "rows": self._rows(latest, moment),
        }

    def listing_page(
        self, title: str, listings: list[Listing], page: int, moment: Moment, **extra: Any
    ) -> View:
        rows, pages = self._page(listings, page)
        return "list.html", {
            "heading": title,
            "rows": self._rows(rows, moment),
            "page": page,
            "pages": pages,
            "total": len(listings),
            "categories": self.category_counts(moment),
            **extra,
        }

    def browse(self, page: int, sort: str, moment: Moment) -> View:
        listings = sort_listings(self.content.online(self.source_id, moment.week), sort)
        return self.listing_page("All listings", listings, page, moment, kind="browse")

    def category(self, cat: str, page: int, sort: str, moment: Moment) -> View:
        if not cat.isdigit() or not 1 <= int(cat) <= len(self.categories):
            raise HttpError(404, "no such category")
        name = self.categories[int(cat) - 1]
        online = self.content.online(self.source_id, moment.week)
        listings = [x for x in online if x.category == name]
        return self.listing_page(
            name, sort_listings(listings, sort), page, moment, kind="category", cat=int(cat)
        )

    def search(self, q: str, page: int, moment: Moment) -> View:
        if len(q) > MAX_QUERY:
            raise HttpError(400, f"search text longer than {MAX_QUERY} characters")
        needle = q.strip().casefold()
        listings = [
            x
            for x in self.content.online(self.source_id, moment.week)
            if needle and (needle in x.title.casefold() or needle in x.description.casefold())
        ]
        return self.listing_page(f"Search: {q}", listings, page, moment, kind="search", q=q)

    def listing(self, listing_id: str, moment: Moment) -> View:
        x = self.content.listing(self.source_id, listing_id)
        if x is None or not x.online(moment.week):
            raise HttpError(404, "no such listing")
        reviews = self.visible_reviews([x], moment)
        return "listing.html", {
            "x": x,
            "btc": btc(x.price_usd, moment),
            "vendor": self.content.account(self.source_id, x.vendor),
            "reviews": reviews[:10],
            "review_count": len(reviews),
            "rating": _average(reviews),
        }

    def visible_reviews(self, listings: list[Listing], moment: Moment) -> list[dict[str, Any]]:
        found: list[Review] = []
        for x in listings:
            found.extend(r for r in self.content.reviews_of(self.source_id, x.listing_id))
        found = [r for r in found if r.time <= moment.time]
        found.sort(key=lambda r: (-r.time, r.review_id))
        return [
            {
                "buyer": mask_handle(r.buyer),
                "rating": r.rating,
                "text": r.text,
                "date": datetime.fromtimestamp(r.time, UTC).strftime("%Y-%m-%d"),
                "listing_id": r.listing_id,
            }
            for r in found
        ]

    def _vendor(self, handle: str, moment: Moment) -> Account:
        account = self.content.account(self.source_id, handle)
        if account is None or account.role != "vendor" or not account.active(moment.week):
            raise HttpError(404, "no such vendor")
        return account

    def vendor(self, handle: str, page: int, moment: Moment) -> View:
        account = self._vendor(handle, moment)
        everything = self.of_vendor(handle)
        online = [x for x in everything if x.online(moment.week)]
        rows, pages = self._page(online, page)
        reviews = self.visible_reviews(everything, moment)
        key = self.content.key_at(account, moment.week)
        return "vendor.html", {
            "vendor": account,
            "joined": week_date(self.content.start, account.joined_week),
            "key": key,
            "fingerprint": key.fingerprint if key else account.fingerprint_at(moment.week),
            "rows": self._rows(rows, moment),
            "page": page,
            "pages": pages,
            "total": len(online),
            "reviews": reviews[:5],
            "review_count": len(reviews),
            "rating": _average(reviews),
            "level": 1 + min(9, len(reviews) // 3),
        }

    def reviews(self, handle: str, page: int, moment: Moment) -> View:
        account = self._vendor(handle, moment)
        everything = self.of_vendor(handle)
        reviews = self.visible_reviews(everything, moment)
        rows, pages = self._page(reviews, page)
        return "reviews.html", {
            "vendor": account,
            "reviews": rows,
            "page": page,
            "pages": pages,
            "rating": _average(reviews),
        }

    def of_vendor(self, handle: str) -> list[Listing]:
        return [x for x in self.content.listings.get(self.source_id, []) if x.vendor == handle]

    def staff_key(self, onion: str) -> str:
        for key in self.content.keys.values():
            if any(onion in uid for uid in key.user_ids):
                return key.armored
        return ""


def _average(reviews: list[dict[str, Any]]) -> str:
    if not reviews:
        return "-"
    return f"{sum(r['rating'] for r in reviews) / len(reviews):.2f}"
