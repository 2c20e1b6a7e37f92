"""Who is signed in: the session's user, role checks, and a case Actor for audited access.

The session is a signed cookie (HttpOnly, SameSite=Strict, expiring); the user's role and
active flag are re-read from the case store every few minutes so a disabled account or a
changed role takes effect without waiting for the cookie to expire.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from darkrange.case import Actor, Store
from darkrange.case._schema_case import User
from darkrange.web._config import WebConfig


@dataclass(frozen=True)
class WebUser:
    """The signed-in user as the pages see them."""

    id: int
    username: str
    role: str


class LoginRequired(Exception):
    """Not signed in (or the session ended): the app redirects to /login."""

    def __init__(self, next_path: str = "/") -> None:
        super().__init__("sign in first")
        self.next_path = next_path


class Forbidden(Exception):
    """Signed in, but this page is not for this role: the app answers 403."""

    def __init__(self, message: str = "this page is not open to your role") -> None:
        super().__init__(message)
        self.message = message


def get_config(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _next_path(request: Request) -> str:
    path = request.url.path
    return path + ("?" + request.url.query if request.url.query else "")


def sign_in(request: Request, user: WebUser) -> None:
    """A fresh session for this user (a new CSRF token too: no fixation)."""
    now = int(time.time())
    request.session.clear()
    request.session.update(
        {"uid": user.id, "user": user.username, "role": user.role, "at": now, "checked": now}
    )


def sign_out(request: Request) -> None:
    request.session.clear()


def _recheck(request: Request, config: WebConfig, now: int) -> bool:
    """False if the account is gone or disabled; otherwise refresh the role."""
    with get_store(request).session() as session:
        row = session.execute(
            select(User.id, User.role, User.active).where(User.username == request.session["user"])
        ).first()
    if row is None or not row.active or row.id != request.session["uid"]:
        return False
    request.session["role"] = row.role
    request.session["checked"] = now
    return True


def current_user(request: Request) -> WebUser:
    """The signed-in user; raises LoginRequired (-> redirect to /login) otherwise."""
    data = request.session
    if "user" not in data:
        raise LoginRequired(_next_path(request))
    config = get_config(request)
    now = int(time.time())
    if now - int(data.get("at", 0)) > config.session_seconds:
        sign_out(request)
        raise LoginRequired(_next_path(request))
    if now - int(data.get("checked", 0)) > config.recheck_seconds and not _recheck(
        request, config, now
    ):
        sign_out(request)
        raise LoginRequired(_next_path(request))
    return WebUser(int(data["uid"]), str(data["user"]), str(data["role"]))


def optional_user(request: Request) -> WebUser | None:
    """The signed-in user, or None (for pages open to everyone, like /login)."""
    try:
        return current_user(request)
    except LoginRequired:
        return None


def require_roles(*roles: str) -> Callable[..., WebUser]:
    """A dependency: the signed-in user if their role is one of `roles`, else a 403 page."""
    allowed = frozenset(roles)

    def dependency(user: Annotated[WebUser, Depends(current_user)]) -> WebUser:
        if user.role not in allowed:
            raise Forbidden()
        return user

    return dependency


@contextmanager
def actor(request: Request) -> Iterator[Actor]:
    """A darkrange.case unit of work as the signed-in user: every access is audited as them.

    Use inside a handler: `with actor(request) as a: case.show(a, ...)`.
    """
    user = current_user(request)
    with get_store(request).acting(user.username) as acting:
        yield acting
