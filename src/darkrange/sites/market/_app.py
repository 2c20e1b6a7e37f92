"""An escrow market (or a phishing clone of one) as an ASGI app behind the guard.

The market's fate comes first: after `fate_week` an exit-scammed market answers every request
with a farewell page (503) and a seized one with the law-enforcement banner, whatever the path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from darkrange.network._registry import ASGIApp, RangeClock, SiteContext
from darkrange.sites._content import WorldContent, load_content
from darkrange.sites.defences import (
    AccountStore,
    AntiCrawl,
    Guard,
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
from darkrange.sites.market._scheme import SCHEMES, Dream, Scheme
from darkrange.sites.market._views import MarketViews, Moment, View
from darkrange.sites.market._wallet import deposit_address

TEMPLATES = Path(__file__).parent / "templates"


def accounts_path(world: Path, site_id: str) -> Path:
    """Where the range keeps a site's registered accounts."""
    return world / ".range" / "sites" / f"{site_id}.sqlite"


class MarketSite:
    """One market's pages; `app` is the ASGI app the range serves."""

    def __init__(
        self,
        context: SiteContext,
        *,
        settings: AntiCrawl | None = None,
        now: Callable[[], float] | None = None,
        phishing: bool = False,
    ) -> None:
        site = context.site
        self.site_id = site.site_id
        self.clock: RangeClock = context.clock
        self.content: WorldContent = load_content(context.world)
        extra = site.extra
        self.phishing = phishing
        self.source_id = site.site_id
        if phishing:
            target = self.content.by_onion.get(str(extra.get("clone_of") or ""))
            self.source_id = target or site.site_id
        source = self.content.site(self.source_id)
        software = str(extra.get("software") or source.get("software") or "dream")
        self.scheme: Scheme = SCHEMES.get(software, Dream())
        self.software = self.scheme.name
        self.name = site.name
        self.onions = site.addresses
        self.canary = str(extra.get("canary") or source.get("canary") or "")
        self.fate = str(extra.get("fate") or "none")
        self.fate_week = extra.get("fate_week")
        self.opened_week = int(extra.get("opened_week") or 0)
        self.settings_json = extra.get("anti_crawl")
        self.settings = settings or AntiCrawl.from_json(self.settings_json)
        self.views = MarketViews(self.content, self.source_id)
        self.staff_key = self.views.staff_key(
            str(source.get("onion") or site.onion) if phishing else site.onion
        )
        env = environment(TEMPLATES / self.software, TEMPLATES / "common")
        self.render = renderer(env, site=self, u=self.scheme)
        self.cache = PageCache()
        reserved = self.content.accounts.get(self.source_id, {})
        self.guard = Guard(
            site.site_id,
            self.settings,
            self.handle,
            TemplatePages(self.render, user=None, notice="", suspended=False, traps=False),
            AccountStore(accounts_path(context.world, site.site_id)),
            now or range_time(lambda: self.clock.days),
            self.scheme.paths,
            reserved=lambda handle: handle in reserved,
            harvest=phishing,
        )

    @property
    def moment(self) -> Moment:
        return Moment(self.clock.days, self.content.start)

    def fate_page(self, moment: Moment) -> Response | None:
        if moment.week < self.opened_week:
            return html(self.render("fate.html", fate="closed"), 502)
        if self.fate == "none" or self.fate_week is None or moment.week < int(self.fate_week):
            return None
        status = 503 if self.fate == "exit_scam" else 200
        return html(self.render("fate.html", fate=self.fate), status)

    @property
    def app(self) -> ASGIApp:
        """The ASGI app (the site object itself: uvicorn wants an object with __call__)."""
        return self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] == "http":
            gone = self.fate_page(self.moment)
            if gone is not None:
                await send_response(send, gone, head_only=scope["method"] == "HEAD")
                return
        await self.guard(scope, receive, send)

    # pages -----------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        if req.method == "POST":
            raise HttpError(405, "this page takes no form")
        view, args = self.scheme.route(req)
        moment = self.moment
        if view in ("wallet", "account") and req.user is None:
            return redirect(f"{self.scheme.paths.login}?next={quote(req.target, safe='')}")
        suspended = bool(req.state.get("suspended"))
        sort = req.query.get("sort", "newest")
        key: tuple[Any, ...] = (
            view,
            tuple(sorted(args.items())),
            sort,
            moment.day,
            req.user,
            suspended,
            req.notice,
        )
        traps = sort_links(req.path, req.query) if self.settings.traps else []

        def make() -> str:
            template, context = self.view(view, args, sort, moment, req.user)
            if "pages" in context:
                context["pager"] = [
                    (n, self.page_url(view, args, n)) for n in range(1, context["pages"] + 1)
                ]
            return self.render(
                template,
                user=req.user,
                notice=req.notice,
                suspended=suspended,
                traps=traps,
                view=view,
                moment=moment,
                **context,
            )

        if traps:  # trap links differ per URL: cache the page per URL
            key = (*key, req.target)
        return Response(200, self.cache.get(key, make))

    def view(
        self, view: str, args: dict[str, str], sort: str, moment: Moment, user: str | None
    ) -> View:
        v = self.views
        page = int(args.get("page", "1") or "1")
        if view == "home":
            return v.home(moment)
        if view == "browse":
            return v.browse(page, sort, moment)
        if view == "category":
            return v.category(args["cat"], page, sort, moment)
        if view == "search":
            return v.search(args["q"], page, moment)
        if view == "listing":
            return v.listing(args["id"], moment)
        if view == "vendor":
            return v.vendor(args["handle"], page, moment)
        if view == "reviews":
            return v.reviews(args["handle"], page, moment)
        return view + ".html", self.simple(view, user)

    def page_url(self, view: str, args: dict[str, str], n: int) -> str:
        u = self.scheme
        if view == "category":
            return u.category(int(args["cat"]), n)
        if view == "search":
            return u.search(args["q"], n)
        if view == "vendor":
            return u.vendor(args["handle"], n)
        if view == "reviews":
            return u.reviews(args["handle"], n)
        return u.browse(n)

    def simple(self, view: str, user: str | None) -> dict[str, Any]:
        if view in ("wallet", "account") and user is not None:
            return {"address": deposit_address(self.site_id, user, self.software)}
        if view == "support":
            return {"staff_key": self.staff_key}
        return {}


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "market"."""
    return MarketSite(context).app


def build_phishing_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "phishing": a clone of the market named by `clone_of`."""
    return MarketSite(context, phishing=True).app
