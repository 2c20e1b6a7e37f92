"""Onion service v3 addresses (rend-spec-v3 section 6).

address = base32(PUBKEY | CHECKSUM | VERSION) + ".onion"
CHECKSUM = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2], VERSION = 0x03
"""

from __future__ import annotations

import base64
import hashlib

from darkrange.errors import FormatError

_VERSION = b"\x03"


def _checksum(pubkey: bytes) -> bytes:
    return hashlib.sha3_256(b".onion checksum" + pubkey + _VERSION).digest()[:2]


def onion_from_pubkey(pubkey: bytes) -> str:
    """The v3 onion address (with `.onion`) of a 32-byte ed25519 public key."""
    if len(pubkey) != 32:
        raise FormatError("onion v3: public key must be 32 bytes")
    raw = pubkey + _checksum(pubkey) + _VERSION
    return base64.b32encode(raw).decode("ascii").lower() + ".onion"


def onion_pubkey(address: str) -> bytes:
    """The ed25519 public key of a v3 onion address; raises FormatError when invalid."""
    label = address.lower().removesuffix(".onion")
    if len(label) != 56:
        raise FormatError("onion v3: address must have 56 characters")
    try:
        raw = base64.b32decode(label.upper())
    except ValueError:
        raise FormatError("onion v3: not base32") from None
    pubkey, check, version = raw[:32], raw[32:34], raw[34:]
    if version != _VERSION:
        raise FormatError("onion v3: version byte is not 3")
    if check != _checksum(pubkey):
        raise FormatError("onion v3: checksum mismatch")
    return pubkey


def onion_valid(address: str) -> bool:
    try:
        onion_pubkey(address)
    except FormatError:
        return False
    return True
