"""The evidence viewer: a case's evidence item (hashes, custody and the custody chain's
verdict, a justified consultation through `darkrange.case.show`) with its captured pages
replayed from the vault copy in a sandboxed frame, scripts disabled, nothing fetched from
the network. Replay reuses darkrange.collect.evidence (loading, verifying and rewriting)."""

from __future__ import annotations

import html
import threading
from pathlib import Path
from urllib.parse import quote, urljoin

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from darkrange.case import show
from darkrange.case._access import case_for
from darkrange.case._schema_items import EvidenceItem
from darkrange.collect.evidence._http import decode_content, parse_head, payload_of, split_message
from darkrange.collect.evidence._index import HTML_TYPES, timestamp14
from darkrange.collect.evidence._replay import CSP, SCRIPT_TYPES, Capture, _charset, _load, _record
from darkrange.collect.evidence._rewrite import rewrite_html
from darkrange.errors import InputError, StateError
from darkrange.web._auth import WebUser, actor
from darkrange.web.analyst._common import AnalystUser, ask_why, clean_why, page

router = APIRouter()

_captures: dict[tuple[str, str], tuple[list[Capture], list[str]]] = {}
_lock = threading.Lock()


def captures_of(path: Path, sha256: str) -> tuple[list[Capture], list[str]]:
    """The package's replayable records and verification problems, read once per package."""
    key = (str(path), sha256)
    with _lock:
        if key not in _captures:
            if not path.is_file():
                raise StateError(f"the vault copy {path} is missing")
            _captures[key] = _load(path)
        return _captures[key]


def replay_path(item_id: int, ts: str, url: str) -> str:
    return f"/evidence/{item_id}/replay/{ts}/{quote(url, safe=':/?&=%#;,+@!$~*()')}"


@router.get("/evidence/{item_id}", response_class=HTMLResponse)
def evidence_page(request: Request, item_id: int, user: WebUser = AnalystUser) -> HTMLResponse:
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        with actor(request) as a:  # a non-member is refused before being asked anything
            case_for(a, _item(a.session.get(EvidenceItem, item_id), item_id).case_id)
        return ask_why(request, user, f"evidence item {item_id}")
    with actor(request) as a:
        view = show(a, item_id, why)
    pages: list[dict[str, str]] = []
    problems: list[str] = []
    if view.item.path is not None:
        captures, problems = captures_of(Path(view.item.path), view.item.sha256)
        for c in captures:
            if c.info.type == "response" and c.info.mime in HTML_TYPES:
                ts = timestamp14(c.info)
                pages.append(
                    {"url": c.info.target, "ts": ts, "src": replay_path(item_id, ts, c.info.target),
                     "digest": c.info.payload_digest or c.info.block_digest,
                     "captured": c.info.date.strftime("%Y-%m-%d %H:%M:%S UTC")}
                )  # fmt: skip
    chosen = request.query_params.get("page", "")
    current = next((p for p in pages if p["url"] == chosen), pages[0] if pages else None)
    return page(
        request, "evidence.html", user, view=view, pages=pages, current=current,
        problems=problems, why=why,
    )  # fmt: skip


def _item(item: EvidenceItem | None, item_id: int) -> EvidenceItem:
    if item is None:
        raise InputError(f"no evidence item {item_id}")
    return item


@router.get("/evidence/{item_id}/replay/{ts}/{target:path}")
def replay(
    request: Request, item_id: int, ts: str, target: str, user: WebUser = AnalystUser
) -> Response:
    """One captured record, as the sandboxed frame loads it; members of the case only."""
    with actor(request) as a:
        item = _item(a.session.get(EvidenceItem, item_id), item_id)
        case_for(a, item.case_id)
        path, sha256 = item.path, item.sha256
    if path is None:
        return _send(404, "text/plain; charset=utf-8", b"a partner's item: we hold its hash only\n")
    url = _target(request, item_id, ts)
    captures, _ = captures_of(Path(path), sha256)
    found = [c for c in captures if c.info.target == url]
    if not found:
        return _send(404, "text/plain; charset=utf-8", f"not captured: {url}\n".encode())
    want = int(ts) if ts.isdigit() else 0
    capture = min(found, key=lambda c: abs(int(timestamp14(c.info)) - want))
    status, ctype, body = _render(capture, item_id)
    return _send(status, ctype, body)


def _target(request: Request, item_id: int, ts: str) -> str:
    """The captured URL exactly as the link wrote it (raw path, and its query)."""
    raw = request.scope.get("raw_path")
    text = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    url = text.split(f"/evidence/{item_id}/replay/{ts}/", 1)[-1]
    query = request.scope.get("query_string", b"").decode("latin-1")
    return url + (f"?{query}" if query else "")


def _send(status: int, ctype: str, body: bytes) -> Response:
    # the replay's own, stricter policy; framed by this site only (the viewer's sandbox)
    headers = {
        "content-security-policy": CSP,
        "x-frame-options": "SAMEORIGIN",
        "cross-origin-resource-policy": "same-origin",
    }
    return Response(body, status_code=status, media_type=ctype, headers=headers)


def _banner(capture: Capture) -> str:
    info = capture.info
    return (
        '<div style="all:initial;display:block;background:#222;color:#eee;font:12px monospace;'
        'padding:4px">darkrange replay (scripts disabled) | captured '
        f"{html.escape(info.date.strftime('%Y-%m-%d %H:%M:%S UTC'))} | "
        f"{html.escape(info.target)} | {html.escape(info.payload_digest or '')}</div>"
    )


def _render(capture: Capture, item_id: int) -> tuple[int, str, bytes]:
    """(status, content type, body) of a capture, links kept inside this item's replay."""
    record = _record(capture)
    info = capture.info
    ts = timestamp14(info)
    if info.type == "resource":
        return 200, info.content_type, record.block
    head, body = split_message(record.block)
    _, fields = parse_head(head)
    ctype = next((v for k, v in fields if k == "content-type"), "application/octet-stream")
    location = next((v for k, v in fields if k == "location"), None)
    if info.status is not None and 300 <= info.status < 400 and location:
        # never send a Location: it could point the browser at the live site
        link = urljoin(info.target, location)
        note = (
            f'<p>{info.status} redirect to <a href="{html.escape(replay_path(item_id, ts, link))}">'
            f"{html.escape(link)}</a></p>"
        )
        return 200, "text/html; charset=utf-8", (_banner(capture) + note).encode("utf-8")
    content = decode_content(head, payload_of(head, body))
    if any(word in ctype.lower() for word in SCRIPT_TYPES):
        return 403, "text/plain; charset=utf-8", b"scripts are disabled in replay\n"
    if info.mime in HTML_TYPES:
        text = content.decode(_charset(ctype), "replace")
        page_html = rewrite_html(
            text, info.target, lambda u: replay_path(item_id, ts, u), _banner(capture)
        )
        return info.status or 200, "text/html; charset=utf-8", page_html.encode("utf-8")
    return info.status or 200, ctype, content
