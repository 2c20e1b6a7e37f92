"""Sign in and out: /login, /logout, and / (sends each role to its start page)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from darkrange.case import AccessDenied, authenticate
from darkrange.web._auth import WebUser, current_user, get_store, optional_user, sign_in, sign_out
from darkrange.web._render import render
from darkrange.web._throttle import LoginThrottle

router = APIRouter()

HOME = {"trainee": "/course", "trainer": "/trainer"}


def home_for(user: WebUser) -> str:
    return HOME.get(user.role, "/cases" if user.role in {"analyst", "supervisor"} else "/account")


def _safe_next(target: str) -> str:
    # only paths on this site: never an open redirect to another host
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target


@router.get("/", response_model=None)
def index(request: Request) -> Response:
    return RedirectResponse(home_for(current_user(request)), status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next), "error": "", "username": ""})


@router.post("/login", response_model=None)
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form(""),
) -> Response:
    throttle: LoginThrottle = request.app.state.throttle
    ip = request.client.host if request.client else "unknown"
    username = username.strip().lower()
    refusal = throttle.refusal(username, ip)
    if refusal is None:
        try:
            with get_store(request).session() as session:
                row = authenticate(session, username, password)
                user = WebUser(row.id, row.username, row.role)
        except AccessDenied as exc:
            throttle.failed(username, ip)
            refusal = str(exc)
    if refusal is not None:
        context = {"next": _safe_next(next), "error": refusal, "username": username}
        return render(request, "login.html", context, status=401)
    throttle.succeeded(username)
    sign_in(request, user)
    return RedirectResponse(_safe_next(next) or home_for(user), status_code=303)


@router.post("/logout", response_model=None)
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request) -> HTMLResponse:
    user = current_user(request)
    return render(request, "account.html", {"user": user})


__all__ = ["home_for", "optional_user", "router"]
