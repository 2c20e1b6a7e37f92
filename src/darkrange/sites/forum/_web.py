"""What the service sites (forum, paste, mixer, exchange, directory) share: Jinja2 templates from
the site's package, a cache of rendered pages per world week, and serving behind the defences.

Sites are handlers of the defences' HTTP layer (darkrange.sites.defences: Request -> Response,
HttpError for 400/404/413), so every site sits behind a `Guard` configured from its own
`anti_crawl` settings (login wall, CAPTCHA, rate limits, downtime ...), and error pages come
out in the site's own look through its blocked.html template.

A page of these sites depends only on its URL and the world's week, so the first request renders
it and later ones cost a dictionary lookup; that keeps a site well above 1,000 requests a second
per core. The cache is bounded, so endless distinct URLs (a crawler trying search words) cannot
grow it without end.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape

from darkrange.network import ASGIApp, RangeClock, SiteContext
from darkrange.sites.defences import (
    AccountStore,
    AntiCrawl,
    Form,
    Guard,
    PlainPages,
    Request,
    Response,
    html,
    range_time,
)

CACHE_PAGES = 4096
RANGE_DIR = ".range"  # the range's state folder in a world (docs/range.md)


def _date(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M")


def templates(package: str) -> Environment:
    """The Jinja2 templates shipped in `package`/templates, HTML-escaped."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date
    env.filters["q"] = lambda s: quote(str(s), safe="")
    return env


class ServiceSite:
    """A site's pages as a defences Handler, GET pages cached per (week, URL)."""

    def __init__(self, package: str, name: str, clock: RangeClock) -> None:
        self.name = name
        self.clock = clock
        self.env = templates(package)
        self.cache: dict[tuple[int, str], bytes] = {}

    @property
    def week(self) -> int:
        return self.clock.days // 7

    def render(self, name: str, **values: Any) -> str:
        return self.env.get_template(name).render(site=self.name, week=self.week, **values)

    def __call__(self, req: Request) -> Response:
        if req.method in ("GET", "HEAD"):
            body = self.cache.get((self.week, req.target))
            if body is not None:
                return Response(200, body)
        return self.route(req)

    def route(self, req: Request) -> Response:  # pragma: no cover - every site overrides it
        raise NotImplementedError

    def page(self, req: Request, name: str, **values: Any) -> Response:
        """Render a template; GET pages go into the cache."""
        response = html(self.render(name, **values))
        if req.method in ("GET", "HEAD"):
            if len(self.cache) >= CACHE_PAGES:
                self.cache.pop(next(iter(self.cache)))  # oldest first: dicts keep order
            self.cache[(self.week, req.target)] = response.body
        return response


class SitePages(PlainPages):
    """The guard's pages: plain login/queue forms, errors in the site's own blocked.html.

    A site that ships login.html (the forum) draws its login and registration forms too.
    """

    def __init__(self, site: ServiceSite) -> None:
        super().__init__(site.name)
        self.site = site

    def _has(self, name: str) -> bool:
        return name in self.site.env.list_templates()

    def login(self, req: Request, form: Form) -> str:
        if self._has("login.html"):
            return self.site.render("login.html", form=form, register=False)
        return super().login(req, form)

    def register(self, req: Request, form: Form) -> str:
        if self._has("login.html"):
            return self.site.render("login.html", form=form, register=True)
        return super().register(req, form)

    def blocked(self, req: Request, status: int, reason: str, title: str, message: str) -> str:
        return self.site.render(
            "blocked.html", status=status, reason=reason, title=title, message=message
        )


def guarded(site: ServiceSite, site_id: str, settings: AntiCrawl, accounts: Any = None) -> Guard:
    """`site` as an ASGI app behind the defences `settings` switch on."""
    store = accounts if accounts is not None else AccountStore(None)
    now = range_time(lambda: site.clock.days)
    return Guard(site_id, settings, site, SitePages(site), store, now)


def serve_site(site: ServiceSite, context: SiteContext) -> ASGIApp:
    """A site factory's usual answer: the site behind its sites.json `anti_crawl` settings.

    Accounts (sites with a login) live in WORLD/.range/<site_id>-accounts.sqlite, shared by the
    range's workers.
    """
    settings = AntiCrawl.from_json(context.site.extra.get("anti_crawl"), context.site.site_id)
    accounts = None
    if settings.login_wall or settings.captcha:
        path = context.world / RANGE_DIR / f"{context.site.site_id}-accounts.sqlite"
        accounts = AccountStore(path)
    return guarded(site, context.site.site_id, settings, accounts)
