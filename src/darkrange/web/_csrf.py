"""CSRF protection: every state-changing request carries the session's token.

A form sends it as the hidden field `csrf_token`; a script sends it in the `X-CSRF-Token` header
(the token is also in `<meta name="csrf-token">`). The session cookie is SameSite=Strict as well;
the token is the second, independent line of defence.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FIELD = "csrf_token"
HEADER = "x-csrf-token"
MAX_BODY = 16 * 1024 * 1024  # forms and small uploads only


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


class CSRFMiddleware:
    """Reject POST/PUT/PATCH/DELETE without the session's token (403); runs inside sessions."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            await PlainTextResponse("request body too large", status_code=413)(scope, receive, send)
            return
        replay = _replayer(body)
        expected = scope.get("session", {}).get("csrf")
        sent = await _sent_token(scope, body)
        if not (isinstance(expected, str) and sent and hmac.compare_digest(sent, expected)):
            message = "403: this form has expired or did not come from this site; reload the page"
            await PlainTextResponse(message, status_code=403)(scope, receive, send)
            return
        await self.app(scope, replay, send)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replayer(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _sent_token(scope: Scope, body: bytes) -> str:
    request = Request(scope, _replayer(body))
    header = request.headers.get(HEADER)
    if header:
        return header
    kind = request.headers.get("content-type", "")
    if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    try:
        form = await request.form()
        value = form.get(FIELD)
    except Exception:  # a malformed body is simply a request without a token
        return ""
    finally:
        await request.close()  # drop spooled upload files; the app parses its own copy
    return value if isinstance(value, str) else ""
