"""Crawl settings: one YAML file (every key optional), checked up front with one-line errors.

Sections: `politeness` (concurrency, delays, retries), `limits` (what one page may cost),
`scope` (which sites and paths), `traps` (canonical URLs and link caps), `identity` (user
agent), `captcha` (solver plug-in, waiting), `mirrors`, `screenshots` (Chromium) and `recipes`
(login recipes per site).
docs/crawl.md describes every key.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from darkrange.errors import FormatError, InputError

TOR_BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
# session ids and presentation parameters that make endless URLs for one page
DROP_PARAMS = (
    "sid",
    "session",
    "sessionid",
    "phpsessid",
    "jsessionid",
    "sort",
    "order",
    "view",
    "utm_source",
    "utm_medium",
    "utm_campaign",
)
# never follow these: they end the session or spend a form
DENY = (r"(?i)/log-?out", r"(?i)[?&/]page=logout", r"(?i)/captcha")


@dataclass(frozen=True)
class Politeness:
    concurrency: int = 16  # pages in flight over all sites
    per_site_concurrency: int = 2
    delay_s: float = 1.0  # between two requests to one site
    retries: int = 4  # per page, after a timeout, a 5xx or a broken connection
    backoff_base_s: float = 2.0  # first retry wait; doubles each time, with jitter
    backoff_max_s: float = 120.0
    max_ban_wait_s: float = 900.0  # the longest Retry-After we honour before giving up a site
    queue_wait_max_s: float = 120.0  # longest queue page wait we accept
    seed: int = 0  # the jitter's random.Random seed (deterministic runs)


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 8 << 20  # raw bytes read per response; the rest is cut
    max_decoded_bytes: int = 16 << 20  # after gzip/deflate: guards against bombs
    max_parse_bytes: int = 4 << 20  # HTML handed to the parser
    connect_timeout_s: float = 60.0
    read_timeout_s: float = 60.0  # silence between two reads
    page_timeout_s: float = 120.0  # a whole response, slow drip included
    max_redirects: int = 10
    max_links_per_page: int = 2000


@dataclass(frozen=True)
class Scope:
    sites: tuple[str, ...] = ()  # onions to crawl; empty: the seeds' onions; "*": any onion
    allow: tuple[str, ...] = ()  # regexes on path?query; empty: everything
    deny: tuple[str, ...] = DENY
    max_depth: int = 50
    max_pages_per_site: int = 100_000


@dataclass(frozen=True)
class Traps:
    drop_params: tuple[str, ...] = DROP_PARAMS
    max_query_params: int = 6
    max_per_template: int = 500  # distinct URLs per path template (/calendar/N/N)
    near_duplicate_distance: int = 3  # simhash bits
    near_duplicate_max: int = 25  # near-duplicates of one page before links stop being followed


@dataclass(frozen=True)
class Identity:
    user_agent: str = TOR_BROWSER_UA
    isolate: bool = True  # SOCKS credentials per site identity (Tor's IsolateSOCKSAuth)


@dataclass(frozen=True)
class CaptchaSettings:
    solver: str | None = None  # "module:function" (png, site, url) -> answer | None
    wait_s: float = 600.0  # how long a CAPTCHA waits in the queue for a person
    tries: int = 3


@dataclass(frozen=True)
class Mirrors:
    link_pattern: str = r"(?i)mirror|onions"  # the link to a site's own mirror list
    distance: int = 6  # simhash bits under which two home pages look alike


@dataclass(frozen=True)
class Screenshots:
    enabled: bool = False  # `darkrange crawl --screenshots`
    chromium: str = "/usr/bin/chromium"
    timeout_s: float = 30.0  # one page: load and full-page screenshot
    concurrency: int = 2  # pages rendered at once
    width: int = 1280
    height: int = 800  # the viewport; the screenshot is the full page


@dataclass(frozen=True)
class Recipe:
    """How to log in to one site; anything left out is found on the page (form discovery)."""

    name: str
    hosts: tuple[str, ...] = ()  # onions it applies to; empty: any host whose form matches
    credentials: str = ""  # vault entry; default: the recipe's name
    login_url: str = ""  # e.g. /login; empty: wherever the site sends us
    username_field: str = ""
    password_field: str = ""
    captcha_field: str = ""
    captcha_image: str = ""  # CSS selector of the CAPTCHA <img>
    success_marker: str = ""  # regex seen once logged in
    failure_marker: str = r"(?i)invalid|wrong|incorrect|error"
    expired_marker: str = r"(?i)session (has )?(expired|ended)|log ?in again"
    queue_marker: str = r"(?i)queue|please wait"
    register_url: str = ""  # register the vault account first when login says it is unknown
    register_fields: dict[str, str] = field(default_factory=dict)  # extra: {password2: password}


@dataclass(frozen=True)
class CrawlConfig:
    politeness: Politeness = Politeness()
    limits: Limits = Limits()
    scope: Scope = Scope()
    traps: Traps = Traps()
    identity: Identity = Identity()
    captcha: CaptchaSettings = CaptchaSettings()
    mirrors: Mirrors = Mirrors()
    screenshots: Screenshots = Screenshots()
    recipes: tuple[Recipe, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def recipe_for(self, host: str) -> Recipe | None:
        for recipe in self.recipes:
            if host in recipe.hosts:
                return recipe
        return next((r for r in self.recipes if not r.hosts), None)


def _section(cls: type[Any], raw: object, where: str) -> Any:
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: expected a mapping")
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise FormatError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        values[key] = _coerce(value, known[key].type, f"{where}.{key}")
    try:
        return cls(**values)
    except TypeError as exc:
        raise FormatError(f"{where}: {exc}") from None


def _coerce(value: object, kind: object, where: str) -> object:
    text = str(kind)
    if text.startswith("tuple"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FormatError(f"{where}: expected a list of strings")
        return tuple(value)
    if text.startswith("dict"):
        if not isinstance(value, dict):
            raise FormatError(f"{where}: expected a mapping")
        return {str(k): str(v) for k, v in value.items()}
    if text == "bool":
        if not isinstance(value, bool):
            raise FormatError(f"{where}: expected true or false")
        return value
    if text in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise FormatError(f"{where}: expected a number >= 0")
        return int(value) if text == "int" else float(value)
    if value is not None and not isinstance(value, str):
        raise FormatError(f"{where}: expected text")
    return value


def _recipes(raw: object) -> tuple[Recipe, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise FormatError("recipes: expected a mapping of site name to recipe")
    out = []
    for name, body in raw.items():
        recipe = _section(Recipe, {"name": str(name), **(body or {})}, f"recipes.{name}")
        out.append(recipe)
    return tuple(out)


def _check(config: CrawlConfig) -> CrawlConfig:
    p, lim = config.politeness, config.limits
    if p.concurrency < 1 or p.per_site_concurrency < 1:
        raise FormatError("politeness: concurrency values must be at least 1")
    shots = config.screenshots
    if shots.timeout_s <= 0 or shots.concurrency < 1 or min(shots.width, shots.height) < 100:
        raise FormatError("screenshots: timeout above 0, concurrency >= 1, sizes >= 100 px")
    if lim.max_body_bytes < 1024 or lim.max_decoded_bytes < 1024:
        raise FormatError("limits: byte limits must be at least 1024")
    if min(lim.connect_timeout_s, lim.read_timeout_s, lim.page_timeout_s) <= 0:
        raise FormatError("limits: timeouts must be above 0")
    patterns = [*config.scope.allow, *config.scope.deny, config.mirrors.link_pattern]
    for r in config.recipes:
        patterns += [r.success_marker, r.failure_marker, r.expired_marker, r.queue_marker]
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise FormatError(f"bad regular expression {pattern!r}: {exc}") from None
    return config


def parse_config(raw: object) -> CrawlConfig:
    """A CrawlConfig from a parsed YAML/JSON mapping."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise FormatError("crawl config: expected a mapping at the top")
    sections = {
        "politeness": Politeness,
        "limits": Limits,
        "scope": Scope,
        "traps": Traps,
        "identity": Identity,
        "captcha": CaptchaSettings,
        "mirrors": Mirrors,
        "screenshots": Screenshots,
    }
    unknown = set(raw) - set(sections) - {"recipes"}
    if unknown:
        raise FormatError(f"crawl config: unknown section {sorted(unknown)[0]!r}")
    values = {name: _section(cls, raw.get(name), name) for name, cls in sections.items()}
    return _check(CrawlConfig(**values, recipes=_recipes(raw.get("recipes"))))


def load_config(path: Path | None) -> CrawlConfig:
    """Settings from a YAML file; None: every default."""
    if path is None:
        return CrawlConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise FormatError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    return parse_config(raw)


def config_from_json(raw: dict[str, Any]) -> CrawlConfig:
    """The inverse of as_json (the state DB keeps the configuration of a crawl)."""
    recipes = {r.pop("name"): r for r in [dict(r) for r in raw.get("recipes", [])]}
    body = {k: v for k, v in raw.items() if k != "recipes"}
    return parse_config({**body, "recipes": recipes or None})
