"""secp256k1 keys and the mainnet addresses derived from them.

Keys come in chunks of consecutive secrets b+1 .. b+m, where the chunk's base b is a hash of the
world seed, the address type and the chunk number. Consecutive secrets let a whole chunk of
public keys be computed as B + j*G with one modular inversion (Montgomery's trick) instead of
one scalar multiplication each: about five times faster than coincurve's key creation, and
still real keys (the secret of every address can be re-derived with `address_secrets`).

P2TR follows BIP-86 (BIP-341 key-path tweak with no script tree); the P2WSH addresses are 2-of-3
multisig (exchange cold storage) with keys sorted as BIP-67 says.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from coincurve import PublicKeyXOnly
from coincurve._libsecp256k1 import ffi, lib
from coincurve.context import GLOBAL_CONTEXT

from darkrange.errors import InputError
from darkrange.formats import b58check_encode, segwit_encode
from darkrange.world.chain._encode import b58check_encode_many, segwit_encode_many

FIELD_P = 2**256 - 2**32 - 977
ORDER_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
CHUNK = 1024  # addresses per chunk of a single-key stream
MULTISIG_CHUNK = CHUNK // 3  # P2WSH addresses per chunk: three keys each
ADDRESS_TYPES = ("p2pkh", "p2sh", "p2wpkh", "p2tr", "p2wsh")

_COMPRESSED = 258  # SECP256K1_EC_COMPRESSED
_UNCOMPRESSED = 2  # SECP256K1_EC_UNCOMPRESSED


_RIPEMD160 = hashlib.new("ripemd160")  # copied: much cheaper than looking the name up again
_TAPTWEAK_TAG = hashlib.sha256(b"TapTweak").digest()
_TAPTWEAK = hashlib.sha256(_TAPTWEAK_TAG + _TAPTWEAK_TAG)  # BIP-340 tagged hash, tag absorbed


def hash160(data: bytes) -> bytes:
    h = _RIPEMD160.copy()
    h.update(hashlib.sha256(data).digest())
    return h.digest()


def tagged_hash(tag: str, data: bytes) -> bytes:
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + data).digest()


def _secret_point(secret: int) -> tuple[int, int]:
    """The affine point secret*G, through libsecp256k1 (one scalar multiplication)."""
    pub = ffi.new("secp256k1_pubkey *")
    if not lib.secp256k1_ec_pubkey_create(GLOBAL_CONTEXT.ctx, pub, secret.to_bytes(32, "big")):
        raise InputError("secret key out of range")
    out = ffi.new("unsigned char[65]")
    size = ffi.new("size_t *", 65)
    lib.secp256k1_ec_pubkey_serialize(GLOBAL_CONTEXT.ctx, out, size, pub, _UNCOMPRESSED)
    raw = bytes(ffi.buffer(out, 65))
    return int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")


def public_key(secret: int) -> bytes:
    """Compressed 33-byte public key of a secret."""
    x, y = _secret_point(secret)
    return bytes([2 + (y & 1)]) + x.to_bytes(32, "big")


@lru_cache(maxsize=1)
def _multiples() -> list[tuple[int, int]]:
    """j*G for j = 1..CHUNK, affine; built once per process by repeated addition of G."""
    gx, gy = _secret_point(1)
    out = [(gx, gy)]
    x, y = gx, gy
    for _ in range(CHUNK - 1):
        if x == gx:  # only 2G: the tangent
            lam = 3 * x * x * pow(2 * y, -1, FIELD_P) % FIELD_P
        else:
            lam = (y - gy) * pow(x - gx, -1, FIELD_P) % FIELD_P
        x3 = (lam * lam - x - gx) % FIELD_P
        x, y = x3, (lam * (x - x3) - y) % FIELD_P
        out.append((x, y))
    return out


def _chunk_points(base: int, count: int) -> list[tuple[int, int]]:
    """(base + j)*G for j = 1..count as affine points, with one inversion for the chunk."""
    bx, by = _secret_point(base)
    table = _multiples()[:count]
    dx = [(tx - bx) % FIELD_P for tx, _ in table]
    prefix = [0] * count
    acc = 1
    for i, d in enumerate(dx):
        prefix[i] = acc
        acc = acc * d % FIELD_P
    inv = pow(acc, -1, FIELD_P)
    out: list[tuple[int, int]] = [(0, 0)] * count
    for i in range(count - 1, -1, -1):
        d_inv = inv * prefix[i] % FIELD_P
        inv = inv * dx[i] % FIELD_P
        tx, ty = table[i]
        lam = (ty - by) * d_inv % FIELD_P
        x3 = (lam * lam - bx - tx) % FIELD_P
        out[i] = (x3, (lam * (bx - x3) - by) % FIELD_P)
    return out


def chunk_base(seed: bytes, address_type: str, chunk: int) -> int:
    """The secret just before the chunk's first key; far from 0 and n so no sum degenerates."""
    digest = hashlib.sha256(
        b"darkrange/chain/keys\0%s\0%s\0%d" % (seed, address_type.encode(), chunk)
    )
    span = ORDER_N - 4 * CHUNK
    return int.from_bytes(digest.digest(), "big") % span + 2 * CHUNK


def _compressed(point: tuple[int, int]) -> bytes:
    return bytes([2 + (point[1] & 1)]) + point[0].to_bytes(32, "big")


def taproot_tweak_secret(secret: int, point: tuple[int, int] | None = None) -> int:
    """BIP-86 output secret: the internal key made even-y, plus the BIP-341 TapTweak."""
    x, y = point if point is not None else _secret_point(secret)
    d = ORDER_N - secret if y & 1 else secret
    tweak = int.from_bytes(tagged_hash("TapTweak", x.to_bytes(32, "big")), "big")
    return (d + tweak) % ORDER_N


