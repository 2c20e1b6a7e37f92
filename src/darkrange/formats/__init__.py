"""Codecs for the identifiers the dark web runs on, shared by the range and the toolkit.

Nothing here knows about worlds or cases: onion v3 addresses, Base58Check and Bech32/Bech32m
segwit addresses. The range uses them to write identifiers; the toolkit to validate them.
"""

from darkrange.formats._base58 import b58check_decode, b58check_encode, b58decode, b58encode
from darkrange.formats._bech32 import (
    Encoding,
    bech32_decode,
    bech32_encode,
    segwit_decode,
    segwit_encode,
)
from darkrange.formats._onion import onion_from_pubkey, onion_pubkey, onion_valid

__all__ = [
    "Encoding",
    "b58check_decode",
    "b58check_encode",
    "b58decode",
    "b58encode",
    "bech32_decode",
    "bech32_encode",
    "onion_from_pubkey",
    "onion_pubkey",
    "onion_valid",
    "segwit_decode",
    "segwit_encode",
]
