"""One WARC 1.1 record: header fields, block, and its serialisation as one gzip member."""

from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from darkrange.errors import FormatError

WARC_VERSION = "WARC/1.1"
CRLF = b"\r\n"
RECORD_END = b"\r\n\r\n"
# darkrange's own field: the record's place in its file, so a removed record leaves a gap.
SEQUENCE_FIELD = "WARC-Darkrange-Sequence"


def warc_date(moment: datetime) -> str:
    """WARC 1.1 date: UTC with microseconds, e.g. 2024-05-01T12:00:00.123456Z."""
    if moment.tzinfo is None:
        raise FormatError("capture times must be timezone-aware (UTC)")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_warc_date(text: str) -> datetime:
    """Read a WARC-Date (with or without fractional seconds)."""
    value = text.strip().removesuffix("Z")
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise FormatError(f"WARC-Date {text!r} is not a W3C-ISO8601 UTC time")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass
class Record:
    """A parsed WARC record: its header fields in order and its block."""

    version: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    block: bytes = b""

    def get(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.fields:
            if key.lower() == lower:
                return value
        return None

    @property
    def type(self) -> str:
        return self.get("WARC-Type") or ""

    @property
    def record_id(self) -> str:
        return self.get("WARC-Record-ID") or ""

    @property
    def target(self) -> str:
        return self.get("WARC-Target-URI") or ""


def serialize(fields: list[tuple[str, str]], block: bytes) -> bytes:
    """The raw record: version line, fields, Content-Length, blank line, block, CRLF CRLF."""
    lines = [WARC_VERSION.encode("ascii")]
    for name, value in fields:
        if "\r" in value or "\n" in value:
            raise FormatError(f"WARC field {name} must be one line")
        lines.append(f"{name}: {value}".encode())
    lines.append(f"Content-Length: {len(block)}".encode("ascii"))
    return CRLF.join(lines) + CRLF + CRLF + block + RECORD_END


def gzip_member(raw: bytes, level: int = 6) -> bytes:
    """One gzip member (mtime 0, so equal records compress to equal bytes)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)
    return packer.compress(raw) + packer.flush()


def parse(raw: bytes) -> Record:
    """Parse one uncompressed record; the member must hold exactly one record."""
    head_end = raw.find(CRLF + CRLF)
    if head_end < 0:
        raise FormatError("record header has no end (no blank line)")
    try:
        lines = raw[:head_end].decode("utf-8", "strict").split("\r\n")
    except UnicodeDecodeError:
        raise FormatError("record header is not UTF-8") from None
    version = lines[0]
    if version not in ("WARC/1.1", "WARC/1.0"):
        raise FormatError(f"record does not start with a WARC version line: {version[:40]!r}")
    record = Record(version)
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise FormatError(f"malformed header line {line[:60]!r}")
        record.fields.append((name.strip(), value.strip()))
    length_text = record.get("Content-Length")
    if length_text is None or not length_text.isdigit():
        raise FormatError("record has no valid Content-Length")
    start = head_end + 4
    length = int(length_text)
    record.block = raw[start : start + length]
    if len(record.block) != length:
        raise FormatError(f"block is {len(record.block)} bytes, Content-Length says {length}")
    tail = raw[start + length :]
    if tail != RECORD_END:
        raise FormatError("record does not end with exactly CRLF CRLF after its block")
    return record
