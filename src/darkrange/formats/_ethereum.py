"""Ethereum addresses and their EIP-55 mixed-case checksum."""

from __future__ import annotations

from functools import lru_cache

from darkrange.errors import FormatError
from darkrange.formats._keccak import keccak256

__all__ = ["eip55_checksum", "eth_check"]

_HEX = frozenset("0123456789abcdefABCDEF")


@lru_cache(maxsize=4096)
def eip55_checksum(address: str) -> str:
    """The EIP-55 form ("0x" + mixed case) of a 40-hex-digit address (with or without 0x)."""
    body = address[2:] if address[:2] in ("0x", "0X") else address
    if len(body) != 40 or not _HEX.issuperset(body):
        raise FormatError("ethereum: an address is 0x and 40 hex digits")
    lower = body.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower)
    )


def eth_check(address: str) -> tuple[str, bool]:
    """Check an address; returns (EIP-55 form, whether the input carried a checksum).

    An address in one case carries no checksum and is accepted as is (EIP-55 is optional);
    a mixed-case one must match EIP-55 exactly, otherwise FormatError.
    """
    checksummed = eip55_checksum(address)
    body = address[2:]
    if body == body.lower() or body == body.upper():
        return checksummed, False
    if body != checksummed[2:]:
        raise FormatError("ethereum: EIP-55 checksum mismatch")
    return checksummed, True
