"""Monero addresses: Monero's block-wise Base58 and the Keccak-256 checksum.

Monero's Base58 uses Bitcoin's alphabet but encodes 8-byte blocks into 11 characters each
(the last, shorter block into fewer), so an address has a fixed length: 95 characters for a
standard or sub-address (69 bytes), 106 for an integrated address (77 bytes).
layout = network byte | public spend key (32) | public view key (32) | [payment id (8)] | checksum
checksum = Keccak-256(everything before it)[:4]
"""

from __future__ import annotations

from dataclasses import dataclass

from darkrange.errors import FormatError
from darkrange.formats._base58 import ALPHABET
from darkrange.formats._keccak import keccak256

__all__ = ["MoneroAddress", "monero_decode", "monero_encode", "xmr_b58decode", "xmr_b58encode"]

_INDEX = {c: i for i, c in enumerate(ALPHABET)}
# Encoded length of a block of n bytes, n = 0..8.
_ENCODED_SIZES = (0, 2, 3, 5, 6, 7, 9, 10, 11)
_DECODED_SIZE = {size: n for n, size in enumerate(_ENCODED_SIZES)}

# network byte -> (network, address type), from Monero's cryptonote_config.h
_NETWORK_BYTES = {
    18: ("mainnet", "standard"),
    19: ("mainnet", "integrated"),
    42: ("mainnet", "subaddress"),
    53: ("testnet", "standard"),
    54: ("testnet", "integrated"),
    63: ("testnet", "subaddress"),
    24: ("stagenet", "standard"),
    25: ("stagenet", "integrated"),
    36: ("stagenet", "subaddress"),
}


@dataclass(frozen=True)
class MoneroAddress:
    network: str  # mainnet, testnet or stagenet
    type: str  # standard, integrated or subaddress
    spend_key: bytes
    view_key: bytes
    payment_id: bytes | None


def xmr_b58encode(data: bytes) -> str:
    """Encode with Monero's block-wise Base58."""
    out = []
    for start in range(0, len(data), 8):
        block = data[start : start + 8]
        n, chars = int.from_bytes(block, "big"), []
        for _ in range(_ENCODED_SIZES[len(block)]):
            n, r = divmod(n, 58)
            chars.append(ALPHABET[r])
        out.append("".join(reversed(chars)))
    return "".join(out)


def monero_encode(
    network: str, type_: str, spend_key: bytes, view_key: bytes, payment_id: bytes | None = None
) -> str:
    """The address of a pair of public keys (and a payment id for an integrated address)."""
    byte = {kind: b for b, kind in _NETWORK_BYTES.items()}.get((network, type_))
    if byte is None or len(spend_key) != 32 or len(view_key) != 32:
        raise FormatError(f"monero: cannot encode a {network} {type_} address")
    if (type_ == "integrated") != (payment_id is not None and len(payment_id) == 8):
        raise FormatError("monero: an integrated address, and only it, has an 8-byte payment id")
    body = bytes([byte]) + spend_key + view_key + (payment_id or b"")
    return xmr_b58encode(body + keccak256(body)[:4])


def _decode_block(block: str, size: int) -> bytes:
    n = 0
    for c in block:
        try:
            n = n * 58 + _INDEX[c]
        except KeyError:
            raise FormatError(f"monero: invalid base58 character {c!r}") from None
    if n >> (8 * size):
        raise FormatError("monero: base58 block overflows")
    return n.to_bytes(size, "big")


def xmr_b58decode(text: str) -> bytes:
    """Decode Monero's block-wise Base58."""
    full, rest = divmod(len(text), 11)
    if rest not in _DECODED_SIZE:
        raise FormatError("monero: base58 length is not a whole number of blocks")
    out = [_decode_block(text[11 * i : 11 * i + 11], 8) for i in range(full)]
    if rest:
        out.append(_decode_block(text[11 * full :], _DECODED_SIZE[rest]))
    return b"".join(out)


def monero_decode(address: str) -> MoneroAddress:
    """Decode and check a Monero address; raises FormatError saying what is wrong."""
    if len(address) not in (95, 106):
        raise FormatError(f"monero: {len(address)} characters, expected 95 or 106")
    raw = xmr_b58decode(address)
    body, check = raw[:-4], raw[-4:]
    if keccak256(body)[:4] != check:
        raise FormatError("monero: Keccak-256 checksum mismatch")
    kind = _NETWORK_BYTES.get(body[0])
    if kind is None:
        raise FormatError(f"monero: network byte {body[0]} is not Monero's")
    network, type_ = kind
    integrated = type_ == "integrated"
    if len(body) != (73 if integrated else 65):
        raise FormatError(f"monero: wrong length for a {type_} address")
    return MoneroAddress(
        network=network,
        type=type_,
        spend_key=body[1:33],
        view_key=body[33:65],
        payment_id=body[65:73] if integrated else None,
    )
