"""The FastAPI application: middleware, error pages, and every router."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from darkrange.case import AccessDenied, Store
from darkrange.errors import FormatError, InputError, NetworkError, StateError
from darkrange.web import _analytics, _course, _login, _monitor, _trainer, _vendor, analyst
from darkrange.web._auth import Forbidden, LoginRequired
from darkrange.web._config import WebConfig
from darkrange.web._csrf import CSRFMiddleware
from darkrange.web._jobs import Jobs
from darkrange.web._progress import CourseCache
from darkrange.web._render import render
from darkrange.web._security import SecurityHeadersMiddleware
from darkrange.web._throttle import LoginThrottle

STATIC = Path(__file__).with_name("static")
SESSION_COOKIE = "darkrange_session"


def create_app(config: WebConfig, store: Store | None = None) -> FastAPI:
    """The web app over `config`; `store` for a case store opened by the caller (tests)."""
    app = FastAPI(title="darkrange", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = config
    app.state.store = store or Store.open(config.db)
    app.state.courses = CourseCache(config.course)
    app.state.jobs = Jobs()
    app.state.throttle = LoginThrottle(
        config.max_failures_user, config.max_failures_ip, config.lockout_seconds
    )
    # Starlette runs the last added middleware first: headers, then sessions, then CSRF
    app.add_middleware(CSRFMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret(),
        session_cookie=SESSION_COOKIE,
        max_age=config.session_seconds,
        same_site="strict",
        https_only=config.https_only,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    _error_pages(app)
    app.include_router(_vendor.router)  # before the /static mount, which would shadow it
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(_login.router)
    app.include_router(_course.router)
    app.include_router(_trainer.router)
    app.include_router(_monitor.router)
    app.include_router(_analytics.router)
    app.include_router(analyst.router)
    return app


def _page(request: Request, status: int, heading: str, message: str) -> HTMLResponse:
    context = {"status": status, "heading": heading, "message": message}
    return render(request, "error.html", context, status=status)


def _error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = "/login" if exc.next_path in ("", "/") else "/login?next=" + quote(exc.next_path)
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _page(request, 403, "Not allowed", exc.message)

    @app.exception_handler(AccessDenied)
    async def access_denied(request: Request, exc: AccessDenied) -> Response:
        return _page(request, 403, "Not allowed", str(exc))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        return _page(request, 400, "Cannot do that", str(exc))

    @app.exception_handler(FormatError)
    async def format_error(request: Request, exc: FormatError) -> Response:
        return _page(request, 400, "Unreadable input", str(exc))

    @app.exception_handler(StateError)
    async def state_error(request: Request, exc: StateError) -> Response:
        return _page(request, 409, "Not ready", str(exc))

    @app.exception_handler(NetworkError)
    async def network_error(request: Request, exc: NetworkError) -> Response:
        return _page(request, 502, "Network problem", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        heading = {404: "Not found", 405: "Not allowed here"}.get(exc.status_code, "Error")
        return _page(request, exc.status_code, heading, str(exc.detail))
