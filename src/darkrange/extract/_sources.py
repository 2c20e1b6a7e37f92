"""What to extract from: text and HTML files, WARC files (response records) and stdin."""

from __future__ import annotations

import codecs
import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from darkrange.errors import InputError

__all__ = ["Document", "decode", "read_documents"]

# Payloads worth reading in a WARC; images, fonts and media hold no selectors worth the noise.
_TEXT_TYPES = ("text/", "application/json", "application/xhtml", "application/xml",
               "application/javascript", "application/ld+json", "application/pgp-keys")  # fmt: skip


@dataclass(frozen=True)
class Document:
    """A text to extract from and where it came from.

    For a WARC record, `source` is "<file> <record id> <target URI>".
    """

    source: str
    text: str


def decode(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: a BOM or the declared charset, else UTF-8; bad bytes become U+FFFD."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(name, "replace")
    if charset:
        try:
            return data.decode(charset, "replace")
        except LookupError:
            pass  # an unknown charset name on a page: fall back to UTF-8
    return data.decode("utf-8", "replace")


def read_documents(path: str) -> Iterator[Document]:
    """The documents in `path` ("-" for stdin): one for a text or HTML file, one per
    response or resource record of a WARC file. Raises InputError when it cannot be read."""
    if path == "-":
        data = sys.stdin.buffer.read()
        yield from _from_bytes("<stdin>", data)
        return
    file = Path(path)
    try:
        with file.open("rb") as handle:
            head = handle.read(4096)
            if _is_warc(file, head):
                handle.seek(0)
                yield from _warc(path, handle, head)
                return
            data = head + handle.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    yield from _from_bytes(path, data)


def _from_bytes(name: str, data: bytes) -> Iterator[Document]:
    if _is_warc(Path(name), data[:4096]):
        yield from _warc(name, io.BytesIO(data), data[:4096])
        return
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{name}: broken gzip data ({_one_line(exc)})") from None
    yield Document(name, decode(data))


def _is_warc(file: Path, head: bytes) -> bool:
    return file.name.endswith((".warc", ".warc.gz")) or _warc_header_ok(head)


def _archive_start(head: bytes) -> bytes | None:
    """The first bytes of the (gunzipped) data, or None when they cannot be read."""
    if head[:2] != b"\x1f\x8b":
        return head[:16]
    try:  # a gzipped WARC is a series of gzip members, the first holding "WARC/1.x"
        return zlib.decompressobj(31).decompress(head, 16)
    except zlib.error:
        return None


def _warc_header_ok(head: bytes) -> bool:
    start = _archive_start(head)
    # "filedesc://" opens an ARC file, WARC's predecessor, which warcio reads too
    return start is not None and start.startswith((b"WARC/", b"filedesc://"))


def _warc(name: str, stream: BinaryIO, head: bytes) -> Iterator[Document]:
    from warcio.archiveiterator import ArchiveIterator

    if not _warc_header_ok(head):
        raise InputError(f"{name}: not a readable WARC file (no WARC/1.x header)")

    try:
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("response", "resource"):
                continue
            content_type, charset = _content_type(record)
            if content_type and not content_type.startswith(_TEXT_TYPES):
                continue
            payload = record.content_stream().read()
            record_id = record.rec_headers.get_header("WARC-Record-ID") or "<no record id>"
            uri = record.rec_headers.get_header("WARC-Target-URI") or "-"
            yield Document(f"{name} {record_id} {uri}", decode(payload, charset))
    except InputError:
        raise
    except Exception as exc:  # warcio raises many kinds for damaged archives
        raise InputError(f"{name}: not a readable WARC file ({_one_line(exc)})") from None


def _content_type(record: object) -> tuple[str, str | None]:
    """The payload's media type (lower case) and charset, from HTTP or WARC headers."""
    headers = getattr(record, "http_headers", None) or getattr(record, "rec_headers", None)
    value = (headers.get_header("Content-Type") if headers is not None else None) or ""
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset" and val:
            charset = val.strip("\"'")
    return media.strip().lower(), charset


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
