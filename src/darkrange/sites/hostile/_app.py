"""A deliberately hostile site, for testing that a crawler survives what the dark web serves.

    /                        an index linking every trap below
    /huge?mb=N               an HTML page of N MiB (default 50), streamed
    /bomb?gb=N               gzip Content-Encoding inflating to N GiB of zeros (default 2)
    /redirect/loop           a -> b -> a ... ; /redirect/self points at itself
    /redirect/chain/<n>      n -> n+1 -> n+2 ... without end
    /drip?bytes=N            one byte a second (default 3600)
    /stall                   headers only after 10 minutes
    /deep?levels=N           N nested unclosed <div>s (default 100,000)
    /malformed               unclosed tags, broken attributes and comments, bytes that are not
                             UTF-8 under a UTF-8 charset
    /junk?kb=N               N KiB of random bytes served as text/html (default 1,024)
    /short                   Content-Length promises 10 MB; 1 KB comes, then the connection ends
    /maze/<token>            a page of links to 20 more maze pages, endlessly
    /calendar/<year>/<month> an endless calendar (previous and next months)

Each stream ends when the client goes away. Everything is generated on the fly from fixed
pieces (repeated, or from random.Random seeded by the path), so it costs the server little.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import AsyncIterator, Iterable, Iterator, MutableMapping
from typing import Any

from darkrange.network import ASGIApp, SiteContext
from darkrange.sites.hostile._bomb import bomb_size, gzip_bomb

HTML = b"text/html; charset=utf-8"
CHUNK = 64 * 1024
LIMITS = {
    "mb": (1, 1024, 50),
    "gb": (1, 16, 2),
    "bytes": (1, 86_400, 3600),
    "levels": (1, 1_000_000, 100_000),
    "kb": (1, 1 << 20, 1024),
}
STALL_S = 600.0
DRIP_S = 1.0
MAZE_LINKS = 20

TRAPS = [
    ("/huge", "Huge page (50 MiB)"),
    ("/bomb", "Compressed archive mirror (gzip bomb, 2 GiB)"),
    ("/redirect/loop", "Redirect loop"),
    ("/redirect/self", "Redirect to itself"),
    ("/redirect/chain/1", "Endless redirect chain"),
    ("/drip", "Slow page (one byte a second)"),
    ("/stall", "Page that answers after ten minutes"),
    ("/deep", "Deeply nested page (100,000 levels)"),
    ("/malformed", "Malformed HTML"),
    ("/junk", "Binary junk as text/html"),
    ("/short", "Wrong Content-Length"),
    ("/maze/start", "Link maze"),
    ("/calendar/2026/1", "Event calendar"),
]

Scope = MutableMapping[str, Any]


def _param(scope: Scope, name: str) -> int | None:
    """A bounded whole-number query parameter; None when it is malformed."""
    low, high, default = LIMITS[name]
    for part in scope.get("query_string", b"").decode("latin-1").split("&"):
        key, _, value = part.partition("=")
        if key == name:
            if not value.isdigit() or len(value) > 9:
                return None
            return min(max(int(value), low), high)
    return default


def _index() -> bytes:
    links = "".join(f'<li><a href="{path}">{label}</a></li>' for path, label in TRAPS)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Free Hosting</title></head>"
        "<body><h1>Free Hosting - anonymous file and page hosting</h1><ul>"
        f"{links}</ul></body></html>"
    ).encode()


def _huge(mb: int) -> Iterator[bytes]:
    line = b"<p>" + b"lorem ipsum dolor sit amet, mirror list follows " * 20 + b"</p>\n"
    piece = line * (CHUNK // len(line))
    yield b"<!DOCTYPE html><html><head><title>Archive</title></head><body>\n"
    left = mb * (1 << 20)
    while left > 0:
        yield piece[:left]
        left -= len(piece)
    yield b"</body></html>\n"


def _deep(levels: int) -> Iterator[bytes]:
    yield b"<!DOCTYPE html><html><head><title>Nested</title></head><body>"
    piece = b"<div>" * (CHUNK // 5)
    left = levels
    while left > 0:
        n = min(left, CHUNK // 5)
        yield piece[: n * 5]
        left -= n
    yield b'deep inside <a href="/">home</a>'  # never closed, as promised


MALFORMED = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Mirrors<title></head><body>"
    b"<div class='a\" id=b><p>unclosed <b>bold <i>italic <table><tr><td>cell<td>cell"
    b"<a href='/maze/start'>maze<a href=\"/\">home</a><a href=http://unquoted.onion/ x=>odd</a>"
    b"<!-- a comment that never ends <a href='/hidden'>hidden</a>"
    b"<script>document.write('<a href=/js>js</a>')</scr"
    b"<p>bad bytes: \xff\xfe\xc3\x28 \xed\xa0\x80 nul:\x00 end"
    b"<a href='/maze/%zz'>bad escape</a><a href='javascript:alert(1)'>js link</a>"
    b"<img src=x onerror=alert(1)><form><input name=a value='unterminated></form>"
    b"</div></div></div></span></html></html><p>after the end"
)


def _junk(kb: int) -> Iterator[bytes]:
    rng = random.Random(f"junk:{kb}")
    left = kb * 1024
    while left > 0:
        n = min(CHUNK, left)
        yield rng.randbytes(n)
        left -= n


def _maze(token: str) -> bytes:
    seed = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
    links = "".join(
        f'<li><a href="/maze/{hashlib.sha256(f"{seed}{i}".encode()).hexdigest()[:16]}">'
        f"room {i + 1}</a></li>"
        for i in range(MAZE_LINKS)
    )
    return (
        f"<!DOCTYPE html><html><head><title>Room {seed[:8]}</title></head><body>"
        f"<h1>Room {seed[:8]}</h1><ul>{links}</ul></body></html>"
    ).encode()


def _calendar(year: int, month: int) -> bytes:
    prev_y, prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
    next_y, next_m = (year + 1, 1) if month == 12 else (year, month + 1)
    days = "".join(f'<a href="/calendar/{year}/{month}?day={d}">{d}</a> ' for d in range(1, 29))
    return (
        f"<!DOCTYPE html><html><head><title>Events {year}-{month:02d}</title></head><body>"
        f"<h1>Events {year}-{month:02d}</h1><p>{days}</p>"
        f'<a href="/calendar/{prev_y}/{prev_m}">previous</a> '
        f'<a href="/calendar/{next_y}/{next_m}">next</a></body></html>'
    ).encode()


class HostileSite:
    """ASGI app: the traps above; 404 for other paths, 405 for other methods."""

    def __init__(self) -> None:
        self.index = _index()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _whole(send, 405, b"only GET", [(b"allow", b"GET, HEAD")])
            return
        await self.route(scope, receive, send)

    async def route(self, scope: Scope, receive: Any, send: Any) -> None:
        path: str = scope["path"]
        head = scope["method"] == "HEAD"
        if path == "/":
            await _whole(send, 200, self.index)
        elif path in ("/huge", "/bomb", "/deep", "/junk", "/drip"):
            await self.stream(path, scope, receive, send, head)
        elif path == "/redirect/loop":
            await _redirect(send, "/redirect/loop2")
        elif path == "/redirect/loop2":
            await _redirect(send, "/redirect/loop")
        elif path == "/redirect/self":
            await _redirect(send, "/redirect/self")
        elif path.startswith("/redirect/chain/") and path[16:].isdigit() and len(path) < 40:
            await _redirect(send, f"/redirect/chain/{int(path[16:]) + 1}")
        elif path == "/stall":
            if await _disconnected_within(receive, STALL_S):
                return
            await _whole(send, 200, b"<html><body>finally</body></html>")
        elif path == "/malformed":
            await _whole(send, 200, MALFORMED)
        elif path == "/short":
            await self.short(send, receive)
        elif path.startswith("/maze/"):
            await _whole(send, 200, _maze(path[6:]))
        elif path.startswith("/calendar/"):
            await self.calendar(path, send)
        else:
            await _whole(send, 404, b"<html><body><h1>404</h1>Not found.</body></html>")

    async def stream(self, path: str, scope: Scope, receive: Any, send: Any, head: bool) -> None:
        name = {"/huge": "mb", "/bomb": "gb", "/deep": "levels", "/junk": "kb", "/drip": "bytes"}
        value = _param(scope, name[path])
        if value is None:
            await _whole(send, 400, b"<html><body>Bad parameter.</body></html>")
            return
        headers: list[tuple[bytes, bytes]] = []
        if path == "/huge":
            pieces: Iterable[bytes] = _huge(value)
        elif path == "/deep":
            pieces = _deep(value)
        elif path == "/junk":
            pieces = _junk(value)
        elif path == "/bomb":
            pieces = gzip_bomb(value * 1024)
            headers = [
                (b"content-encoding", b"gzip"),
                (b"content-length", str(bomb_size(value * 1024)).encode()),
            ]
        else:
            await _stream(send, receive, _drip(value), [], head)
            return
        await _stream(send, receive, _iterate(pieces), headers, head)

    async def short(self, send: Any, receive: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", HTML), (b"content-length", b"10000000")],
            }
        )
        await send(
            {"type": "http.response.body", "body": b"<html><body>" + b"x" * 1012, "more_body": True}
        )
        # Returning now, short of the promised length, makes the server drop the connection.

    async def calendar(self, path: str, send: Any) -> None:
        parts = path.split("/")
        if len(parts) == 4 and all(p.isdigit() and len(p) <= 4 for p in parts[2:]):
            year, month = int(parts[2]), int(parts[3])
            if 1 <= year <= 9999 and 1 <= month <= 12:
                await _whole(send, 200, _calendar(year, month))
                return
        await _whole(send, 404, b"<html><body>No such month.</body></html>")


async def _iterate(pieces: Iterable[bytes]) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


async def _drip(count: int) -> AsyncIterator[bytes]:
    text = b"<html><body>" + b"please wait, loading " * (count // 21 + 1)
    for i in range(count):
        yield text[i : i + 1]
        await asyncio.sleep(DRIP_S)


async def _stream(
    send: Any,
    receive: Any,
    pieces: AsyncIterator[bytes],
    headers: list[tuple[bytes, bytes]],
    head: bool,
) -> None:
    """Send pieces until done or until the client disconnects (then stop producing)."""
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", HTML), *headers],
    }
    await send(start)
    if head:
        await send({"type": "http.response.body", "body": b""})
        return
    gone = asyncio.ensure_future(_wait_disconnect(receive))
    try:
        async for piece in pieces:
            if gone.done():
                return
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        gone.cancel()


async def _wait_disconnect(receive: Any) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _disconnected_within(receive: Any, seconds: float) -> bool:
    try:
        await asyncio.wait_for(_wait_disconnect(receive), seconds)
    except TimeoutError:
        return False
    return True


async def _whole(
    send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", HTML),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Any, location: str) -> None:
    await _whole(send, 302, b"", [(b"location", location.encode())])


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def hostile_app() -> HostileSite:
    return HostileSite()


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "hostile" (no defences: its traps are the point)."""
    return hostile_app()
