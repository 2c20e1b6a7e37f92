"""One HTTP exchange with hard bounds: body bytes, decompressed bytes, silence, total time.

The raw body is kept as received (content coding included) for the WARC record; the decoded
body, cut at `max_decoded_bytes`, is what the crawler parses. A response cut short says why in
`truncated` ("length", "decoded", "time", "disconnect"), as WARC-Truncated does.
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from darkrange.collect.crawl._config import Limits
from darkrange.collect.evidence import format_request_head, format_response_head

CHUNK = 64 * 1024


class FetchError(Exception):
    """No response to record: the kind ("timeout", "unreachable", "refused", "broken")."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Exchange:
    url: str
    method: str
    status: int
    headers: httpx.Headers
    request_head: bytes
    request_body: bytes
    response_head: bytes
    raw_body: bytes
    body: bytes
    truncated: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def header(self, name: str) -> str:
        return str(self.headers.get(name, ""))


class Decoder:
    """Undo gzip/deflate content coding incrementally, never past `limit` bytes of output."""

    def __init__(self, coding: str, limit: int) -> None:
        self.limit = limit
        self.out = bytearray()
        self.exceeded = False
        self.failed = False
        coding = coding.lower().strip()
        self._z: zlib._Decompress | None = None
        if coding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(47)
        elif coding == "deflate":
            self._z = zlib.decompressobj()
        self._deflate = coding == "deflate"
        self._plain = self._z is None

    def feed(self, data: bytes) -> None:
        if self.exceeded or self.failed or not data:
            return
        if self._plain:
            room = self.limit - len(self.out)
            self.out += data[:room]
            self.exceeded = len(data) > room
            return
        assert self._z is not None
        try:
            piece = self._z.decompress(data, max(1, self.limit - len(self.out)))
        except zlib.error:
            if self._deflate and not self.out:  # raw deflate without a zlib header
                self._z, self._deflate = zlib.decompressobj(-15), False
                self.feed(data)
                return
            self.failed = True
            return
        self.out += piece
        if self._z.unconsumed_tail or len(self.out) > self.limit:
            del self.out[self.limit :]
            self.exceeded = True


def decode_body(coding: str, raw: bytes, limit: int) -> tuple[bytes, bool]:
    """The decoded body of `raw` (cut at `limit`) and whether it was cut."""
    decoder = Decoder(coding, limit)
    for start in range(0, len(raw), CHUNK):
        decoder.feed(raw[start : start + CHUNK])
        if decoder.exceeded:
            break
    return bytes(decoder.out), decoder.exceeded


def _request_head(request: httpx.Request) -> bytes:
    return format_request_head(
        request.method, request.url.raw_path.decode("latin-1"), "HTTP/1.1", request.headers.raw
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    limits: Limits,
    method: str = "GET",
    data: dict[str, str] | None = None,
) -> Exchange:
    """One request and its response, bounded by `limits`; FetchError when nothing came back."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.page_timeout_s
    try:
        request = client.build_request(method, url, data=data)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError("invalid", f"bad URL {url!r}: {exc}") from None
    try:
        async with asyncio.timeout_at(deadline):
            response = await client.send(request, stream=True, follow_redirects=False)
    except TimeoutError:
        raise FetchError("timeout", "no answer within the page time limit") from None
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"{type(exc).__name__}") from None
    except httpx.ProxyError as exc:
        raise FetchError("unreachable", f"proxy: {exc}") from None
    except (httpx.ConnectError, OSError) as exc:
        raise FetchError("refused", f"connect: {exc}") from None
    except httpx.HTTPError as exc:
        raise FetchError("broken", f"{type(exc).__name__}: {exc}") from None
    try:
        raw, decoder, truncated = await _read_body(response, limits, deadline)
    finally:
        await response.aclose()
    head = format_response_head(
        response.http_version, response.status_code, response.reason_phrase, response.headers.raw
    )
    return Exchange(
        url=url,
        method=method,
        status=response.status_code,
        headers=response.headers,
        request_head=_request_head(request),
        request_body=request.content if method == "POST" else b"",
        response_head=head,
        raw_body=bytes(raw),
        body=bytes(decoder.out),
        truncated=truncated,
    )


async def _read_body(
    response: httpx.Response, limits: Limits, deadline: float
) -> tuple[bytearray, Decoder, str]:
    raw = bytearray()
    decoder = Decoder(response.headers.get("content-encoding", ""), limits.max_decoded_bytes)
    truncated = ""
    try:
        async with asyncio.timeout_at(deadline):
            async for chunk in response.aiter_raw(CHUNK):
                room = limits.max_body_bytes - len(raw)
                raw += chunk[:room]
                decoder.feed(chunk[:room])
                if len(chunk) > room:
                    truncated = "length"
                    break
                if decoder.exceeded:
                    truncated = "decoded"
                    break
    except TimeoutError:
        truncated = "time"
    except httpx.TimeoutException:
        truncated = "time"
    except (httpx.HTTPError, OSError):
        truncated = "disconnect"
    return raw, decoder, truncated
