"""Browse captured pages on 127.0.0.1 with scripts disabled: `darkrange evidence show`.

Pages come from a WACZ package or a crawl folder, never from the network: a URL that was not
captured is a 404. Every answer carries a strict Content-Security-Policy (`script-src 'none'`,
nothing loaded from anywhere but the replay) and HTML is rewritten by _rewrite.
"""

from __future__ import annotations

import html
import threading
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urljoin

from darkrange.collect.evidence._check import RecordInfo, check_stream
from darkrange.collect.evidence._http import (
    decode_content,
    parse_head,
    payload_of,
    split_message,
)
from darkrange.collect.evidence._index import HTML_TYPES, timestamp14
from darkrange.collect.evidence._package import find_warcs
from darkrange.collect.evidence._record import Record, parse
from darkrange.collect.evidence._rewrite import rewrite_html
from darkrange.collect.evidence._zip import read_entries
from darkrange.errors import FormatError, InputError

CSP = (
    "default-src 'self' data:; script-src 'none'; object-src 'none'; worker-src 'none'; "
    "connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; "
    "style-src 'self' 'unsafe-inline' data:; img-src 'self' data:"
)
SCRIPT_TYPES = ("javascript", "ecmascript", "wasm")
VIEW_PREFIX = "urn:view:"  # a page's screenshot (resource record), as the crawler names it


@dataclass(frozen=True)
class Capture:
    """A replayable record: where it is and what it is."""

    source: Path
    base: int  # where the WARC's bytes start inside `source`
    file: str
    info: RecordInfo


def _load(path: Path) -> tuple[list[Capture], list[str]]:
    """Captures (responses, resources) and verification problems of a package or folder."""
    sources: list[tuple[Path, int, int | None, str]] = []
    if path.is_file() and path.name.endswith(".wacz"):
        with path.open("rb") as handle:
            try:
                entries = read_entries(handle, path.stat().st_size)
            except (FormatError, ValueError) as exc:
                raise FormatError(f"{path}: not a readable WACZ ({exc})") from None
        for entry in entries:
            if entry.name.startswith("archive/") and entry.name.endswith(".warc.gz"):
                sources.append((path, entry.data_offset, entry.size, entry.name))
    elif path.is_dir():
        sources = [(p, 0, None, p.name) for p in find_warcs(path)]
    else:
        raise InputError(f"{path}: give a .wacz package or a crawl folder")
    captures: list[Capture] = []
    problems: list[str] = []
    for source, base, size, name in sources:
        with source.open("rb") as handle:
            handle.seek(base)
            report = check_stream(handle, name, limit=size)
        problems += [str(p) for p in report.problems]
        for info in report.records:
            if info.type in ("response", "resource"):
                captures.append(Capture(source, base, name, info))
    captures.sort(key=lambda c: (c.info.target, c.info.date))
    return captures, problems


def _record(capture: Capture) -> Record:
    with capture.source.open("rb") as handle:
        handle.seek(capture.base + capture.info.offset)
        member = handle.read(capture.info.length)
    return parse(zlib.decompress(member, 31))


def replay_url(ts: str, url: str) -> str:
    return f"/replay/{ts}/{quote(url, safe=':/?&=%#;,+@!$~*()')}"


