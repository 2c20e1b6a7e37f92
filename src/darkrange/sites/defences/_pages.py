"""How a guarded site looks when the guard answers instead of the site.

A site passes its own `GuardPages` (its login form, queue page, ban page in its own look and
language); `PlainPages` is a bare English default, and `TemplatePages` renders a site's
templates named login.html, register.html, queue.html, gate.html and blocked.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol

from darkrange.sites.defences._http import Request


@dataclass(frozen=True)
class GuardPaths:
    """Where a site's software puts its login, registration and CAPTCHA (URL schemes differ)."""

    login: str = "/login"
    register: str = "/register"
    logout: str = "/logout"
    captcha: str = "/captcha"  # the image: {captcha}?c=CHALLENGE
    queue: str = "/queue"  # where the queue's CAPTCHA form posts
    account: str = "/account"  # the one page a suspended account still sees
    session_cookie: str = "session"
    queue_cookie: str = "endgame_q"
    pass_cookie: str = "endgame_pass"


@dataclass(frozen=True)
class Form:
    """What a login, registration or gate page needs to draw its form."""

    action: str
    next: str
    challenge: str | None  # None when the site asks no CAPTCHA
    captcha_url: str | None
    error: str = ""
    notice: str = ""


class GuardPages(Protocol):
    def login(self, req: Request, form: Form) -> str: ...
    def register(self, req: Request, form: Form) -> str: ...
    def queue(self, req: Request, wait_s: int, refresh_to: str) -> str: ...
    def gate(self, req: Request, form: Form) -> str: ...
    def blocked(self, req: Request, status: int, reason: str, title: str, message: str) -> str: ...


def _form_html(form: Form, fields: list[tuple[str, str, str]], button: str) -> str:
    rows = "".join(
        f'<p><label>{label} <input type="{kind}" name="{name}"></label></p>'
        for name, label, kind in fields
    )
    captcha = ""
    if form.challenge is not None:
        captcha = (
            f'<p><img src="{escape(form.captcha_url or "")}" alt="captcha"></p>'
            f'<input type="hidden" name="challenge" value="{escape(form.challenge)}">'
            '<p><label>Captcha <input type="text" name="captcha"></label></p>'
        )
    error = f'<p class="error">{escape(form.error)}</p>' if form.error else ""
    notice = f'<p class="notice">{escape(form.notice)}</p>' if form.notice else ""
    return (
        f'{notice}{error}<form method="post" action="{escape(form.action)}">'
        f'<input type="hidden" name="next" value="{escape(form.next)}">{rows}{captcha}'
        f'<p><button type="submit">{button}</button></p></form>'
    )


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"</head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


class PlainPages:
    """Bare English pages, for sites that bring no templates of their own."""

    def __init__(self, name: str) -> None:
        self.name = name

    def login(self, req: Request, form: Form) -> str:
        fields = [("username", "Username", "text"), ("password", "Password", "password")]
        return _page(f"{self.name}: login", _form_html(form, fields, "Login"))

    def register(self, req: Request, form: Form) -> str:
        fields = [
            ("username", "Username", "text"),
            ("password", "Password", "password"),
            ("password2", "Repeat password", "password"),
        ]
        return _page(f"{self.name}: register", _form_html(form, fields, "Register"))

    def queue(self, req: Request, wait_s: int, refresh_to: str) -> str:
        return (
            f'<!DOCTYPE html><html><head><meta http-equiv="refresh" content="{wait_s};'
            f'url={escape(refresh_to)}"><title>Queue</title></head><body><h1>{escape(self.name)}'
            f"</h1><p>You are in the queue. Please wait {wait_s} seconds; this page reloads "
            "by itself.</p></body></html>"
        )

    def gate(self, req: Request, form: Form) -> str:
        return _page(f"{self.name}: are you human?", _form_html(form, [], "Enter"))

    def blocked(self, req: Request, status: int, reason: str, title: str, message: str) -> str:
        return _page(title, f"<p>{escape(message)}</p>")


class TemplatePages:
    """Pages drawn by a site's own templates through `render(name, **context)`."""

    def __init__(self, render: Callable[..., str], **common: Any) -> None:
        self.render = render
        self.common = common

    def login(self, req: Request, form: Form) -> str:
        return self.render("login.html", req=req, form=form, **self.common)

    def register(self, req: Request, form: Form) -> str:
        return self.render("register.html", req=req, form=form, **self.common)

    def queue(self, req: Request, wait_s: int, refresh_to: str) -> str:
        return self.render(
            "queue.html", req=req, wait_s=wait_s, refresh_to=refresh_to, **self.common
        )

    def gate(self, req: Request, form: Form) -> str:
        return self.render("gate.html", req=req, form=form, **self.common)

    def blocked(self, req: Request, status: int, reason: str, title: str, message: str) -> str:
        return self.render(
            "blocked.html",
            req=req,
            status=status,
            reason=reason,
            title=title,
            message=message,
            **self.common,
        )
