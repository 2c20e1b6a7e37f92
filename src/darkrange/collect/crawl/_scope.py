"""Which URLs the crawler follows: canonical URLs, scope rules and crawler-trap defences.

Canonical form: http scheme, lower-case host, no fragment, no default port, query parameters
sorted with session ids and presentation parameters dropped. A path template (digits and long
tokens replaced) counts distinct URLs of one shape, so an endless calendar stops at a cap.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections import Counter
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import numpy as np

from darkrange.collect.crawl._config import CrawlConfig

_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")
_WORD = re.compile(r"\w{2,}", re.UNICODE)
# "/path" with nothing urljoin reworks: no "//" start, dot segments, ";", backslash, TAB, CR, LF
_ROOTED = re.compile(r"/(?!/)[^\\\t\r\n;]*\Z")
ONION = re.compile(r"\b[a-z2-7]{56}\.onion\b")


@functools.lru_cache(maxsize=1 << 14)
def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def canonical(url: str, base: str | None = None, drop: tuple[str, ...] = ()) -> str | None:
    """The canonical form of `url` (joined to `base`); None for what is not an http(s) page."""
    url = url.strip()
    if not base:
        return _canonical(url, drop)
    # a site's navigation links repeat on every page: "/path" needs only the base's origin,
    # and the canonical form of the joined URL is cached (urljoin and quoting cost the most)
    if _ROOTED.match(url) and "/." not in url:
        origin = _origin(base)
        if origin:
            return _canonical(origin + url, drop)
    try:
        joined = urljoin(base, url)
    except ValueError:
        return None
    return _canonical(joined, drop)


@functools.lru_cache(maxsize=1 << 12)
def _origin(base: str) -> str:
    """scheme://netloc of an http(s) base URL, else ""."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


@functools.lru_cache(maxsize=1 << 16)
def _canonical(joined: str, drop: tuple[str, ...]) -> str | None:
    try:
        parts = urlsplit(joined)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    netloc = host.lower()
    if port and port != (80 if parts.scheme == "http" else 443):
        netloc += f":{port}"
    path = quote(unquote(parts.path or "/"), safe="/:@!$&'()*+,;=-._~")
    dropped = {d.lower() for d in drop}
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in dropped
    )
    return urlunsplit((parts.scheme, netloc, path, urlencode(query), ""))


def template(url: str) -> str:
    """The shape of a URL: /calendar/2026/01?day=3 -> /calendar/N/N?day."""
    parts = urlsplit(url)
    path = _DIGITS.sub("N", _TOKEN.sub("X", parts.path))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


class ScopeRules:
    """Decides, URL by URL, what is in scope; counts templates per site."""

    def __init__(self, config: CrawlConfig, seed_hosts: list[str]) -> None:
        self.config = config
        s = config.scope
        self.any_site = "*" in s.sites
        self.sites = {h.lower() for h in (s.sites or tuple(seed_hosts)) if h != "*"}
        self.allow = [re.compile(p) for p in s.allow]
        self.deny = [re.compile(p) for p in s.deny]
        for recipe in config.recipes:
            for path in (recipe.login_url, recipe.register_url):
                if path:
                    self.deny.append(re.compile("^" + re.escape(urlsplit(path).path) + r"(\?|$)"))
        self.templates: Counter[tuple[str, str]] = Counter()

    def add_site(self, host: str) -> None:
        self.sites.add(host)

    def site_allowed(self, host: str) -> bool:
        return (self.any_site and host.endswith(".onion")) or host in self.sites

    def why_not(self, url: str, depth: int) -> str | None:
        """None when `url` may be crawled at `depth`, else the rule that stops it."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not self.site_allowed(host):
            return "site"
        if depth > self.config.scope.max_depth:
            return "depth"
        target = parts.path + ("?" + parts.query if parts.query else "")
        if self.allow and not any(p.search(target) for p in self.allow):
            return "allow"
        if any(p.search(target) for p in self.deny):
            return "deny"
        if parts.query and len(parse_qsl(parts.query)) > self.config.traps.max_query_params:
            return "params"
        return None

    def count_template(self, url: str) -> bool:
        """Count one more URL of its template; False once the template's cap is reached."""
        key = (host_of(url), template(url))
        if self.templates[key] >= self.config.traps.max_per_template:
            return False
        self.templates[key] += 1
        return True


def simhash(text: str) -> int:
    """64-bit simhash of word 2-shingles: near-identical texts differ in a few bits."""
    words = _WORD.findall(ONION.sub(" ", text.lower()))
    if not words:
        return 0
    grams: Counter[tuple[str, ...]] = Counter(itertools.pairwise(words))
    if not grams:
        grams[(words[0],)] = 1
    hashes = np.fromiter((_gram_hash(gram) for gram in grams), dtype=np.uint64, count=len(grams))
    counts = np.fromiter(grams.values(), dtype=np.int64, count=len(grams))
    # one row of +1/-1 per gram and bit, weighted by the gram's count: numpy, not 64 Python
    # steps per gram (a long page has thousands of grams)
    bits = (hashes[:, None] >> _BIT_SHIFTS) & np.uint64(1)
    weights = counts @ (bits.astype(np.int64) * 2 - 1)
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


_BIT_SHIFTS = np.arange(64, dtype=np.uint64)


@functools.lru_cache(maxsize=1 << 16)  # menus and footers repeat on every page of a site
def _gram_hash(gram: tuple[str, ...]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(gram).encode(), digest_size=8).digest(), "big")


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


class NearDuplicates:
    """Pages per site grouped by simhash; says when a page is one near-duplicate too many.

    Four 16-bit bands index the fingerprints, so a page whose fingerprint is within 3 bits of
    an earlier one shares at least one band with it (pigeonhole) and is found without a scan.
    """

    def __init__(self, max_distance: int, max_copies: int) -> None:
        self.max_distance = max_distance
        self.max_copies = max_copies
        self._bands: dict[tuple[str, int, int], list[int]] = {}
        self._copies: Counter[tuple[str, int]] = Counter()

    def add(self, site: str, fingerprint: int) -> bool:
        """Record a page; True when links on it should still be followed."""
        if fingerprint == 0:
            return True
        match = None
        for band in range(4):
            key = (site, band, fingerprint >> (16 * band) & 0xFFFF)
            for other in self._bands.get(key, ()):
                if distance(other, fingerprint) <= self.max_distance:
                    match = other
                    break
            if match is not None:
                break
        if match is None:
            for band in range(4):
                key = (site, band, fingerprint >> (16 * band) & 0xFFFF)
                self._bands.setdefault(key, []).append(fingerprint)
            return True
        self._copies[(site, match)] += 1
        return self._copies[(site, match)] <= self.max_copies
