"""A small real site on 127.0.0.1 and a real httpx fetch loop writing WARC records."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from darkrange.collect.evidence import (
    CaptureInfo,
    RecordRef,
    WarcWriter,
    format_request_head,
    format_response_head,
)

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
PAGES = 12


def page_html(n: int) -> bytes:
    links = "".join(f'<a href="/page/{m}">listing {m}</a> ' for m in range(PAGES))
    return (
        f"<!doctype html><html><head><title>Listing {n} &amp; more</title>"
        '<script src="/app.js"></script><script>alert("x")</script></head>'
        f'<body onload="steal()"><h1>Listing {n}</h1><p>Price {n * 7} USD, escrow.</p>'
        f'<img src="/img.png"><a href="javascript:evil()">x</a>{links}'
        '<a href="http://elsewhere.onion/out">out</a></body></html>'
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(
        self, status: int, ctype: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/" or path.startswith("/page/"):
            n = int(path.rsplit("/", 1)[1]) if path.startswith("/page/") else 0
            self._send(200, "text/html; charset=utf-8", page_html(n))
        elif path == "/gz":
            body = gzip.compress(page_html(99), mtime=0)
            self._send(200, "text/html", body, {"Content-Encoding": "gzip"})
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"<html><title>chunked</title>", b"<body>in parts</body></html>"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/img.png":
            self._send(200, "image/png", PNG)
        elif path == "/app.js":
            self._send(200, "application/javascript", b"steal();")
        elif path == "/moved":
            self._send(302, "text/html", b"moved", {"Location": "/page/1"})
        else:
            self._send(404, "text/plain", b"no such page")


@contextmanager
def site() -> Iterator[str]:
    """The base URL of a running site on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def paths() -> list[str]:
    return ["/", *(f"/page/{n}" for n in range(1, PAGES)), "/gz", "/chunked", "/img.png",
            "/app.js", "/moved", "/missing"]  # fmt: skip


def fetch(client: httpx.Client, writer: WarcWriter, url: str) -> RecordRef:
    """Fetch as the crawler will: raw (still content-encoded) bytes, heads as on the wire."""
    with client.stream("GET", url) as response:
        body = b"".join(response.iter_raw())
    request = response.request
    target = request.url.raw_path.decode("ascii")
    req_head = format_request_head(request.method, target, "HTTP/1.1", request.headers.raw)
    resp_head = format_response_head(
        response.http_version, response.status_code, response.reason_phrase, response.headers.raw
    )
    peer = f"{request.url.host}:{request.url.port}"
    return writer.write_exchange(url, req_head, b"", resp_head, body, peer, datetime.now(UTC))


def info(**extra: object) -> CaptureInfo:
    return CaptureInfo(
        collector="Det. A. Analyst",
        case="CASE-2024-017",
        legal_basis="Art. 100a StPO order 17/24",
        configuration={"delay": 0.5, "scope": ["127.0.0.1"], **extra},
        machine="lab-01",
    )


def crawl(folder: Path, max_bytes: int = 1 << 30, rounds: int = 1) -> list[RecordRef]:
    """Fetch every path of the site `rounds` times into folder/warc/; a screenshot per page."""
    refs = []
    with site() as base, httpx.Client() as client:
        writer = WarcWriter(folder, info(), max_bytes=max_bytes)
        for _ in range(rounds):
            for path in paths():
                ref = fetch(client, writer, base + path)
                refs.append(ref)
                if path.startswith("/page/1"):
                    writer.write_resource(
                        f"urn:screenshot:{base}{path}", "image/png", PNG, ref.record_id
                    )
                    writer.write_metadata(
                        base + path, {"fetch-ms": "12", "via": "direct"}, ref.record_id
                    )
        writer.close()
    return refs
