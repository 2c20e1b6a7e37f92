"""ASCII armor (RFC 9580 section 6) with its CRC-24 checksum line."""

from __future__ import annotations

import base64
import struct
from functools import cache

_CRC24_INIT = 0xB704CE
_CRC24_POLY = 0x1864CFB


@cache
def _byte_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        crc = i << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= _CRC24_POLY
        table.append(crc & 0xFFFFFF)
    return tuple(table)


@cache
def _word_tables() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Tables to feed the CRC four bytes per Python loop step instead of one.

    A world makes thousands of keys and the byte-at-a-time loop was a quarter of a key's cost.
    Feeding a 32-bit word w to register c gives ((c << 8) ^ w) * x^24 mod P; split that 32-bit
    value into halves hi, lo: high[hi] = hi * x^40 mod P and low[lo] = lo * x^24 mod P.
    """
    byte = _byte_table()

    def times_x16(crc: int) -> int:  # two zero bytes through the register
        crc = ((crc << 8) & 0xFFFFFF) ^ byte[crc >> 16]
        return ((crc << 8) & 0xFFFFFF) ^ byte[crc >> 16]

    low = tuple(times_x16(word << 8) for word in range(65536))
    high = tuple(times_x16(crc) for crc in low)
    return high, low


def crc24(data: bytes) -> int:
    """The OpenPGP CRC-24 of `data`."""
    high, low = _word_tables()
    crc = _CRC24_INIT
    whole = len(data) & ~3
    for word in struct.unpack(f">{whole // 4}I", data[:whole]):
        value = (crc << 8) ^ word
        crc = high[value >> 16] ^ low[value & 0xFFFF]
    byte = _byte_table()
    for octet in data[whole:]:
        crc = ((crc << 8) & 0xFFFFFF) ^ byte[(crc >> 16) ^ octet]
    return crc


def armor(kind: str, data: bytes, headers: tuple[tuple[str, str], ...] = ()) -> str:
    """`data` in ASCII armor: BEGIN line, headers, blank line, base64 in 64 columns, =CRC, END."""
    encoded = base64.b64encode(data).decode("ascii")
    lines = [f"-----BEGIN {kind}-----"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines.append("")
    lines += [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    lines.append("=" + base64.b64encode(crc24(data).to_bytes(3, "big")).decode("ascii"))
    lines.append(f"-----END {kind}-----")
    return "\n".join(lines) + "\n"
