"""What a WACZ indexes: CDXJ lines (SURT key, timestamp, JSON) and pages.jsonl entries."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from darkrange.collect.evidence._check import RecordInfo
from darkrange.collect.evidence._http import decode_content, parse_head, payload_of, split_message
from darkrange.collect.evidence._record import Record

HTML_TYPES = ("text/html", "application/xhtml+xml")
INDEXED = ("response", "resource", "revisit")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def surt(url: str) -> str:
    """A SURT key as pywb writes it: host reversed, `www.` dropped, lowercased; path and query."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    key = ",".join(reversed(host.split("."))) if host else parts.scheme
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        key += f":{parts.port}"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return (key + ")" + (parts.path or "/") + ("?" + query if query else "")).lower()


def timestamp14(info: RecordInfo) -> str:
    return info.date.strftime("%Y%m%d%H%M%S")


def rfc3339(info: RecordInfo) -> str:
    return info.date.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def cdxj_line(info: RecordInfo, filename: str) -> str:
    body: dict[str, object] = {"url": info.target, "mime": info.mime or info.content_type}
    if info.status is not None:
        body["status"] = str(info.status)
    body.update(
        digest=info.payload_digest or info.block_digest,
        length=str(info.length),
        offset=str(info.offset),
        filename=filename,
        recordId=info.record_id,
    )
    if info.type != "response":
        body["mime"] = info.content_type
    return f"{surt(info.target)} {timestamp14(info)} {json.dumps(body, separators=(',', ':'))}"


def parse_cdxj(line: str) -> dict[str, str]:
    """The JSON part of a CDXJ line, with the key and timestamp as `_key` and `_ts`."""
    key, ts, body = line.split(" ", 2)
    parsed = json.loads(body)
    if not isinstance(parsed, dict):
        raise ValueError("CDXJ line without a JSON object")
    data = {k: str(v) for k, v in parsed.items()}
    data["_key"], data["_ts"] = key, ts
    return data


def title_of(record: Record) -> str | None:
    """The <title> of an HTML response, decoded with its declared charset."""
    head, body = split_message(record.block)
    _, fields = parse_head(head)
    content = decode_content(head, payload_of(head, body))[: 1 << 16]
    match = _TITLE.search(content)
    if match is None:
        return None
    ctype = next((v for k, v in fields if k == "content-type"), "")
    charset = _CHARSET.search(ctype)
    encoding = charset.group(1) if charset else "utf-8"
    try:
        text = match.group(1).decode(encoding, "replace")
    except LookupError:
        text = match.group(1).decode("utf-8", "replace")
    return " ".join(html.unescape(text).split()) or None


@dataclass(frozen=True)
class Page:
    """One captured HTML page for pages.jsonl."""

    url: str
    ts: str
    title: str | None
    record_id: str
    file: str
    payload_digest: str

    def json(self) -> str:
        entry: dict[str, object] = {"id": self.record_id.strip("<>").removeprefix("urn:uuid:")}
        entry.update(url=self.url, ts=self.ts)
        if self.title:
            entry["title"] = self.title
        entry.update(recordId=self.record_id, file=self.file, payloadDigest=self.payload_digest)
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def page_of(record: Record, info: RecordInfo, filename: str) -> Page | None:
    """A Page for a successful HTML response, else None."""
    if info.type != "response" or info.mime not in HTML_TYPES:
        return None
    if info.status is None or not 200 <= info.status < 300:
        return None
    digest = info.payload_digest or info.block_digest
    return Page(info.target, rfc3339(info), title_of(record), info.record_id, filename, digest)


PAGES_HEADER = json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
