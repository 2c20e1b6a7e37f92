"""Codecs for the identifiers the dark web runs on, shared by the range and the toolkit.

Nothing here knows about worlds or cases: onion v3 addresses, Base58Check and Bech32/Bech32m
segwit addresses, Monero and Ethereum addresses (Keccak-256), OpenPGP public keys. The range
uses them to write identifiers; the toolkit to validate them.
"""

from darkrange.formats._base58 import b58check_decode, b58check_encode, b58decode, b58encode
from darkrange.formats._bech32 import (
    Encoding,
    bech32_decode,
    bech32_encode,
    segwit_decode,
    segwit_encode,
)
from darkrange.formats._ethereum import eip55_checksum, eth_check
from darkrange.formats._keccak import keccak256
from darkrange.formats._monero import MoneroAddress, monero_decode, monero_encode
from darkrange.formats._onion import onion_from_pubkey, onion_pubkey, onion_valid
from darkrange.formats._openpgp import (
    PublicKey,
    armor_decode,
    crc24,
    parse_public_keys,
    split_packets,
)

__all__ = [
    "Encoding",
    "MoneroAddress",
    "PublicKey",
    "armor_decode",
    "b58check_decode",
    "b58check_encode",
    "b58decode",
    "b58encode",
    "bech32_decode",
    "bech32_encode",
    "crc24",
    "eip55_checksum",
    "eth_check",
    "keccak256",
    "monero_decode",
    "monero_encode",
    "onion_from_pubkey",
    "onion_pubkey",
    "onion_valid",
    "parse_public_keys",
    "segwit_decode",
    "segwit_encode",
    "split_packets",
]