def taproot_output_key(internal_key: bytes) -> bytes:
    """x-only output key of a BIP-86 wallet: internal key + TapTweak(internal key) * G."""
    if len(internal_key) != 32:
        raise InputError("taproot internal key must be 32 bytes (x-only)")
    key = PublicKeyXOnly(internal_key)
    key.tweak_add(tagged_hash("TapTweak", internal_key))
    out: bytes = key.format()
    return out


def multisig_script(pubkeys: list[bytes], required: int = 2) -> bytes:
    """OP_m <keys sorted as BIP-67> OP_n OP_CHECKMULTISIG."""
    body = b"".join(b"\x21" + k for k in sorted(pubkeys))
    return bytes([0x50 + required]) + body + bytes([0x50 + len(pubkeys), 0xAE])


def p2pkh_address(pubkey: bytes) -> str:
    return b58check_encode(b"\x00" + hash160(pubkey))


def p2sh_p2wpkh_address(pubkey: bytes) -> str:
    return b58check_encode(b"\x05" + hash160(b"\x00\x14" + hash160(pubkey)))


def p2wpkh_address(pubkey: bytes) -> str:
    return segwit_encode("bc", 0, hash160(pubkey))


def p2tr_address(internal_key: bytes) -> str:
    return segwit_encode("bc", 1, taproot_output_key(internal_key))


def p2wsh_multisig_address(pubkeys: list[bytes], required: int = 2) -> str:
    return segwit_encode("bc", 0, hashlib.sha256(multisig_script(pubkeys, required)).digest())


def script_pubkey(address_type: str, program: bytes) -> bytes:
    """The output script for a hash or key `program` of the given address type."""
    if address_type == "p2pkh":
        return b"\x76\xa9\x14" + program + b"\x88\xac"
    if address_type == "p2sh":
        return b"\xa9\x14" + program + b"\x87"
    if address_type in ("p2wpkh", "p2wsh"):
        return bytes([0, len(program)]) + program
    if address_type == "p2tr":
        return b"\x51\x20" + program
    raise InputError(f"unknown address type {address_type!r}")


def chunk_size(address_type: str) -> int:
    return MULTISIG_CHUNK if address_type == "p2wsh" else CHUNK


def _taproot_programs(base: int, points: list[tuple[int, int]]) -> list[bytes]:
    """BIP-86 output keys (x-only) of secrets base+1 ...: `taproot_tweak_secret` times G, one
    libsecp256k1 call each with the buffers reused (a tweak needs a full multiplication)."""
    ctx = GLOBAL_CONTEXT.ctx
    pub = ffi.new("secp256k1_pubkey *")
    out = ffi.new("unsigned char[33]")
    size = ffi.new("size_t *")
    create = lib.secp256k1_ec_pubkey_create
    serialize = lib.secp256k1_ec_pubkey_serialize
    programs = []
    for secret, (x, y) in enumerate(points, base + 1):
        h = _TAPTWEAK.copy()
        h.update(x.to_bytes(32, "big"))
        d = ORDER_N - secret if y & 1 else secret
        tweaked = (d + int.from_bytes(h.digest(), "big")) % ORDER_N
        if not create(ctx, pub, tweaked.to_bytes(32, "big")):
            raise InputError("secret key out of range")
        size[0] = 33
        serialize(ctx, out, size, pub, _COMPRESSED)
        programs.append(ffi.buffer(out, 33)[1:])
    return programs


def _programs(address_type: str, base: int, points: list[tuple[int, int]]) -> list[bytes]:
    if address_type == "p2pkh" or address_type == "p2wpkh":
        return [hash160(_compressed(p)) for p in points]
    if address_type == "p2sh":
        return [hash160(b"\x00\x14" + hash160(_compressed(p))) for p in points]
    if address_type == "p2tr":
        return _taproot_programs(base, points)
    keys = [_compressed(p) for p in points]
    return [
        hashlib.sha256(multisig_script(keys[i : i + 3])).digest() for i in range(0, len(keys), 3)
    ]


def derive_chunk(seed: bytes, address_type: str, chunk: int) -> tuple[list[str], list[bytes]]:
    """Addresses and output scripts of one chunk of an address type's stream."""
    if address_type not in ADDRESS_TYPES:
        raise InputError(f"unknown address type {address_type!r}")
    base = chunk_base(seed, address_type, chunk)
    count = chunk_size(address_type) * (3 if address_type == "p2wsh" else 1)
    points = _chunk_points(base, count)
    programs = _programs(address_type, base, points)
    if address_type == "p2pkh":
        addresses = b58check_encode_many([b"\x00" + p for p in programs])
    elif address_type == "p2sh":
        addresses = b58check_encode_many([b"\x05" + p for p in programs])
    else:
        addresses = segwit_encode_many(programs, 1 if address_type == "p2tr" else 0)
    return addresses, [script_pubkey(address_type, p) for p in programs]


def address_secrets(seed: bytes, address_type: str, index: int) -> list[int]:
    """The secret key(s) behind the index-th address of a stream (three for P2WSH).

    For P2TR this is the BIP-86 internal key's secret, before the tweak.
    """
    size = chunk_size(address_type)
    base = chunk_base(seed, address_type, index // size)
    offset = index % size
    if address_type == "p2wsh":
        return [base + 3 * offset + k + 1 for k in range(3)]
    return [base + offset + 1]
