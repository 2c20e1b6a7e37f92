"""HTML pages out of WARC files: response (and resource) records with a 2xx status and an HTML
payload, each with its pointer. A damaged file yields what precedes the damage and a problem
note; it never stops the other files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from darkrange.errors import InputError
from darkrange.extract._sources import decode
from darkrange.extract.records._html import MAX_CHARS
from darkrange.extract.records._model import WarcPointer

__all__ = ["CapturedPage", "WarcProblems", "find_warcs", "read_pages"]

_HTML = ("text/html", "application/xhtml+xml", "application/xhtml")
_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class CapturedPage:
    url: str
    html: str
    pointer: WarcPointer


@dataclass
class WarcProblems:
    """What could not be read, one line each (file and reason)."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


def find_warcs(folder: Path) -> list[Path]:
    """Every .warc and .warc.gz file under `folder`, sorted by path."""
    if not folder.exists():
        raise InputError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder (give the folder that holds the WARC files)")
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.name.endswith(_SUFFIXES))
    if not found:
        raise InputError(f"{folder}: no WARC files (.warc, .warc.gz) in it")
    return found


def _when(value: str | None) -> datetime:
    """WARC-Date (ISO 8601, "Z") as an aware UTC datetime; the epoch when it is unreadable."""
    try:
        parsed = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _media(headers: object) -> tuple[str, str | None]:
    value = (getattr(headers, "get_header", lambda _: None)("Content-Type") or "").strip()
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset" and val:
            charset = val.strip("\"'")
    return media.strip().lower(), charset


def read_pages(path: Path, name: str, problems: WarcProblems) -> Iterator[CapturedPage]:
    """The HTML pages in one WARC file; `name` is how pointers name the file."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                # the offset only after the payload is read: warcio reads to the record's end
                page = _page(record, records.get_record_offset, name)
                if page is not None:
                    yield page
    except OSError as exc:
        problems.add(f"{name}: cannot be read ({exc.strerror or exc})")
    except Exception as exc:  # warcio raises many kinds for a damaged or truncated archive
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        problems.add(f"{name}: damaged, read up to the damage ({reason})")


def _page(record: object, offset: Callable[[], int], name: str) -> CapturedPage | None:
    kind = getattr(record, "rec_type", "")
    if kind not in ("response", "resource"):
        return None
    http = getattr(record, "http_headers", None)
    if kind == "response":
        status = (http.get_statuscode() if http is not None else "") or ""
        if not status.startswith("2"):
            return None
    warc = record.rec_headers  # type: ignore[attr-defined]
    media, charset = _media(http if http is not None else warc)
    if media and not media.startswith(_HTML):
        return None
    payload = record.content_stream().read(MAX_CHARS * 2)  # type: ignore[attr-defined]
    if not media and b"<html" not in payload[:2048].lower():
        return None
    url = warc.get_header("WARC-Target-URI") or ""
    pointer = WarcPointer(
        captured=_when(warc.get_header("WARC-Date")),
        file=name,
        offset=offset(),
        record_id=warc.get_header("WARC-Record-ID") or "",
        target_uri=url,
    )
    return CapturedPage(url, decode(payload, charset), pointer)
