"""What a response to a page request is: the page itself, or a defence standing in front of it.

The same function decides live and when a restarted crawl looks at records written but not yet
marked, so both reach the same verdict from the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from darkrange.collect.crawl._config import Recipe
from darkrange.collect.crawl._page import PageView
from darkrange.collect.crawl._scope import canonical

REDIRECTS = (301, 302, 303, 307, 308)
RETRY = (500, 502, 503, 504, 520, 521, 522, 523, 524)
_LOGIN_PATH = re.compile(r"(?i)log-?in|sign-?in|/auth\b")
_BANNED = re.compile(r"(?i)banned|too many requests|rate limit|slow down")
_SUSPENDED = re.compile(r"(?i)suspended")

# verdicts
PAGE = "page"
REDIRECT = "redirect"
LOGIN = "login"  # sent to a login page, or shown one: log in, then ask again
QUEUE = "queue"  # a waiting page: wait, then ask again
GATE = "gate"  # a CAPTCHA in front of the site
BANNED = "banned"  # 429 or a ban page: back off the whole site
SUSPENDED = "suspended"
RETRY_LATER = "retry"  # the site is down or overloaded


@dataclass(frozen=True)
class Verdict:
    kind: str
    target: str | None = None  # redirect or refresh target
    wait_s: float = 0.0


def retry_after(value: str) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _is_login_url(url: str, recipe: Recipe | None) -> bool:
    path = urlsplit(url).path
    if recipe and recipe.login_url:
        return path == urlsplit(recipe.login_url).path
    return bool(_LOGIN_PATH.search(path))


def classify(
    url: str, status: int, headers: dict[str, str], view: PageView, recipe: Recipe | None
) -> Verdict:
    """The verdict on the response to GET `url`; `headers` have lower-case names."""
    wait = retry_after(headers.get("retry-after", "")) or 0.0
    if status in REDIRECTS and headers.get("location"):
        target = canonical(headers["location"], url)
        if target and _is_login_url(target, recipe) and not _is_login_url(url, recipe):
            return Verdict(LOGIN, target)
        return Verdict(REDIRECT, target)
    if status == 429 or (status == 403 and (wait or _BANNED.search(view.title + view.text[:500]))):
        return Verdict(BANNED, wait_s=wait)
    if status == 403 and _SUSPENDED.search(view.title + view.text[:500]):
        return Verdict(SUSPENDED)
    if status in RETRY:
        return Verdict(RETRY_LATER, wait_s=wait)
    if status == 200:
        queue_marker = recipe.queue_marker if recipe else r"(?i)queue|please wait"
        if view.refresh is not None and (
            view.refresh[1] == url or re.search(queue_marker, view.title + view.text[:1000])
        ):
            return Verdict(QUEUE, view.refresh[1], view.refresh[0])
        if any(f.is_login for f in view.forms) and not _is_login_url(url, recipe):
            return Verdict(LOGIN, url)
        if any(f.is_gate for f in view.forms):
            return Verdict(GATE, url)
    return Verdict(PAGE)
