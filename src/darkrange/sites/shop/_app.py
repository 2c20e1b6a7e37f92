"""A single-vendor shop: one vendor's own onion, PGP key and published BTC address.

URL scheme: /?page=N (products)  /item/ID  /order/ID (amount and the payment address)
/reviews?page=N  /pgp  /about. The payment address is the first of the site's
`published_addresses` in sites.json; a world that lists none gets a derived one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from darkrange.network._registry import ASGIApp, SiteContext
from darkrange.sites._content import Account, load_content, page_of
from darkrange.sites.defences import (
    AccountStore,
    AntiCrawl,
    Guard,
    GuardPaths,
    HttpError,
    PageCache,
    Request,
    Response,
    TemplatePages,
    environment,
    range_time,
    renderer,
)
from darkrange.sites.market import MarketViews, Moment, accounts_path, btc, deposit_address

TEMPLATES = Path(__file__).parent / "templates"
View = tuple[str, dict[str, Any]]


class ShopSite:
    def __init__(
        self,
        context: SiteContext,
        *,
        settings: AntiCrawl | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        site = context.site
        self.site_id = site.site_id
        self.clock = context.clock
        self.content = load_content(context.world)
        extra = site.extra
        self.name = site.name
        self.onions = site.addresses
        self.settings = settings or AntiCrawl.from_json(extra.get("anti_crawl"))
        vendors = [a for a in self.content.accounts.get(self.site_id, {}).values()]
        vendors.sort(key=lambda a: (a.role != "vendor", a.handle))
        self.vendor: Account | None = vendors[0] if vendors else None
        handle = self.vendor.handle if self.vendor else site.name
        published = [str(a) for a in extra.get("published_addresses") or []]
        self.address = published[0] if published else deposit_address(self.site_id, handle)
        self.views = MarketViews(self.content, self.site_id)
        self.render = renderer(environment(TEMPLATES), site=self)
        self.cache = PageCache()
        self.guard = Guard(
            site.site_id,
            self.settings,
            self.handle,
            TemplatePages(self.render, user=None),
            AccountStore(accounts_path(context.world, site.site_id)),
            now or range_time(lambda: self.clock.days),
            GuardPaths(session_cookie="shop"),
        )
        self.app: ASGIApp = self.guard

    @property
    def moment(self) -> Moment:
        return Moment(self.clock.days, self.content.start)

    def handle(self, req: Request) -> Response:
        if req.method == "POST":
            raise HttpError(405, "this page takes no form")
        moment = self.moment
        page = req.int_param("page", 1)
        key = (req.path, page, moment.day, req.user)

        def make() -> str:
            template, context = self.view(req.path, page, moment)
            return self.render(template, user=req.user, moment=moment, **context)

        return Response(200, self.cache.get(key, make))

    def view(self, path: str, page: int, moment: Moment) -> View:
        parts = [p for p in path.split("/") if p]
        if not parts:
            rows, pages = self._page(self.content.online(self.site_id, moment.week), page)
            return "home.html", {
                "rows": [{"x": x, "btc": btc(x.price_usd, moment)} for x in rows],
                **self._pager("/", page, pages),
            }
        if parts[0] in ("item", "order") and len(parts) == 2:
            x = self.content.listing(self.site_id, parts[1])
            if x is None or not x.online(moment.week):
                raise HttpError(404, "no such item")
            reviews = self.views.visible_reviews([x], moment)
            return parts[0] + ".html", {"x": x, "btc": btc(x.price_usd, moment), "reviews": reviews}
        if parts == ["reviews"]:
            everything = self.content.listings.get(self.site_id, [])
            rows, pages = self._page(self.views.visible_reviews(everything, moment), page)
            return "reviews.html", {"reviews": rows, **self._pager("/reviews", page, pages)}
        if parts == ["pgp"] or parts == ["about"]:
            key = self.content.key_at(self.vendor, moment.week) if self.vendor else None
            return parts[0] + ".html", {"key": key}
        raise HttpError(404, "no such page")

    def _page(self, items: list[Any], page: int) -> tuple[list[Any], int]:
        rows, pages = page_of(items, page)
        if page > pages:
            raise HttpError(404, "no such page")
        return rows, pages

    def _pager(self, base: str, page: int, pages: int) -> dict[str, Any]:
        return {
            "page": page,
            "pages": pages,
            "pager": [(n, f"{base}?page={n}") for n in range(1, pages + 1)],
        }


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "shop"."""
    return ShopSite(context).app
