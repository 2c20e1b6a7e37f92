"""The HTTP plumbing every site shares: requests, responses, bodies, forms and cookies.

A lean ASGI layer instead of a framework: a site answers a request in tens of microseconds of
Python, which is what lets one core serve well over a thousand pages a second.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
PNG = "image/png"
MAX_BODY_BYTES = 64 * 1024  # login and registration forms are tiny; anything larger is abuse
MAX_FIELD_CHARS = 512


class HttpError(Exception):
    """A request the site refuses with a plain HTTP error (400, 404, 405, 413)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Request:
    """What a site handler sees of one HTTP request."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    cookies: dict[str, str]
    client: str
    body: bytes = b""
    user: str | None = None  # the logged-in handle, set by the guard
    notice: str = ""  # a one-line message for the page (e.g. "session expired")
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")

    @property
    def target(self) -> str:
        """Path and query as the client asked, for `next=` links."""
        if not self.query:
            return self.path
        return self.path + "?" + "&".join(f"{k}={quote(v)}" for k, v in self.query.items())

    def form(self) -> dict[str, str]:
        """The url-encoded form of a POST; HttpError 400 when it is not one."""
        ctype = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            raise HttpError(400, "expected a url-encoded form")
        try:
            text = self.body.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
        except (UnicodeDecodeError, ValueError):
            raise HttpError(400, "malformed form") from None
        fields = dict(pairs)
        if any(len(v) > MAX_FIELD_CHARS for v in fields.values()):
            raise HttpError(400, "a form field is too long")
        return fields

    def int_param(self, name: str, default: int = 1) -> int:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit() or len(raw) > 9:
            raise HttpError(400, f"{name} must be a whole number")
        return int(raw)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)

    def set_cookie(self, name: str, value: str, max_age: int | None = None) -> None:
        cookie = f"{name}={value}; Path=/; HttpOnly; SameSite=Lax"
        if max_age is not None:
            cookie += f"; Max-Age={max_age}"
        self.headers.append(("set-cookie", cookie))

    def clear_cookie(self, name: str) -> None:
        self.headers.append(("set-cookie", f"{name}=; Path=/; Max-Age=0"))


def html(body: str, status: int = 200) -> Response:
    return Response(status, body.encode("utf-8"))


def redirect(location: str, status: int = 303) -> Response:
    return Response(status, b"", TEXT, [("location", location)])


def _cookies(raw: str) -> dict[str, str]:
    jar: dict[str, str] = {}
    for part in raw.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            jar[name] = value
    return jar


def parse_scope(scope: Scope) -> Request:
    """A Request from an ASGI scope (the body is read separately)."""
    headers: dict[str, str] = {}
    for key, value in scope.get("headers", ()):
        headers[key.decode("latin-1").lower()] = value.decode("latin-1")
    query_string = scope.get("query_string", b"").decode("latin-1")
    try:
        query = dict(parse_qsl(query_string, keep_blank_values=True)) if query_string else {}
    except ValueError:
        raise HttpError(400, "malformed query") from None
    client = scope.get("client") or ("", 0)
    return Request(
        scope["method"],
        scope["path"],
        query,
        headers,
        _cookies(headers.get("cookie", "")),
        f"{client[0]}:{client[1]}",
    )


async def read_body(receive: Receive, declared: str | None, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body; HttpError 413 as soon as it passes `limit` (declared or streamed)."""
    if declared is not None:
        if not declared.isdigit():
            raise HttpError(400, "bad content-length")
        if int(declared) > limit:
            raise HttpError(413, "request body too large")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise HttpError(413, "request body too large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_response(send: Send, response: Response, head_only: bool = False) -> None:
    headers = [
        (b"content-type", response.content_type.encode()),
        (b"content-length", str(len(response.body)).encode()),
        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers),
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else response.body})


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
