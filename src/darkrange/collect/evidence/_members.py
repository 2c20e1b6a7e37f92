"""Walk a .warc.gz one gzip member at a time, with exact offsets, noticing truncation.

warcio reads a truncated last member without complaint; here a member that ends before its
gzip trailer, fails its CRC, or holds no complete record is reported with its offset.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20
FEED = 1 << 14  # small feeds keep zlib's copy of the unused tail small


@dataclass(frozen=True)
class Member:
    """One gzip member: where it starts, how many compressed bytes, its data or what is wrong."""

    offset: int
    length: int
    data: bytes
    error: str | None = None
    header: bytes = b""  # the first 10 bytes: the gzip header


class _Source:
    """Buffered reads of at most `limit` bytes, addressed by absolute position."""

    def __init__(self, stream: BinaryIO, limit: int | None) -> None:
        self.stream = stream
        self.remaining = limit
        self.buf = memoryview(b"")
        self.start = 0  # absolute offset of buf[0]

    def view(self, pos: int) -> memoryview:
        """Up to FEED bytes from absolute `pos`; empty at the end of the input."""
        if pos - self.start >= len(self.buf):
            size = CHUNK if self.remaining is None else min(CHUNK, self.remaining)
            data = self.stream.read(size) if size > 0 else b""
            if self.remaining is not None:
                self.remaining -= len(data)
            self.start = pos
            self.buf = memoryview(data)
        rel = pos - self.start
        return self.buf[rel : rel + FEED]


def iter_members(stream: BinaryIO, limit: int | None = None) -> Iterator[Member]:
    """Yield every gzip member of `stream` (up to `limit` bytes); a bad one ends the walk."""
    source = _Source(stream, limit)
    offset = 0
    while True:
        piece = source.view(offset)
        if not piece:
            return
        unpacker = zlib.decompressobj(31)
        header = bytes(piece[:10])
        parts: list[bytes] = []
        pos = offset
        error: str | None = None
        while True:
            try:
                parts.append(unpacker.decompress(piece))
            except zlib.error as exc:
                error = f"gzip member is corrupt ({exc})"
                break
            if unpacker.eof:
                pos += len(piece) - len(unpacker.unused_data)
                break
            pos += len(piece)
            piece = source.view(pos)
            if not piece:
                error = "gzip member is truncated (the file ends inside it)"
                break
        if error is not None:
            yield Member(offset, pos - offset, b"", error, header)
            return
        yield Member(offset, pos - offset, b"".join(parts), None, header)
        offset = pos
