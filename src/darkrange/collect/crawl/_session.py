"""One site identity: its HTTP client (own SOCKS credentials, user agent, cookies) and how it
gets past a site's front: login form, CAPTCHA gate, registration.

Only one task of a site logs in at a time; the others wait and find the session renewed (a
generation counter tells whether someone else already did it since they were turned away).
Every exchange, login included, is handed to `record` so it lands in the WARC.
"""

from __future__ import annotations

import asyncio
import functools
import re
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from darkrange.collect.crawl._classify import REDIRECTS
from darkrange.collect.crawl._config import CrawlConfig, Recipe
from darkrange.collect.crawl._fetch import Exchange, fetch
from darkrange.collect.crawl._page import FormInfo, PageView, analyse
from darkrange.collect.crawl._scope import canonical, host_of
from darkrange.collect.crawl._vault import Credentials

Record = Callable[[Exchange], object]
Solve = Callable[[str, str, bytes], Awaitable[str | None]]
_UNKNOWN_USER = re.compile(r"(?i)invalid username|unknown user|no such user|not registered")


class LoginFailed(Exception):
    """The site does not let this identity in; the message says why."""


@dataclass
class Identity:
    host: str
    user_agent: str
    proxy: str
    credentials: Credentials | None
    recipe: Recipe | None


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every identity: loading the CA store costs ~75 ms."""
    return httpx.create_ssl_context(trust_env=False)  # what each client would build alone


def proxy_for(proxy: str, host: str, isolate: bool, crawl_id: str) -> str:
    """The SOCKS URL with per-identity credentials: Tor gives each its own circuit."""
    if not isolate:
        return proxy
    scheme, sep, rest = proxy.partition("://")
    rest = rest.rsplit("@", 1)[-1]
    user = quote(f"darkrange-{crawl_id}", safe="")
    return f"{scheme}{sep}{user}:{quote(host, safe='')}@{rest}"


class SiteSession:
    def __init__(
        self, identity: Identity, config: CrawlConfig, record: Record, solve: Solve
    ) -> None:
        self.identity = identity
        self.config = config
        self.record = record
        self.solve = solve
        lim = config.limits
        self.client = httpx.AsyncClient(
            proxy=identity.proxy,
            headers={"User-Agent": identity.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(
                connect=lim.connect_timeout_s, read=lim.read_timeout_s, write=30.0, pool=None
            ),
            limits=httpx.Limits(max_connections=config.politeness.per_site_concurrency + 2),
            follow_redirects=False,
            trust_env=False,
            verify=_tls(),
        )
        self.lock = asyncio.Lock()
        self.generation = 0
        self.logins = 0
        self.captchas = 0

    @property
    def host(self) -> str:
        return self.identity.host

    def cookies(self) -> list[dict[str, str]]:
        return [
            {"name": c.name, "value": c.value or "", "domain": c.domain, "path": c.path}
            for c in self.client.cookies.jar
        ]

    def restore(self, cookies: list[dict[str, str]]) -> None:
        for c in cookies:
            self.client.cookies.set(c["name"], c["value"], domain=c["domain"], path=c["path"])

    async def close(self) -> None:
        await self.client.aclose()

    async def exchange(
        self, url: str, method: str = "GET", data: dict[str, str] | None = None
    ) -> tuple[Exchange, PageView]:
        ex = await fetch(self.client, url, self.config.limits, method, data)
        self.record(ex)
        lim, traps = self.config.limits, self.config.traps
        view = analyse(
            ex.body, ex.header("content-type"), url, lim.max_parse_bytes, 50, traps.drop_params
        )
        return ex, view

    # fronts ---------------------------------------------------------------------------------
    async def login(self, generation: int, login_url: str) -> None:
        """Log in (once for all tasks that were turned away in the same generation)."""
        async with self.lock:
            if generation != self.generation:
                return
            if self.identity.credentials is None:
                raise LoginFailed(f"{self.host} wants a login and the vault has no credentials")
            recipe = self.identity.recipe
            if recipe and recipe.login_url:
                login_url = canonical(recipe.login_url, f"http://{self.host}/") or login_url
            await self._login(login_url)
            self.generation += 1
            self.logins += 1

    async def pass_gate(self, generation: int, url: str, view: PageView) -> None:
        async with self.lock:
            if generation != self.generation:
                return
            form = next(f for f in view.forms if f.is_gate)
            for _ in range(self.config.captcha.tries):
                data = await self._with_captcha(form, dict(form.fields))
                ex, after = await self.exchange(form.action, "POST", data)
                if ex.status in REDIRECTS:
                    self.generation += 1
                    return
                again = next((f for f in after.forms if f.is_gate), None)
                if again is None:
                    return  # back to the queue (three strikes): the caller asks again
                form = again
            raise LoginFailed(f"{self.host}: CAPTCHA gate not passed")

    async def _login(self, login_url: str) -> None:
        creds = self.identity.credentials
        assert creds is not None
        registered = False
        for _ in range(self.config.captcha.tries + 1):
            ex, view = await self.exchange(login_url)
            if ex.status in REDIRECTS:
                target = canonical(ex.header("location"), login_url)
                if target:
                    ex, view = await self.exchange(target)
            form = self._login_form(view)
            if form is None:
                raise LoginFailed(f"{self.host}: no login form at {login_url} (HTTP {ex.status})")
            data = dict(form.fields)
            user_field, password_field = self._fields(form)
            data[user_field] = creds.username
            data[password_field] = creds.password
            data = await self._with_captcha(form, data)
            post, after = await self.exchange(form.action, "POST", data)
            if post.status in REDIRECTS and not _sent_to_login(post, self.identity.recipe):
                return
            message = after.text[:2000]
            recipe = self.identity.recipe
            if recipe and recipe.register_url and not registered and _UNKNOWN_USER.search(message):
                await self._register(recipe, _register_link(view, recipe, self.host))
                registered = True
                continue
            if not re.search(r"(?i)captcha|answer", message):
                raise LoginFailed(f"{self.host}: login refused ({_snippet(after)})")
        raise LoginFailed(f"{self.host}: login failed after {self.config.captcha.tries} tries")

    async def _register(self, recipe: Recipe, url: str | None) -> None:
        creds = self.identity.credentials
        assert creds is not None
        if url is None:
            raise LoginFailed(f"{self.host}: no registration link found on the login page")
        for _ in range(self.config.captcha.tries):
            _, view = await self.exchange(url)
            form = self._login_form(view)
            if form is None:
                raise LoginFailed(f"{self.host}: no registration form at {url}")
            data = dict(form.fields)
            user_field, _ = self._fields(form)
            data[user_field] = creds.username
            for name in form.password_fields:
                data[name] = creds.password
            for name, value in recipe.register_fields.items():
                data[name] = creds.password if value == "password" else value
            data = await self._with_captcha(form, data)
            post, after = await self.exchange(form.action, "POST", data)
            if post.status in REDIRECTS or re.search(r"(?i)\btaken\b", after.text[:2000]):
                return  # registered now, or by another identity of ours a moment ago
            if not re.search(r"(?i)captcha", after.text[:2000]):
                raise LoginFailed(f"{self.host}: registration refused ({_snippet(after)})")
        raise LoginFailed(f"{self.host}: registration failed")

    def _login_form(self, view: PageView) -> FormInfo | None:
        return next((f for f in view.forms if f.is_login), None)

    def _fields(self, form: FormInfo) -> tuple[str, str]:
        recipe = self.identity.recipe
        captcha = self._captcha_field(form)
        users = [t for t in form.text_fields if t != captcha]
        user = (recipe.username_field if recipe else "") or (users[0] if users else "username")
        password = (recipe.password_field if recipe else "") or form.password_fields[0]
        return user, password

    def _captcha_field(self, form: FormInfo) -> str:
        recipe = self.identity.recipe
        if recipe and recipe.captcha_field:
            return recipe.captcha_field
        named = [t for t in form.text_fields if "captcha" in t.lower() or "code" in t.lower()]
        if named:
            return named[0]
        return form.text_fields[-1] if form.text_fields else "captcha"

    async def _with_captcha(self, form: FormInfo, data: dict[str, str]) -> dict[str, str]:
        if form.captcha_image is None:
            return data
        ex = await fetch(self.client, form.captcha_image, self.config.limits)
        self.record(ex)
        if ex.status != 200:
            raise LoginFailed(f"{self.host}: CAPTCHA image answered HTTP {ex.status}")
        answer = await self.solve(self.host, form.captcha_image, ex.body)
        if answer is None:
            raise LoginFailed(f"{self.host}: nobody answered the CAPTCHA")
        self.captchas += 1
        data[self._captcha_field(form)] = answer
        return data


def _sent_to_login(ex: Exchange, recipe: Recipe | None) -> bool:
    location = ex.header("location")
    if recipe and recipe.login_url:
        return location.split("?")[0].endswith(recipe.login_url.split("?")[0])
    return bool(re.search(r"(?i)log-?in|sign-?in", location.split("?")[0]))


def _snippet(view: PageView) -> str:
    return " ".join(view.text.split())[:120] or "no message"


_REGISTER = re.compile(r"(?i)regist|sign-?up|join|create")


def _register_link(login_page: PageView, recipe: Recipe, host: str) -> str | None:
    """The registration page: the recipe's, or ("auto") the login page's link to it."""
    if recipe.register_url != "auto":
        return canonical(recipe.register_url, f"http://{host}/")
    for link, text in login_page.link_texts.items():
        if host_of(link) == host and (_REGISTER.search(text) or _REGISTER.search(link)):
            return link
    return None
