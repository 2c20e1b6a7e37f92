"""The guard: one ASGI front that applies a site's anti-crawling settings before its pages.

Order per request: downtime window, ban, rate limit, CAPTCHA image, EndGame queue, traps,
login/registration, session (user-agent binding, expiry), suspension, login wall, then the
site's own handler. Everything a client can get wrong ends as a proper HTTP status.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from darkrange.errors import InputError
from darkrange.sites.defences._accounts import AccountStore, check_handle
from darkrange.sites.defences._captcha import Captchas
from darkrange.sites.defences._config import AntiCrawl
from darkrange.sites.defences._http import (
    PNG,
    HttpError,
    Receive,
    Request,
    Response,
    Scope,
    Send,
    html,
    lifespan,
    parse_scope,
    read_body,
    redirect,
    send_response,
)
from darkrange.sites.defences._limits import Bans, RateCounter
from darkrange.sites.defences._pages import Form, GuardPages, GuardPaths
from darkrange.sites.defences._tokens import Signer, site_secret, ua_tag
from darkrange.sites.defences._traps import CALENDAR_PREFIX, calendar_page, downtime

Handler = Callable[[Request], Response]
_ENDED = "Your session has expired or ended. Please log in again."
_ERRORS = {
    400: ("bad_request", "Bad request"),
    404: ("not_found", "Not found"),
    405: ("method", "Method not allowed"),
    413: ("too_large", "Request too large"),
}


@dataclass
class _Session:
    user: str | None
    notice: str = ""
    drop_cookie: bool = False


def range_time(days: Callable[[], int]) -> Callable[[], float]:
    """Now as the range sees it: real time moved on by the trainer's clock."""
    return lambda: time.time() + days() * 86_400


