"""A canonical stored ZIP: written one way only, so every header byte can be checked.

WACZ wants WARCs stored, not deflated. We store every entry, with fixed header fields (the
package's creation time, no extra fields but ZIP64 where sizes or offsets need it, no comments,
entries back to back). The checker rebuilds each header from its entry's name, CRC, size and
offset and compares bytes; the data between headers is covered by the SHA-256 in
datapackage.json. So one changed byte anywhere in the file is noticed and located.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from darkrange.errors import FormatError

LIMIT = 0xFFFFFFFF
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_END64 = struct.Struct("<IQHHIIQQQQ")
_LOCATOR = struct.Struct("<IIQI")
_ATTR = 0o100644 << 16
COPY = 1 << 20


@dataclass(frozen=True)
class ZipEntry:
    """One stored entry: name, local header offset, data offset, size, CRC-32."""

    name: str
    offset: int
    data_offset: int
    size: int
    crc: int


def dos_time(moment: datetime) -> tuple[int, int]:
    stamp = moment.replace(microsecond=0)
    time = (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2)
    date = ((stamp.year - 1980) << 9) | (stamp.month << 5) | stamp.day
    return time, date


def _sizes_extra(size: int, offset: int | None, limit: int) -> bytes:
    values = []
    if size >= limit:
        values += [size, size]
    if offset is not None and offset >= limit:
        values.append(offset)
    if not values:
        return b""
    return struct.pack("<HH", 1, 8 * len(values)) + struct.pack(f"<{len(values)}Q", *values)


def local_header(name: str, crc: int, size: int, stamp: tuple[int, int], limit: int) -> bytes:
    raw = name.encode("ascii")
    big = size >= limit
    extra = _sizes_extra(size, None, limit)
    shown = LIMIT if big else size
    version = 45 if big else 20
    head = _LOCAL.pack(
        0x04034B50, version, 0, 0, stamp[0], stamp[1], crc, shown, shown, len(raw), len(extra)
    )
    return head + raw + extra


def central_header(entry: ZipEntry, stamp: tuple[int, int], limit: int) -> bytes:
    raw = entry.name.encode("ascii")
    big = entry.size >= limit
    far = entry.offset >= limit
    extra = _sizes_extra(entry.size, entry.offset, limit)
    shown = LIMIT if big else entry.size
    version = 45 if (big or far) else 20
    head = _CENTRAL.pack(
        0x02014B50, (3 << 8) | version, version, 0, 0, stamp[0], stamp[1], entry.crc,
        shown, shown, len(raw), len(extra), 0, 0, 0, _ATTR, LIMIT if far else entry.offset,
    )  # fmt: skip
    return head + raw + extra


def end_records(count: int, cd_offset: int, cd_size: int, limit: int) -> bytes:
    """The end of central directory, with ZIP64 records first when anything overflows."""
    out = b""
    if count >= 0xFFFF or cd_offset >= limit or cd_size >= limit:
        end64_at = cd_offset + cd_size
        made = (3 << 8) | 45
        out += _END64.pack(0x06064B50, 44, made, 45, 0, 0, count, count, cd_size, cd_offset)
        out += _LOCATOR.pack(0x07064B50, 0, end64_at, 1)
        count, cd_offset, cd_size = min(count, 0xFFFF), min(cd_offset, LIMIT), min(cd_size, LIMIT)
    return out + _END.pack(0x06054B50, 0, 0, count, count, cd_size, cd_offset, 0)


class StoredZipWriter:
    """Write a canonical stored ZIP to a seekable binary handle."""

    def __init__(self, handle: BinaryIO, moment: datetime, limit: int = LIMIT) -> None:
        self.handle = handle
        self.stamp = dos_time(moment)
        self.limit = limit
        self.entries: list[ZipEntry] = []
        self.position = 0

    def add_file(self, name: str, source: Path) -> tuple[str, int]:
        """Copy a file in; returns (sha256 hex, size)."""
        with Path(source).open("rb") as stream:
            return self._add(name, stream, Path(source).stat().st_size)

    def add_bytes(self, name: str, data: bytes) -> tuple[str, int]:
        return self._add(name, io.BytesIO(data), len(data))

    def _add(self, name: str, stream: BinaryIO, size: int) -> tuple[str, int]:
        start = self.position
        header = local_header(name, 0, size, self.stamp, self.limit)
        self.handle.write(header)
        crc = 0
        digest = hashlib.sha256()
        copied = 0
        while chunk := stream.read(COPY):
            self.handle.write(chunk)
            crc = zlib.crc32(chunk, crc)
            digest.update(chunk)
            copied += len(chunk)
        if copied != size:
            raise FormatError(f"{name} changed size while being packaged")
        self.handle.seek(start)
        self.handle.write(local_header(name, crc, size, self.stamp, self.limit))
        self.handle.seek(0, 2)
        self.position = start + len(header) + size
        self.entries.append(ZipEntry(name, start, start + len(header), size, crc))
        return digest.hexdigest(), size

    def finish(self) -> None:
        cd_offset = self.position
        central = b"".join(central_header(e, self.stamp, self.limit) for e in self.entries)
        self.handle.write(central)
        self.handle.write(end_records(len(self.entries), cd_offset, len(central), self.limit))
        self.handle.flush()


def _read(handle: BinaryIO, offset: int, size: int) -> bytes:
    if offset < 0 or size < 0:
        return b""
    handle.seek(offset)
    return handle.read(size)


def _central_directory(handle: BinaryIO, total: int) -> tuple[int, int, int]:
    """(entry count, central directory offset, its size) from the end records."""
    if total < _END.size:
        raise FormatError("too short to be a ZIP file")
    end = _END.unpack(_read(handle, total - _END.size, _END.size))
    if end[0] != 0x06054B50:
        raise FormatError(f"no end-of-central-directory record at byte {total - _END.size}")
    count, cd_size, cd_offset = end[4], end[5], end[6]
    if count == 0xFFFF or cd_size == LIMIT or cd_offset == LIMIT:
        at = total - _END.size - _LOCATOR.size
        locator = _LOCATOR.unpack(_read(handle, at, _LOCATOR.size))
        if locator[0] != 0x07064B50:
            raise FormatError(f"no ZIP64 locator at byte {at}")
        end64 = _END64.unpack(_read(handle, locator[2], _END64.size))
        if end64[0] != 0x06064B50:
            raise FormatError(f"no ZIP64 end record at byte {locator[2]}")
        count, cd_size, cd_offset = end64[7], end64[8], end64[9]
    return count, cd_offset, cd_size


def read_entries(handle: BinaryIO, total: int) -> list[ZipEntry]:
    """The entries as the central directory lists them (not yet checked)."""
    try:
        return _read_entries(handle, total)
    except (struct.error, IndexError, ValueError, OverflowError) as exc:
        raise FormatError(f"ZIP structure unreadable ({exc})") from None


def _read_entries(handle: BinaryIO, total: int) -> list[ZipEntry]:
    count, cd_offset, cd_size = _central_directory(handle, total)
    if cd_offset + cd_size > total:
        raise FormatError("the central directory runs past the end of the file")
    data = _read(handle, cd_offset, cd_size)
    entries = []
    pos = 0
    for _ in range(count):
        if data[pos : pos + 4] != b"PK\x01\x02":
            raise FormatError(f"central directory entry expected at byte {cd_offset + pos}")
        head = _CENTRAL.unpack(data[pos : pos + _CENTRAL.size])
        name_len, extra_len, comment_len = head[10], head[11], head[12]
        name_at = pos + _CENTRAL.size
        name = data[name_at : name_at + name_len].decode("ascii")  # we write ASCII names only
        extra = data[name_at + name_len : name_at + name_len + extra_len]
        size, offset = head[9], head[16]
        values = list(struct.unpack(f"<{(len(extra) - 4) // 8}Q", extra[4:])) if extra else []
        if size == LIMIT and len(values) >= 2:
            size = values[0]
            values = values[2:]
        if offset == LIMIT and values:
            offset = values.pop(0)
        local = _LOCAL.unpack(_read(handle, offset, _LOCAL.size))
        data_offset = offset + _LOCAL.size + local[9] + local[10]
        if data_offset + size > cd_offset:
            raise FormatError(f"entry {name} runs past the central directory")
        entries.append(ZipEntry(name, offset, data_offset, size, head[7]))
        pos = name_at + name_len + extra_len + comment_len
    return entries


def check_layout(
    handle: BinaryIO, total: int, moment: datetime, limit: int = LIMIT
) -> tuple[list[ZipEntry], list[tuple[str, int, str]]]:
    """Entries and problems (entry or 'zip', byte offset, message) of a canonical stored ZIP."""
    try:
        entries = read_entries(handle, total)
    except FormatError as exc:
        return [], [("zip", 0, str(exc))]
    stamp = dos_time(moment)
    problems: list[tuple[str, int, str]] = []
    position = 0
    for entry in entries:
        expected = local_header(entry.name, entry.crc, entry.size, stamp, limit)
        if entry.offset != position:
            problems.append((entry.name, position, "entries are not back to back"))
        if _read(handle, entry.offset, len(expected)) != expected:
            problems.append((entry.name, entry.offset, "local file header changed"))
        position = entry.offset + len(expected) + entry.size
    central = b"".join(central_header(e, stamp, limit) for e in entries)
    tail = central + end_records(len(entries), position, len(central), limit)
    actual = _read(handle, position, total - position)
    if actual != tail:
        at = next((i for i, (a, b) in enumerate(zip(actual, tail, strict=False)) if a != b), 0)
        problems.append(("zip", position + at, "central directory or end record changed"))
    return entries, problems
