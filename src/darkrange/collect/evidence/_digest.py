"""Digests as WARC writes them (`sha256:<base32>`) and as WACZ writes them (`sha256:<hex>`)."""

from __future__ import annotations

import base64
import binascii
import hashlib

from darkrange.errors import FormatError

ALGORITHM = "sha256"


def warc_digest(data: bytes) -> str:
    """`sha256:` and the RFC 4648 base32 of the SHA-256, padded, as warcio writes it."""
    return label_b32(hashlib.sha256(data).digest())


def label_b32(raw: bytes) -> str:
    return f"{ALGORITHM}:{base64.b32encode(raw).decode('ascii')}"


def wacz_digest(data: bytes) -> str:
    """`sha256:` and the lowercase hex SHA-256, as WACZ's datapackage.json writes it."""
    return f"{ALGORITHM}:{hashlib.sha256(data).hexdigest()}"


def parse_digest(value: str) -> tuple[str, bytes]:
    """Split `algo:value` into the algorithm and the raw digest; base32 (padded or not) or hex."""
    algo, sep, text = value.strip().partition(":")
    if not sep or not text:
        raise FormatError(f"digest {value!r} is not 'algorithm:value'")
    algo = algo.lower()
    size = hashlib.new(algo).digest_size if algo in hashlib.algorithms_available else 0
    if size == 0:
        raise FormatError(f"digest {value!r} uses an unknown algorithm")
    if len(text) == size * 2:
        try:
            return algo, bytes.fromhex(text)
        except ValueError:
            pass
    padded = text.upper() + "=" * (-len(text.rstrip("=")) % 8 if "=" not in text else 0)
    try:
        raw = base64.b32decode(padded)
    except (binascii.Error, ValueError):
        raise FormatError(f"digest {value!r} is neither base32 nor hex") from None
    if len(raw) != size:
        raise FormatError(f"digest {value!r} has {len(raw)} bytes, {algo} has {size}")
    return algo, raw


def digest_matches(label: str, data: bytes) -> bool:
    """Whether `label` (any encoding `parse_digest` reads) is the digest of `data`."""
    algo, raw = parse_digest(label)
    return hashlib.new(algo, data).digest() == raw
