"""Address encodings done a few thousand at a time with numpy.

A large world needs one to two million addresses; Base58Check and Bech32 one by one in Python
cost several microseconds each, so chunks of same-type addresses are encoded as arrays. The
results are byte-identical to `darkrange.formats` (the tests compare them).
"""

from __future__ import annotations

import hashlib

import numpy as np

from darkrange.formats._base58 import ALPHABET as _B58_ALPHABET
from darkrange.formats._bech32 import CHARSET as _BECH32_CHARSET

_B58 = np.frombuffer(_B58_ALPHABET.encode("ascii"), dtype=np.uint8)
_BECH32 = np.frombuffer(_BECH32_CHARSET.encode("ascii"), dtype=np.uint8)
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32M_CONST = 0x2BC830A3
_BASE58_5 = 58**5  # five base-58 digits per limb division keeps the work in uint64
# XOR of the generator constants selected by each 5-bit `top`: one table look-up per step.
_GEN_TABLE = np.array(
    [
        np.bitwise_xor.reduce([g for i, g in enumerate(_GEN) if (t >> i) & 1] or [0])
        for t in range(32)
    ],
    dtype=np.uint32,
)


def _hrp_checksum_state(hrp: str) -> int:
    """The polymod state after the expanded human-readable part (same for every address)."""
    chk = 1
    for v in [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= _GEN[i] if (top >> i) & 1 else 0
    return chk


_BC_STATE = _hrp_checksum_state("bc")


def segwit_encode_many(programs: list[bytes], version: int) -> list[str]:
    """Mainnet segwit addresses (bech32 for v0, bech32m for v1+) of same-length programs."""
    if not programs:
        return []
    n = len(programs)
    size = len(programs[0])
    data = np.frombuffer(b"".join(programs), dtype=np.uint8).reshape(n, size)
    bits = np.unpackbits(data, axis=1)
    groups = -(-size * 8 // 5)
    padded = np.zeros((n, groups * 5), dtype=np.uint8)
    padded[:, : size * 8] = bits
    weights = np.array([16, 8, 4, 2, 1], dtype=np.uint32)
    values = padded.reshape(n, groups, 5).astype(np.uint32) @ weights
    chk = np.full(n, _BC_STATE, dtype=np.uint32)
    columns = [np.full(n, version, dtype=np.uint32)]
    columns += [values[:, j] for j in range(groups)]
    zero = np.zeros(n, dtype=np.uint32)
    for v in [*columns, *([zero] * 6)]:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ v ^ _GEN_TABLE[top]
    chk ^= np.uint32(1 if version == 0 else _BECH32M_CONST)
    checksum = [(chk >> (5 * (5 - i))) & 31 for i in range(6)]
    digits = np.stack([*columns, *checksum], axis=1).astype(np.uint8)
    chars = _BECH32[digits]
    width = chars.shape[1]
    text = chars.tobytes().decode("ascii")
    return ["bc1" + text[i * width : (i + 1) * width] for i in range(n)]


def b58check_encode_many(payloads: list[bytes]) -> list[str]:
    """Base58Check strings of same-length payloads (version byte included)."""
    if not payloads:
        return []
    n = len(payloads)
    raw = [p + hashlib.sha256(hashlib.sha256(p).digest()).digest()[:4] for p in payloads]
    size = len(raw[0])
    limbs_n = -(-size // 4)
    buf = np.zeros((n, limbs_n * 4), dtype=np.uint8)
    buf[:, limbs_n * 4 - size :] = np.frombuffer(b"".join(raw), dtype=np.uint8).reshape(n, size)
    limbs = buf.view(">u4").astype(np.uint64)  # big-endian 32-bit limbs, most significant first
    # Long division by 58^5, repeated: each pass yields five base-58 digits of the number.
    passes = -(-size * 8 * 1000 // 29_295) + 1  # log2(58^5) ~ 29.295 bits per pass
    chunks = []
    for _ in range(passes):
        rem = np.zeros(n, dtype=np.uint64)
        for j in range(limbs_n):
            cur = (rem << np.uint64(32)) | limbs[:, j]
            limbs[:, j], rem = np.divmod(cur, np.uint64(_BASE58_5))
        chunks.append(rem)
    digit_cols = []
    for rem in reversed(chunks):  # most significant pass first
        for k in range(4, -1, -1):
            digit_cols.append((rem // np.uint64(58**k)) % np.uint64(58))
    digits = np.stack(digit_cols, axis=1).astype(np.uint8)
    width = digits.shape[1]
    nonzero = digits != 0
    first = np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), width)
    text = _B58[digits].tobytes().decode("ascii")
    out = []
    for i, payload in enumerate(raw):
        zeros = len(payload) - len(payload.lstrip(b"\0"))
        start = i * width + int(first[i])
        out.append("1" * zeros + text[start : (i + 1) * width])
    return out
