"""A site's anti-crawling settings, read from the `anti_crawl` object of its sites.json entry.

Every defence is switched on or off by its own key; a key that is absent takes the default below
(off for the switches, so a site without `anti_crawl` is an open site). docs/sites.md lists the
keys for trainers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from darkrange.errors import FormatError


@dataclass(frozen=True)
class AntiCrawl:
    login_wall: bool = False  # every page but login/registration needs a session
    captcha: bool = False  # image CAPTCHA on login, registration and after the queue
    session_ttl_s: int = 21_600  # sessions end this long after login (range clock + real time)
    bind_user_agent: bool = False  # a session presented with another User-Agent is logged out
    rate_limit_per_min: int = 0  # requests per minute per session or circuit; 0 = unlimited
    ban_s: int = 300  # how long a circuit that passed the rate limit stays banned
    queue: bool = False  # EndGame-style waiting page (then the CAPTCHA) before the site
    queue_wait_s: int = 3  # how long the queue page makes a visitor wait
    captcha_tries: int = 3  # wrong answers at the queue's CAPTCHA before back to the queue
    suspend_after_pages_per_min: int = 0  # an account fetching faster is suspended; 0 = never
    traps: bool = False  # endless calendars and sort orders for crawlers to fall into
    uptime: float = 1.0  # share of time windows in which the site answers
    downtime_window_s: int = 120  # length of one up-or-down window
    pass_ttl_s: int = 3_600  # how long a solved queue lets a circuit in

    @classmethod
    def from_json(cls, raw: object, where: str = "anti_crawl") -> AntiCrawl:
        """Settings from a sites.json `anti_crawl` object; unknown keys are ignored."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise FormatError(f"{where}: expected an object")
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw or raw[f.name] is None:
                continue
            values[f.name] = _coerce(f.name, raw[f.name], f.type, where)
        settings = cls(**values)
        if not 0.0 <= settings.uptime <= 1.0:
            raise FormatError(f"{where}: uptime must be between 0 and 1")
        return settings

    def but(self, **changes: Any) -> AntiCrawl:
        """A copy with some settings changed (e.g. defences off for one test)."""
        return replace(self, **changes)


def _coerce(name: str, value: object, kind: object, where: str) -> bool | int | float:
    if kind in (bool, "bool"):
        if not isinstance(value, bool):
            raise FormatError(f"{where}: {name} must be true or false")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FormatError(f"{where}: {name} must be a number >= 0")
    return float(value) if kind in (float, "float") else int(value)
