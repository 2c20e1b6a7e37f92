"""What an armored public key says about who vouches for it: the keys that certified it.

darkrange.formats.parse_public_keys identifies keys; linking also needs the signature packets.
A vendor who rotates keys certifies the new key's user ID with the old key, so a third-party
certification (issuer not the key itself) is hard evidence that the two keys have one owner.
Signatures are not verified: this reads what a page claims, as the rest of the toolkit does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from darkrange.errors import FormatError
from darkrange.formats import armor_decode, parse_public_keys, split_packets

__all__ = ["KeyFacts", "read_key"]

_BLOCK = re.compile(
    r"-----BEGIN PGP PUBLIC KEY BLOCK-----(.*?)-----END PGP PUBLIC KEY BLOCK-----", re.S
)
_TAG_SIGNATURE, _TAG_PUBLIC_KEY = 2, 6
_CERTIFICATIONS = {0x10, 0x11, 0x12, 0x13}
_SUB_ISSUER_KEY_ID, _SUB_ISSUER_FINGERPRINT = 16, 33


@dataclass(frozen=True)
class KeyFacts:
    """The primary fingerprints in a block and the issuers (fingerprints, or 16-digit key ids
    when a signature names only a key id) of certifications made by other keys."""

    fingerprints: tuple[str, ...]
    certifiers: tuple[str, ...]


def read_key(armored: str) -> KeyFacts | None:
    """Fingerprints and third-party certifiers of the first armored key block; None if the
    text holds no readable key (a damaged block is not evidence of anything)."""
    match = _BLOCK.search(armored)
    if match is None:
        return None
    try:
        data, _ = armor_decode(match.group(1))
        keys = parse_public_keys(data)
        issuers = _certifiers(data)
    except FormatError:
        return None
    own = {k.fingerprint for k in keys} | {k.key_id for k in keys}
    return KeyFacts(
        fingerprints=tuple(k.fingerprint for k in keys),
        certifiers=tuple(sorted(i for i in issuers if i not in own)),
    )


def _certifiers(data: bytes) -> set[str]:
    out: set[str] = set()
    for tag, body in split_packets(data):
        certification = len(body) > 4 and body[0] in (4, 5, 6) and body[1] in _CERTIFICATIONS
        if tag == _TAG_SIGNATURE and certification:
            out |= _issuers(body)
    return out


def _issuers(body: bytes) -> set[str]:
    """Issuer fingerprints (subpacket 33) or else key ids (16) of a v4+ signature."""
    wide = body[0] != 4  # v5/v6 count subpacket areas in four octets
    pos, found_fpr, found_id = 4, set(), set()
    for _ in range(2):  # hashed, then unhashed subpackets
        size = 4 if wide else 2
        length = int.from_bytes(body[pos : pos + size], "big")
        area, pos = body[pos + size : pos + size + length], pos + size + length
        for kind, data in _subpackets(area):
            if kind == _SUB_ISSUER_FINGERPRINT and len(data) > 1:
                found_fpr.add(data[1:].hex().upper())
            elif kind == _SUB_ISSUER_KEY_ID and len(data) == 8:
                found_id.add(data.hex().upper())
    # A key id already covered by a fingerprint adds nothing.
    return found_fpr | {k for k in found_id if not any(f.endswith(k) for f in found_fpr)}


def _subpackets(area: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(area):
        first = area[pos]
        if first < 192:
            length, pos = first, pos + 1
        elif first < 255:
            if pos + 1 >= len(area):
                break
            length, pos = ((first - 192) << 8) + area[pos + 1] + 192, pos + 2
        else:
            length, pos = int.from_bytes(area[pos + 1 : pos + 5], "big"), pos + 5
        if length == 0 or pos + length > len(area):
            break
        out.append((area[pos] & 0x7F, area[pos + 1 : pos + length]))
        pos += length
    return out
