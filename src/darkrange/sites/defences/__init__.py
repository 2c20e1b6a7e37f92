"""Anti-crawling defences for the range's sites, each switched by a key of `anti_crawl`.

`Guard` wraps a site's request handler (login wall, image CAPTCHA, user-agent-bound expiring
sessions, rate limit and ban, EndGame-style queue, traps, scraper suspension, downtime windows);
`AntiCrawl` reads the settings; `captcha_answer` lets a solver that knows the world answer a
CAPTCHA. The HTTP layer (`Request`, `Response`, `HttpError`) and the template helpers
(`environment`, `renderer`, `PageCache`) are shared by the site packages.
"""

from darkrange.sites.defences._accounts import AccountStore, check_handle
from darkrange.sites.defences._captcha import Captchas, captcha_answer, captcha_png
from darkrange.sites.defences._config import AntiCrawl
from darkrange.sites.defences._guard import Guard, Handler, range_time
from darkrange.sites.defences._http import (
    HTML,
    PNG,
    TEXT,
    HttpError,
    Request,
    Response,
    html,
    redirect,
)
from darkrange.sites.defences._limits import Bans, RateCounter
from darkrange.sites.defences._pages import Form, GuardPages, GuardPaths, PlainPages, TemplatePages
from darkrange.sites.defences._render import PageCache, environment, renderer
from darkrange.sites.defences._tokens import Signer, site_secret, ua_tag
from darkrange.sites.defences._traps import SORTS, calendar_page, downtime, sort_links, up_windows

__all__ = [
    "HTML",
    "PNG",
    "SORTS",
    "TEXT",
    "AccountStore",
    "AntiCrawl",
    "Bans",
    "Captchas",
    "Form",
    "Guard",
    "GuardPages",
    "GuardPaths",
    "Handler",
    "HttpError",
    "PageCache",
    "PlainPages",
    "RateCounter",
    "Request",
    "Response",
    "Signer",
    "TemplatePages",
    "calendar_page",
    "captcha_answer",
    "captcha_png",
    "check_handle",
    "downtime",
    "environment",
    "html",
    "range_time",
    "redirect",
    "renderer",
    "site_secret",
    "sort_links",
    "ua_tag",
    "up_windows",
]
