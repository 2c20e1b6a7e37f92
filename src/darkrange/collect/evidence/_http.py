"""HTTP messages as a WARC block holds them: head bytes, body bytes, and the payload.

WARC 1.1 (5.9) defines the payload of an `application/http` block as its entity-body (RFC 2616):
the message body with any transfer coding removed, content coding kept. So a `chunked` body is
de-chunked before the payload digest; a gzip `Content-Encoding` stays as it was sent.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

HEAD_END = b"\r\n\r\n"


def format_request_head(
    method: str, target: str, http_version: str, headers: Iterable[tuple[bytes, bytes]]
) -> bytes:
    """A request head: `GET /path HTTP/1.1` and the header lines as sent, then a blank line."""
    lines = [f"{method} {target} {http_version}".encode("latin-1")]
    lines += [name + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + HEAD_END


def format_response_head(
    http_version: str, status: int, reason: str, headers: Iterable[tuple[bytes, bytes]]
) -> bytes:
    """A response head: `HTTP/1.1 200 OK` and the header lines as received, then a blank line."""
    lines = [f"{http_version} {status} {reason}".rstrip().encode("latin-1")]
    lines += [name + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + HEAD_END


def split_message(block: bytes) -> tuple[bytes, bytes]:
    """Split an HTTP message into head (with its blank line) and body; no blank line: all head."""
    end = block.find(HEAD_END)
    if end < 0:
        return block, b""
    return block[: end + 4], block[end + 4 :]


def parse_head(head: bytes) -> tuple[str, list[tuple[str, str]]]:
    """The start line and the header fields (names lowercased) of an HTTP head."""
    text = head.decode("latin-1").rstrip("\r\n")
    lines = text.split("\r\n")
    fields: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            fields.append((name.strip().lower(), value.strip()))
    return lines[0], fields


def header(fields: list[tuple[str, str]], name: str) -> str | None:
    """The last value of a header field, or None."""
    found = None
    for key, value in fields:
        if key == name:
            found = value
    return found


def status_of(start_line: str) -> int | None:
    parts = start_line.split()
    if len(parts) >= 2 and parts[0].startswith("HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None


def dechunk(body: bytes) -> bytes | None:
    """The body with chunked transfer coding removed, or None when it is not valid chunked."""
    out = bytearray()
    pos = 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            return None
        size_text = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return None
        if size == 0:
            return bytes(out)  # trailers, if any, are not payload
        start = eol + 2
        if body[start + size : start + size + 2] != b"\r\n":
            return None
        out += body[start : start + size]
        pos = start + size + 2


def payload_of(head: bytes, body: bytes) -> bytes:
    """The entity-body: de-chunked when the head declares chunked and the body is chunked.

    A client such as httpx hands over bodies already de-chunked while the head still says
    `Transfer-Encoding: chunked`; such a body is taken as the entity-body as it stands.
    """
    _, fields = parse_head(head)
    coding = (header(fields, "transfer-encoding") or "").lower()
    if "chunked" in coding:
        plain = dechunk(body)
        if plain is not None:
            return plain
    return body


def decode_content(head: bytes, payload: bytes) -> bytes:
    """The payload with gzip or deflate content coding undone, for display only."""
    _, fields = parse_head(head)
    coding = (header(fields, "content-encoding") or "").lower().strip()
    try:
        if coding in ("gzip", "x-gzip"):
            return zlib.decompress(payload, 47)
        if coding == "deflate":
            try:
                return zlib.decompress(payload)
            except zlib.error:
                return zlib.decompress(payload, -15)
    except zlib.error:
        return payload
    return payload
