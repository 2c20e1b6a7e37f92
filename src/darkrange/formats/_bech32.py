"""Bech32 (BIP-173) and Bech32m (BIP-350), and segwit addresses built on them."""

from __future__ import annotations

from enum import Enum

from darkrange.errors import FormatError

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_INDEX = {c: i for i, c in enumerate(CHARSET)}
_BECH32M_CONST = 0x2BC830A3


class Encoding(Enum):
    BECH32 = 1
    BECH32M = 2


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def bech32_encode(hrp: str, data: list[int], spec: Encoding) -> str:
    const = 1 if spec is Encoding.BECH32 else _BECH32M_CONST
    values = _hrp_expand(hrp) + data
    mod = _polymod([*values, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[d] for d in data + checksum)


def bech32_decode(text: str) -> tuple[str, list[int], Encoding]:
    """Decode a bech32 or bech32m string; raises FormatError saying what is wrong."""
    if any(ord(x) < 33 or ord(x) > 126 for x in text):
        raise FormatError("bech32: character out of range")
    if text.lower() != text and text.upper() != text:
        raise FormatError("bech32: mixed case")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        raise FormatError("bech32: bad separator position or length")
    hrp = text[:pos]
    try:
        data = [_INDEX[c] for c in text[pos + 1 :]]
    except KeyError:
        raise FormatError("bech32: invalid data character") from None
    const = _polymod(_hrp_expand(hrp) + data)
    if const == 1:
        spec = Encoding.BECH32
    elif const == _BECH32M_CONST:
        spec = Encoding.BECH32M
    else:
        raise FormatError("bech32: checksum mismatch")
    return hrp, data[:-6], spec


def convertbits(data: bytes | list[int], frombits: int, tobits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    ret: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or (value >> frombits):
            raise FormatError("bech32: value out of range")
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            ret.append((acc >> bits) & maxv)
    if pad:
        if bits:
            ret.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        raise FormatError("bech32: invalid padding")
    return ret


def segwit_decode(hrp: str, addr: str) -> tuple[int, bytes]:
    """Decode a segwit address for the given human-readable part; returns (version, program)."""
    got_hrp, data, spec = bech32_decode(addr)
    if got_hrp != hrp:
        raise FormatError(f"segwit: expected prefix {hrp!r}, got {got_hrp!r}")
    if not data:
        raise FormatError("segwit: empty data")
    version = data[0]
    if version > 16:
        raise FormatError("segwit: witness version above 16")
    program = bytes(convertbits(data[1:], 5, 8, False))
    if len(program) < 2 or len(program) > 40:
        raise FormatError("segwit: program length out of range")
    if version == 0 and len(program) not in (20, 32):
        raise FormatError("segwit: v0 program must be 20 or 32 bytes")
    if (version == 0) != (spec is Encoding.BECH32):
        raise FormatError("segwit: wrong checksum variant for witness version")
    return version, program


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    spec = Encoding.BECH32 if version == 0 else Encoding.BECH32M
    addr = bech32_encode(hrp, [version, *convertbits(program, 8, 5, True)], spec)
    segwit_decode(hrp, addr)  # refuse to write what we would not read back
    return addr
