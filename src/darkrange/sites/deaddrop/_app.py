"""The Hydra-style shop-and-dead-drop market, in Russian: shops per city and district, klad.

URL scheme: /  (cities)  /city/CITY  (districts and shops)  /city/CITY/DISTRICT?page=N
/catalog?page=N  /product/ID  /shop/HANDLE?page=N  /shop/HANDLE/otzyvy?page=N  /balance
/disputes  /mirrors  /canary  /account  /login  /register  /captcha. Cities and districts are
named in Russian on the page and by their English names in URLs. Prices in roubles and BTC.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from darkrange.network._registry import ASGIApp, SiteContext
from darkrange.sites._content import Listing, load_content, page_of
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
    html,
    range_time,
    redirect,
    renderer,
    sort_links,
)
from darkrange.sites.defences._http import Receive, Scope, Send, lifespan, send_response
from darkrange.sites.market import MarketViews, Moment, accounts_path, btc, deposit_address
from darkrange.world.text._geo import city_name, district_name

TEMPLATES = Path(__file__).parent / "templates"
RUB_PER_USD = 92.5  # the shop's posted rate; the world prices goods in USD
PATHS = GuardPaths(session_cookie="hydra_sid", queue_cookie="hq", pass_cookie="hpass")
View = tuple[str, dict[str, Any]]


def rub(usd: float) -> str:
    return f"{round(usd * RUB_PER_USD):,}".replace(",", " ")


class DeadDropSite:
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
        self.canary = str(extra.get("canary") or "")
        self.fate = str(extra.get("fate") or "none")
        self.fate_week = extra.get("fate_week")
        self.settings_json = extra.get("anti_crawl")
        self.settings = settings or AntiCrawl.from_json(self.settings_json)
        self.views = MarketViews(self.content, self.site_id)
        env = environment(TEMPLATES)
        self.render = renderer(env, site=self, rub=rub, ru_city=_ru_city, ru_district=_ru_dist)
        self.cache = PageCache()
        reserved = self.content.accounts.get(self.site_id, {})
        self.guard = Guard(
            site.site_id,
            self.settings,
            self.handle,
            TemplatePages(self.render, user=None, notice="", suspended=False, traps=[]),
            AccountStore(accounts_path(context.world, site.site_id)),
            now or range_time(lambda: self.clock.days),
            PATHS,
            reserved=lambda handle: handle in reserved,
        )

    @property
    def moment(self) -> Moment:
        return Moment(self.clock.days, self.content.start)

    def gone(self) -> bool:
        if self.fate == "none" or self.fate_week is None:
            return False
        return self.moment.week >= int(self.fate_week)

    @property
    def app(self) -> ASGIApp:
        """The ASGI app (the site object itself: uvicorn wants an object with __call__)."""
        return self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] == "http" and self.gone():
            status = 503 if self.fate == "exit_scam" else 200
            page = html(self.render("fate.html", fate=self.fate), status)
            await send_response(send, page, head_only=scope["method"] == "HEAD")
            return
        await self.guard(scope, receive, send)

    def handle(self, req: Request) -> Response:
        if req.method == "POST":
            raise HttpError(405, "this page takes no form")
        parts = [p for p in req.path.split("/") if p]
        if parts[:1] in (["balance"], ["account"]) and req.user is None:
            return redirect(f"{PATHS.login}?next={quote(req.target, safe='')}")
        moment = self.moment
        suspended = bool(req.state.get("suspended"))
        page = req.int_param("page", 1)
        traps = sort_links(req.path, req.query) if self.settings.traps else []
        key = (req.path, page, moment.day, req.user, suspended, req.notice, req.target)

        def make() -> str:
            template, context = self.view(parts, page, moment, req.user)
            return self.render(
                template,
                user=req.user,
                notice=req.notice,
                suspended=suspended,
                traps=traps,
                moment=moment,
                **context,
            )

        return Response(200, self.cache.get(key, make))

    def view(self, parts: list[str], page: int, moment: Moment, user: str | None) -> View:
        n = len(parts)
        head = parts[0] if parts else ""
        if n == 0:
            return "home.html", {"cities": self.cities(moment)}
        if head == "city" and n == 2:
            return self.city(parts[1], moment)
        if head == "city" and n == 3:
            listings = [
                x for x in self.online(moment) if x.city == parts[1] and x.district == parts[2]
            ]
            if not listings:
                raise HttpError(404, "нет такого района")
            title = f"{_ru_city(parts[1])}, {_ru_dist(parts[1], parts[2])}"
            base = f"/city/{_q(parts[1])}/{_q(parts[2])}"
            return self.offers(title, listings, page, moment, base)
        if head == "catalog" and n == 1:
            return self.offers("Все товары", self.online(moment), page, moment, "/catalog")
        if head == "product" and n == 2:
            return self.product(parts[1], moment)
        if head == "shop" and n in (2, 3):
            return self.shop(parts[1], page, moment, reviews=n == 3 and parts[2] == "otzyvy")
        if n == 1 and head in ("balance", "account") and user is not None:
            return head + ".html", {"address": deposit_address(self.site_id, user, "hydra")}
        if n == 1 and head in ("disputes", "mirrors", "canary"):
            return head + ".html", {}
        raise HttpError(404, "страница не найдена")

    def online(self, moment: Moment) -> list[Listing]:
        return self.content.online(self.site_id, moment.week)

    def cities(self, moment: Moment) -> list[dict[str, Any]]:
        found: dict[str, list[Listing]] = {}
        for x in self.online(moment):
            found.setdefault(x.city, []).append(x)
        return [
            {
                "en": city,
                "href": f"/city/{_q(city)}",
                "count": len(items),
                "shops": len({x.vendor for x in items}),
            }
            for city, items in sorted(found.items())
        ]

    def city(self, city: str, moment: Moment) -> View:
        listings = [x for x in self.online(moment) if x.city == city]
        if not listings:
            raise HttpError(404, "нет такого города")
        districts: dict[str, int] = {}
        for x in listings:
            districts[x.district] = districts.get(x.district, 0) + 1
        return "city.html", {
            "city": city,
            "districts": [
                {"en": d, "href": f"/city/{_q(city)}/{_q(d)}", "count": c}
                for d, c in sorted(districts.items())
            ],
            "shops": sorted({x.vendor for x in listings}),
        }

    def offers(
        self, title: str, listings: list[Listing], page: int, moment: Moment, base: str
    ) -> View:
        rows, pages = page_of(listings, page)
        if page > pages:
            raise HttpError(404, "нет такой страницы")
        return "list.html", {
            "heading": title,
            "rows": [{"x": x, "btc": btc(x.price_usd, moment)} for x in rows],
            "page": page,
            "pages": pages,
            "pager": [(i, f"{base}?page={i}") for i in range(1, pages + 1)],
        }

    def product(self, listing_id: str, moment: Moment) -> View:
        x = self.content.listing(self.site_id, listing_id)
        if x is None or not x.online(moment.week):
            raise HttpError(404, "товар не найден")
        reviews = self.views.visible_reviews([x], moment)
        return "product.html", {"x": x, "btc": btc(x.price_usd, moment), "reviews": reviews}

    def shop(self, handle: str, page: int, moment: Moment, reviews: bool) -> View:
        account = self.content.account(self.site_id, handle)
        if account is None or account.role != "vendor" or not account.active(moment.week):
            raise HttpError(404, "магазин не найден")
        everything = self.views.of_vendor(handle)
        feedback = self.views.visible_reviews(everything, moment)
        items = feedback if reviews else [x for x in everything if x.online(moment.week)]
        rows, pages = page_of(items, page)
        if page > pages:
            raise HttpError(404, "нет такой страницы")
        base = f"/shop/{_q(handle)}" + ("/otzyvy" if reviews else "")
        key = self.content.key_at(account, moment.week)
        rating = sum(r["rating"] for r in feedback) / len(feedback) if feedback else 0.0
        return "shop.html", {
            "shop": account,
            "key": key,
            "rating": f"{rating:.1f}" if feedback else "нет оценок",
            "feedback_count": len(feedback),
            "showing_reviews": reviews,
            "rows": rows if reviews else [{"x": x, "btc": btc(x.price_usd, moment)} for x in rows],
            "feedback": feedback[:5],
            "page": page,
            "pages": pages,
            "pager": [(i, f"{base}?page={i}") for i in range(1, pages + 1)],
        }


def _q(text: str) -> str:
    return quote(text, safe="")


def _ru_city(city: str) -> str:
    return city_name(city, "ru")


def _ru_dist(city: str, district: str) -> str:
    return district_name(city, district, "ru")


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "deaddrop"."""
    return DeadDropSite(context).app