class Guard:
    """ASGI app: `handler` behind the defences `settings` switch on."""

    def __init__(
        self,
        site_id: str,
        settings: AntiCrawl,
        handler: Handler,
        pages: GuardPages,
        accounts: AccountStore,
        now: Callable[[], float],
        paths: GuardPaths | None = None,
        reserved: Callable[[str], bool] = lambda handle: False,
        harvest: bool = False,
    ) -> None:
        self.site_id = site_id
        self.settings = settings
        self.handler = handler
        self.pages = pages
        self.accounts = accounts
        self.now = now
        self.paths = paths or GuardPaths()
        self.reserved = reserved  # handles of the world's own accounts cannot be registered
        self.harvest = harvest  # a phishing clone: any login "works" and is kept
        secret = site_secret(site_id)
        self.captchas = Captchas(site_id)
        self._sessions = Signer(secret, "session")
        self._queue = Signer(secret, "queue")
        self._pass = Signer(secret, "pass")
        self.requests = RateCounter()
        self.pages_by_user = RateCounter()
        self.bans = Bans()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        req: Request | None = None
        try:
            req = parse_scope(scope)
            if req.method not in ("GET", "HEAD", "POST"):
                raise HttpError(405, "only GET, HEAD and POST")
            if req.method == "POST":
                req.body = await read_body(receive, req.headers.get("content-length"))
            response = self.respond(req)
        except HttpError as exc:
            response = self.error(req, exc)
        await send_response(send, response, head_only=scope["method"] == "HEAD")

    def error(self, req: Request | None, exc: HttpError) -> Response:
        reason, title = _ERRORS.get(exc.status, ("error", "Error"))
        req = req or Request("GET", "/", {}, {}, {}, "")
        response = html(self.pages.blocked(req, exc.status, reason, title, exc.message), exc.status)
        if exc.status == 405:
            response.headers.append(("allow", "GET, HEAD, POST"))
        return response

    def blocked(self, req: Request, status: int, reason: str, title: str, msg: str) -> Response:
        return html(self.pages.blocked(req, status, reason, title, msg), status)

    def respond(self, req: Request) -> Response:
        now = self.now()
        s = self.settings
        down = downtime(self.site_id, s.uptime, now, s.downtime_window_s)
        if down is not None:
            title = "Bad gateway" if down == 502 else "Gateway timeout"
            return self.blocked(req, down, "down", title, "The site is temporarily unavailable.")
        session = self._session(req, now)
        key = self._circuit(req, session)
        banned = self.bans.remaining(key, now)
        if banned:
            response = self.blocked(
                req, 403, "banned", "Banned", f"Too many requests. Banned for {int(banned) + 1} s."
            )
            response.headers.append(("retry-after", str(int(banned) + 1)))
            return response
        if s.rate_limit_per_min and self.requests.hit(key, now) > s.rate_limit_per_min:
            self.bans.ban(key, now, s.ban_s)
            response = self.blocked(req, 429, "rate_limited", "Slow down", "Rate limit exceeded.")
            response.headers.append(("retry-after", str(s.ban_s)))
            return response
        if req.path == self.paths.captcha:
            return self._captcha_image(req, now)
        if s.queue and not self._passed(req, now):
            return self._queue_gate(req, now)
        if s.traps and req.path.startswith(CALENDAR_PREFIX):
            page = calendar_page(req.path)
            if page is None:
                raise HttpError(404, "no such page")
            return html(page)
        auth = self._auth_routes(req, session, now)
        if auth is not None:
            return auth
        req.user, req.notice = session.user, session.notice
        if req.user is not None:
            blocked = self._suspension(req, now)
            if blocked is not None:
                return blocked
        elif s.login_wall:
            ended = "&ended=1" if session.notice else ""
            response = redirect(f"{self.paths.login}?next={quote(req.target, safe='')}{ended}")
            if session.drop_cookie:
                response.clear_cookie(self.paths.session_cookie)
            return response
        response = self.handler(req)
        if session.drop_cookie:
            response.clear_cookie(self.paths.session_cookie)
        return response

    # sessions -------------------------------------------------------------------------------

    def _session(self, req: Request, now: float) -> _Session:
        token = req.cookies.get(self.paths.session_cookie)
        if not token:
            return _Session(None)
        fields = self._sessions.open(token)
        if fields is None or len(fields) != 3:
            return _Session(None, drop_cookie=True)
        user, issued, tag = fields
        if self.settings.bind_user_agent and tag != ua_tag(req.user_agent):
            return _Session(None, "Your session ended. Please log in again.")
        if now - float(issued) > self.settings.session_ttl_s:
            return _Session(None, "Your session has expired. Please log in again.", True)
        return _Session(user)

    def _circuit(self, req: Request, session: _Session) -> str:
        # What the site can tell apart: an account, else the queue ticket, else the connection.
        if session.user is not None:
            return "u:" + session.user
        ticket = req.cookies.get(self.paths.queue_cookie) or req.cookies.get(self.paths.pass_cookie)
        return "t:" + ticket if ticket else "c:" + req.client

    def start_session(self, req: Request, user: str, now: float, to: str) -> Response:
        response = redirect(to)
        token = self._sessions.sign(user, f"{now:.3f}", ua_tag(req.user_agent))
        response.set_cookie(self.paths.session_cookie, token)
        return response

    def _suspension(self, req: Request, now: float) -> Response | None:
        assert req.user is not None
        limit = self.settings.suspend_after_pages_per_min
        if limit and self.pages_by_user.hit(req.user, now) > limit:
            self.accounts.suspend(req.user)
        if not self.accounts.suspended(req.user):
            return None
        req.state["suspended"] = True
        if req.path == self.paths.account:
            return None
        return self.blocked(
            req, 403, "suspended", "Account suspended", "This account has been suspended."
        )

    # login and registration -----------------------------------------------------------------

    def _auth_routes(self, req: Request, session: _Session, now: float) -> Response | None:
        p = self.paths
        if req.path == p.logout:
            response = redirect(p.login)
            response.clear_cookie(p.session_cookie)
            return response
        if req.path not in (p.login, p.register):
            return None
        register = req.path == p.register
        if req.method != "POST":
            notice = session.notice or (_ENDED if req.query.get("ended") else "")
            return self._form_page(req, register, "", notice, now)
        fields = req.form()
        to = _safe_next(fields.get("next", ""))
        if self.settings.captcha and not self.captchas.check(
            fields.get("challenge", ""), fields.get("captcha", ""), now
        ):
            return self._form_page(req, register, "Wrong captcha, try again.", "", now, 200)
        user = fields.get("username", "").strip()
        password = fields.get("password", "")
        if register:
            error = self._register(user, password, fields.get("password2", password))
        else:
            error = self._login(req, user, password)
        if error:
            return self._form_page(req, register, error, "", now, 200)
        return self.start_session(req, user, now, to)

    def _register(self, user: str, password: str, repeat: str) -> str:
        try:
            user = check_handle(user)
        except InputError as exc:
            return str(exc)
        if not 6 <= len(password) <= 128:
            return "password: 6 to 128 characters"
        if password != repeat:
            return "the passwords differ"
        if self.reserved(user) or not self.accounts.register(user, password):
            return "this username is taken"
        return ""

    def _login(self, req: Request, user: str, password: str) -> str:
        if self.harvest:
            self.accounts.harvest(user, password, req.user_agent)
            return "" if user else "Invalid username or password."
        if not user or not self.accounts.verify(user, password):
            return "Invalid username or password."
        return ""

    def _form_page(
        self, req: Request, register: bool, error: str, notice: str, now: float, status: int = 200
    ) -> Response:
        p = self.paths
        form = self._form(p.register if register else p.login, req, error, notice, now)
        page = self.pages.register(req, form) if register else self.pages.login(req, form)
        return html(page, status)

    def _form(self, action: str, req: Request, error: str, notice: str, now: float) -> Form:
        challenge = self.captchas.issue(now) if self.settings.captcha else None
        url = f"{self.paths.captcha}?c={challenge}" if challenge else None
        nxt = req.query.get("next", "") if req.method != "POST" else ""
        if req.method == "POST":
            try:
                nxt = req.form().get("next", "")
            except HttpError:
                nxt = ""
        return Form(action, _safe_next(nxt), challenge, url, error, notice)

    def _captcha_image(self, req: Request, now: float) -> Response:
        challenge = req.query.get("c", "")
        if not self.captchas.valid(challenge, now):
            raise HttpError(404, "no such challenge")
        return Response(200, self.captchas.image(challenge), PNG, [("cache-control", "no-store")])

    # EndGame-style queue --------------------------------------------------------------------

    def _passed(self, req: Request, now: float) -> bool:
        fields = self._pass.open(req.cookies.get(self.paths.pass_cookie, ""))
        return (
            fields is not None
            and len(fields) == 2
            and now - float(fields[1]) < (self.settings.pass_ttl_s)
        )

    def _queue_gate(self, req: Request, now: float) -> Response:
        s, p = self.settings, self.paths
        ticket = self._queue.open(req.cookies.get(p.queue_cookie, ""))
        if ticket is None or len(ticket) != 3:
            return self._enqueue(req, now, req.client + f"{now:.6f}")
        qid, issued, wrong = ticket[0], float(ticket[1]), int(ticket[2])
        left = s.queue_wait_s - (now - issued)
        if left > 0:
            refresh = req.target if req.method == "GET" else "/"
            page = self.pages.queue(req, int(left) + 1, refresh)
            return html(page, 200)
        if not s.captcha:
            return self._admit(req, qid, now, req.target if req.method == "GET" else "/")
        if req.method == "POST" and req.path == p.queue:
            fields = req.form()
            if self.captchas.check(fields.get("challenge", ""), fields.get("captcha", ""), now):
                return self._admit(req, qid, now, _safe_next(fields.get("next", "")))
            wrong += 1
            if wrong >= s.captcha_tries:
                return self._enqueue(req, now, qid)  # three strikes: back to the queue
            form = self._form(p.queue, req, "Wrong answer, try again.", "", now)
            response = html(self.pages.gate(req, form), 200)
            response.set_cookie(p.queue_cookie, self._queue.sign(qid, ticket[1], str(wrong)))
            return response
        form = self._form(p.queue, req, "", "", now)
        form = Form(form.action, _safe_next(req.target), form.challenge, form.captcha_url)
        return html(self.pages.gate(req, form), 200)

    def _enqueue(self, req: Request, now: float, qid: str) -> Response:
        refresh = req.target if req.method == "GET" else "/"
        response = html(self.pages.queue(req, self.settings.queue_wait_s, refresh), 200)
        response.set_cookie(self.paths.queue_cookie, self._queue.sign(qid, f"{now:.3f}", "0"))
        return response

    def _admit(self, req: Request, qid: str, now: float, to: str) -> Response:
        response = redirect(to)
        response.set_cookie(self.paths.pass_cookie, self._pass.sign(qid, f"{now:.3f}"))
        response.clear_cookie(self.paths.queue_cookie)
        return response


def _safe_next(target: str) -> str:
    """Only a local path may follow a login (no open redirect to another onion)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
