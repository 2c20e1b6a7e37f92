"""Helpers for the extraction tests: real keys and addresses made with the shared codecs."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from darkrange.extract import Selector, find_selectors
from darkrange.formats import onion_from_pubkey


def onion_for(seed: str) -> str:
    """A real v3 onion address (with .onion) from an ed25519 key derived from `seed`."""
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed.encode()).digest())
    return onion_from_pubkey(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def h160(seed: str) -> bytes:
    return hashlib.new("ripemd160", hashlib.sha256(seed.encode()).digest()).digest()


def only(text: str, kind: str) -> list[Selector]:
    return [s for s in find_selectors(text) if s.kind == kind]
