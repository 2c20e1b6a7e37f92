"""Keccak-256 as Ethereum and Monero use it (the original Keccak padding, not SHA3's).

hashlib has only SHA3-256, whose padding byte differs (0x06 instead of 0x01), and OpenSSL 3.0
has no Keccak; this pure-Python sponge keeps darkrange free of a native dependency. It is fast
enough for validating the few candidates a page holds (a fraction of a millisecond per block).
"""

from __future__ import annotations

__all__ = ["keccak256"]

_MASK = (1 << 64) - 1
_RATE = 136  # bytes: 1600-bit state minus 2 x 256-bit capacity

_ROUND_CONSTANTS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip


def _permute(state: list[int]) -> None:
    """Keccak-f[1600] on 25 lanes in place.

    Unrolled over the lanes (generated once from the spec's rho offsets and pi mapping) because
    CPython spends much of a looped version on list indexing: this runs about 1.4x faster
    (about 0.3 ms per block on this machine; callers cache their results).
    """
    M = _MASK
    (
        a00,
        a01,
        a02,
        a03,
        a04,
        a05,
        a06,
        a07,
        a08,
        a09,
        a10,
        a11,
        a12,
        a13,
        a14,
        a15,
        a16,
        a17,
        a18,
        a19,
        a20,
        a21,
        a22,
        a23,
        a24,
    ) = state
    for rc in _ROUND_CONSTANTS:
        c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
        c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
        c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
        c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
        c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
        d0 = c4 ^ (((c1 << 1) | (c1 >> 63)) & M)
        d1 = c0 ^ (((c2 << 1) | (c2 >> 63)) & M)
        d2 = c1 ^ (((c3 << 1) | (c3 >> 63)) & M)
        d3 = c2 ^ (((c4 << 1) | (c4 >> 63)) & M)
        d4 = c3 ^ (((c0 << 1) | (c0 >> 63)) & M)
        b00 = a00 ^ d0
        t = a01 ^ d1
        b10 = ((t << 1) | (t >> 63)) & M
        t = a02 ^ d2
        b20 = ((t << 62) | (t >> 2)) & M
        t = a03 ^ d3
        b05 = ((t << 28) | (t >> 36)) & M
        t = a04 ^ d4
        b15 = ((t << 27) | (t >> 37)) & M
        t = a05 ^ d0
        b16 = ((t << 36) | (t >> 28)) & M
        t = a06 ^ d1
        b01 = ((t << 44) | (t >> 20)) & M
        t = a07 ^ d2
        b11 = ((t << 6) | (t >> 58)) & M
        t = a08 ^ d3
        b21 = ((t << 55) | (t >> 9)) & M
        t = a09 ^ d4
        b06 = ((t << 20) | (t >> 44)) & M
        t = a10 ^ d0
        b07 = ((t << 3) | (t >> 61)) & M
        t = a11 ^ d1
        b17 = ((t << 10) | (t >> 54)) & M
        t = a12 ^ d2
        b02 = ((t << 43) | (t >> 21)) & M
        t = a13 ^ d3
        b12 = ((t << 25) | (t >> 39)) & M
        t = a14 ^ d4
        b22 = ((t << 39) | (t >> 25)) & M
        t = a15 ^ d0
        b23 = ((t << 41) | (t >> 23)) & M
        t = a16 ^ d1
        b08 = ((t << 45) | (t >> 19)) & M
        t = a17 ^ d2
        b18 = ((t << 15) | (t >> 49)) & M
        t = a18 ^ d3
        b03 = ((t << 21) | (t >> 43)) & M
        t = a19 ^ d4
        b13 = ((t << 8) | (t >> 56)) & M
        t = a20 ^ d0
        b14 = ((t << 18) | (t >> 46)) & M
        t = a21 ^ d1
        b24 = ((t << 2) | (t >> 62)) & M
        t = a22 ^ d2
        b09 = ((t << 61) | (t >> 3)) & M
        t = a23 ^ d3
        b19 = ((t << 56) | (t >> 8)) & M
        t = a24 ^ d4
        b04 = ((t << 14) | (t >> 50)) & M
        a00 = b00 ^ (~b01 & b02) ^ rc
        a01 = b01 ^ (~b02 & b03)
        a02 = b02 ^ (~b03 & b04)
        a03 = b03 ^ (~b04 & b00)
        a04 = b04 ^ (~b00 & b01)
        a05 = b05 ^ (~b06 & b07)
        a06 = b06 ^ (~b07 & b08)
        a07 = b07 ^ (~b08 & b09)
        a08 = b08 ^ (~b09 & b05)
        a09 = b09 ^ (~b05 & b06)
        a10 = b10 ^ (~b11 & b12)
        a11 = b11 ^ (~b12 & b13)
        a12 = b12 ^ (~b13 & b14)
        a13 = b13 ^ (~b14 & b10)
        a14 = b14 ^ (~b10 & b11)
        a15 = b15 ^ (~b16 & b17)
        a16 = b16 ^ (~b17 & b18)
        a17 = b17 ^ (~b18 & b19)
        a18 = b18 ^ (~b19 & b15)
        a19 = b19 ^ (~b15 & b16)
        a20 = b20 ^ (~b21 & b22)
        a21 = b21 ^ (~b22 & b23)
        a22 = b22 ^ (~b23 & b24)
        a23 = b23 ^ (~b24 & b20)
        a24 = b24 ^ (~b20 & b21)
    state[:] = [
        a00,
        a01,
        a02,
        a03,
        a04,
        a05,
        a06,
        a07,
        a08,
        a09,
        a10,
        a11,
        a12,
        a13,
        a14,
        a15,
        a16,
        a17,
        a18,
        a19,
        a20,
        a21,
        a22,
        a23,
        a24,
    ]


def keccak256(data: bytes) -> bytes:
    """The 32-byte Keccak-256 digest of `data`."""
    padded = bytearray(data)
    padded.append(0x01)
    padded.extend(b"\0" * (-len(padded) % _RATE))
    padded[-1] |= 0x80
    state = [0] * 25
    for start in range(0, len(padded), _RATE):
        block = padded[start : start + _RATE]
        for i in range(_RATE // 8):
            state[i] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _permute(state)
    return b"".join(lane.to_bytes(8, "little") for lane in state[:4])