class ReplayServer:
    """A threaded HTTP server on 127.0.0.1 serving captured pages; port 0 picks a free one."""

    def __init__(self, source: Path, port: int = 0, status: str = "") -> None:
        self.source = Path(source)
        self.captures, self.problems = _load(self.source)
        self.status = status
        self.by_url: dict[str, list[Capture]] = {}
        for capture in self.captures:
            self.by_url.setdefault(capture.info.target, []).append(capture)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def pages(self) -> list[Capture]:
        return [c for c in self.captures if c.info.type == "response" and c.info.mime in HTML_TYPES]

    def screenshot(self, page: Capture) -> Capture | None:
        """The screenshot resource of a page capture, if one was taken."""
        found = self.by_url.get(VIEW_PREFIX + page.info.target, [])
        return min(found, key=lambda c: abs(c.info.date - page.info.date), default=None)

    def find(self, url: str, ts: str) -> Capture | None:
        """The capture of `url` closest in time to `ts` (14 digits)."""
        found = self.by_url.get(url)
        if not found:
            return None
        return min(found, key=lambda c: abs(int(timestamp14(c.info)) - int(ts or "0")))

    def start(self) -> None:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _index_page(server: ReplayServer) -> bytes:
    rows = []
    for capture in server.pages():
        info = capture.info
        link = replay_url(timestamp14(info), info.target)
        rows.append(
            '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td><code>{}</code></td>'
            "<td><code>{}</code></td><td>{}</td><td>{}</td></tr>".format(
                html.escape(info.date.strftime("%Y-%m-%d %H:%M:%S.%f UTC")),
                html.escape(link),
                html.escape(info.target),
                info.status or "",
                html.escape(info.payload_digest or info.block_digest),
                html.escape(info.record_id),
                html.escape(f"{capture.file} @ {info.offset}"),
                _shot_cell(server, capture),
            )
        )
    problems = "".join(f"<li>{html.escape(p)}</li>" for p in server.problems)
    status = html.escape(server.status) if server.status else ""
    text = (
        '<!doctype html><html><head><meta charset="utf-8"><title>darkrange replay</title>'
        "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:left}"
        "code{font-size:85%}.bad{color:#b00}</style></head><body>"
        f"<h1>Captured pages</h1><p>Source: {html.escape(str(server.source))}. {status}</p>"
        f"<p>{len(rows)} page(s), {len(server.captures)} replayable record(s). "
        "Scripts are disabled; nothing is fetched from the network.</p>"
        + (f'<ul class="bad">{problems}</ul>' if problems else "")
        + "<table><tr><th>captured</th><th>URL</th><th>status</th><th>payload digest</th>"
        "<th>record</th><th>file</th><th>screenshot</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    return text.encode("utf-8")


def _shot_cell(server: ReplayServer, page: Capture) -> str:
    if server.screenshot(page) is None:
        return ""
    side = html.escape(_side_url(timestamp14(page.info), page.info.target))
    return f'<a href="{side}">beside the page</a>'


def _banner(capture: Capture, shot: Capture | None = None) -> str:
    info = capture.info
    extra = ""
    if shot is not None:
        side = html.escape(_side_url(timestamp14(info), info.target))
        extra = f' | <a style="color:#9cf" href="{side}">screenshot beside the page</a>'
    return (
        '<div style="all:initial;display:block;background:#222;color:#eee;font:12px monospace;'
        'padding:4px">darkrange replay (scripts disabled) | captured '
        f"{html.escape(info.date.strftime('%Y-%m-%d %H:%M:%S UTC'))} | "
        f"{html.escape(info.target)} | {html.escape(info.payload_digest or '')} | "
        f'<a style="color:#9cf" href="/">all pages</a>{extra}</div>'
    )


def _side_url(ts: str, url: str) -> str:
    return "/side" + replay_url(ts, url).removeprefix("/replay")


def _side_page(page: Capture, shot: Capture) -> bytes:
    """The replayed page and its Chromium screenshot side by side (both from the archive)."""
    ts = timestamp14(page.info)
    frame = html.escape(replay_url(ts, page.info.target))
    image = html.escape(replay_url(timestamp14(shot.info), shot.info.target))
    text = (
        '<!doctype html><html><head><meta charset="utf-8"><title>page and screenshot</title>'
        "<style>body{margin:0;font-family:sans-serif}.row{display:flex;height:100vh}"
        ".row>*{flex:1;overflow:auto;border:0}</style></head><body>"
        + _banner(page)
        + f"<p>screenshot {html.escape(shot.info.record_id)} "
        f"{html.escape(shot.info.payload_digest or shot.info.block_digest)}, taken "
        f"{html.escape(shot.info.date.strftime('%Y-%m-%d %H:%M:%S UTC'))}</p>"
        f'<div class="row"><iframe src="{frame}" title="replayed page"></iframe>'
        f'<div><img src="{image}" alt="screenshot" style="max-width:100%"></div></div>'
        "</body></html>"
    )
    return text.encode("utf-8")


def _render(capture: Capture, shot: Capture | None = None) -> tuple[int, str, bytes]:
    """(status, content type, body) of a capture as the browser should get it."""
    record = _record(capture)
    info = capture.info
    if info.type == "resource":
        return 200, info.content_type, record.block
    head, body = split_message(record.block)
    _, fields = parse_head(head)
    ctype = next((v for k, v in fields if k == "content-type"), "application/octet-stream")
    location = next((v for k, v in fields if k == "location"), None)
    if info.status is not None and 300 <= info.status < 400 and location:
        # never send a Location: it could point the browser at the live site
        target = urljoin(info.target, location)
        link = html.escape(replay_url(timestamp14(info), target))
        note = f'<p>{info.status} redirect to <a href="{link}">{html.escape(target)}</a></p>'
        return 200, "text/html; charset=utf-8", (_banner(capture) + note).encode("utf-8")
    content = decode_content(head, payload_of(head, body))
    if any(word in ctype.lower() for word in SCRIPT_TYPES):
        return 403, "text/plain; charset=utf-8", b"scripts are disabled in replay\n"
    if info.mime in HTML_TYPES:
        ts = timestamp14(info)
        text = content.decode(_charset(ctype), "replace")
        banner = _banner(capture, shot)
        page = rewrite_html(text, info.target, lambda u: replay_url(ts, u), banner)
        return info.status or 200, "text/html; charset=utf-8", page.encode("utf-8")
    return info.status or 200, ctype, content


def _charset(ctype: str) -> str:
    for part in ctype.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            try:
                "".encode(value.strip("\"'"))
                return value.strip("\"'")
            except LookupError:
                break
    return "utf-8"


def _handler(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the CLI prints where it serves; access is the analyst's own

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            if self.path in ("/", "/index.html"):
                self._send(200, "text/html; charset=utf-8", _index_page(server))
                return
            side = self.path.startswith("/side/")
            if not self.path.startswith("/replay/") and not side:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")
                return
            ts, _, url = self.path.split("/", 2)[2].partition("/")
            capture = server.find(url, ts if ts.isdigit() else "0")
            if capture is None:
                message = f"not captured: {url}\n".encode("utf-8", "replace")
                self._send(404, "text/plain; charset=utf-8", message)
                return
            shot = server.screenshot(capture) if capture.info.type == "response" else None
            if side:
                if shot is None:
                    self._send(404, "text/plain; charset=utf-8", b"no screenshot of this page\n")
                else:
                    self._send(200, "text/html; charset=utf-8", _side_page(capture, shot))
                return
            try:
                status, ctype, body = _render(capture, shot)
            except (FormatError, zlib.error, OSError):
                status, ctype, body = 500, "text/plain; charset=utf-8", b"record unreadable\n"
            self._send(status, ctype, body)

    return Handler
