"""Restart after a kill: records the WARC holds but the state DB never marked.

The writer cuts a torn tail when it reopens the folder; what is left is whole records. Every
response beyond a file's high-water mark whose URL is still queued is judged again, from its
own bytes, by the same functions the live crawl uses; a page or a redirect is then marked done,
with its links queued, exactly as if the crawler had not been interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from darkrange.collect.crawl._state import CrawlState
from darkrange.collect.evidence import RecordRef
from darkrange.collect.evidence._writer import WARC_DIR

# (url, method, status, lower-case headers, raw body, ref, fetched_at) -> handled
Replay = Callable[[str, int, dict[str, str], bytes, RecordRef, datetime], bool]
# (page response record id, screenshot resource record id): a screenshot written, not marked
Shot = Callable[[str, str], None]


def warc_files(folder: Path) -> list[Path]:
    base = folder / WARC_DIR
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.name.endswith(".warc.gz") and p.is_file())


def reconcile(
    state: CrawlState, folder: Path, replay: Replay, max_body: int, shot: Shot | None = None
) -> int:
    """Mark what the WARC holds beyond the marks; how many pages were recovered."""
    marks = state.marks()
    recovered = 0
    for path in warc_files(folder):
        start = marks.get(path.name, 0)
        if start >= path.stat().st_size:
            continue
        with path.open("rb") as handle:
            handle.seek(start)
            records = ArchiveIterator(handle, no_record_parse=False)
            method = ""
            for record in records:
                kind = record.rec_type
                if kind == "resource" and shot is not None:
                    _screenshot(record.rec_headers, shot)
                    continue
                if kind == "request" and record.http_headers is not None:
                    method = record.http_headers.protocol.split(" ")[0]
                    continue
                if kind != "response" or record.http_headers is None or method != "GET":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                if state.status_of(url) != "queued":
                    continue
                raw = record.raw_stream.read(max_body + 1)
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                status = int(record.http_headers.get_statuscode() or 0)
                offset = start + records.get_record_offset()
                length = records.get_record_length()
                ref = RecordRef(
                    path.name,
                    offset,
                    length,
                    record.rec_headers.get_header("WARC-Record-ID") or "",
                    record.rec_headers.get_header("WARC-Block-Digest") or "",
                )
                date = record.rec_headers.get_header("WARC-Date") or ""
                fetched = datetime.fromisoformat(date.replace("Z", "+00:00"))
                recovered += replay(url, status, headers, raw, ref, fetched)
    return recovered


def _screenshot(headers: StatusAndHeaders, shot: Shot) -> None:
    target = headers.get_header("WARC-Target-URI") or ""
    page = headers.get_header("WARC-Concurrent-To") or headers.get_header("WARC-Refers-To")
    if target.startswith("urn:view:") and page:
        shot(page, headers.get_header("WARC-Record-ID") or "")
