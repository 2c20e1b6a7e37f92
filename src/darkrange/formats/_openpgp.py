"""OpenPGP public keys: ASCII armor and the packets of a transferable public key.

Enough of RFC 4880 / RFC 9580 (and LibrePGP's v5) to identify a key the way gpg does: the
primary key's fingerprint, key id, creation time, algorithm and size, its user ids and its
subkeys. Signatures are not verified: this reads what a page claims, it does not vouch for it.

Fingerprints: v3 = MD5(n || e); v4 = SHA-1(0x99 | 2-byte length | key packet body);
v5 = SHA-256(0x9A | 4-byte length | body); v6 = SHA-256(0x9B | 4-byte length | body).
Key id: v3 the low 64 bits of n; v4 the last 8 bytes of the fingerprint; v5/v6 the first 8.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from darkrange.errors import FormatError

__all__ = ["PublicKey", "armor_decode", "crc24", "parse_public_keys"]

_ALGORITHMS = {
    1: "RSA", 2: "RSA (encrypt only)", 3: "RSA (sign only)", 16: "ElGamal", 17: "DSA",
    18: "ECDH", 19: "ECDSA", 20: "ElGamal (sign and encrypt)", 22: "EdDSA (legacy)",
    25: "X25519", 26: "X448", 27: "Ed25519", 28: "Ed448",
}  # fmt: skip

# Curve OIDs (hex of the DER body, without tag and length) -> name.
_CURVES = {
    "2a8648ce3d030107": "nistp256",
    "2b81040022": "nistp384",
    "2b81040023": "nistp521",
    "2b8104000a": "secp256k1",
    "2b2403030208010107": "brainpoolP256r1",
    "2b240303020801010b": "brainpoolP384r1",
    "2b240303020801010d": "brainpoolP512r1",
    "2b06010401da470f01": "ed25519",
    "2b060104019755010501": "cv25519",
    "2b6570": "ed25519",
    "2b6571": "ed448",
    "2b656e": "x25519",
    "2b656f": "x448",
}

# Fixed-size native keys of RFC 9580: algorithm -> (curve name, key size in bytes)
_NATIVE = {25: ("x25519", 32), 26: ("x448", 56), 27: ("ed25519", 32), 28: ("ed448", 57)}

_TAG_PUBLIC_KEY = 6
_TAG_PUBLIC_SUBKEY = 14
_TAG_USER_ID = 13


@dataclass(frozen=True)
class Subkey:
    fingerprint: str  # upper-case hex
    key_id: str
    algorithm: str
    bits: int | None
    curve: str | None
    created: datetime


@dataclass(frozen=True)
class PublicKey:
    """A primary public key with its user ids and subkeys."""

    version: int
    fingerprint: str  # upper-case hex, as gpg prints it
    key_id: str  # upper-case hex, 16 digits
    algorithm: str
    bits: int | None
    curve: str | None
    created: datetime
    user_ids: tuple[str, ...] = ()
    subkeys: tuple[Subkey, ...] = field(default=())


def _crc24_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        crc = i << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
        table.append(crc & 0xFFFFFF)
    return tuple(table)


_CRC24_TABLE = _crc24_table()


def crc24(data: bytes) -> int:
    """The CRC-24 of RFC 4880 section 6.1 (armor checksum), a byte at a time by table."""
    crc, table = 0xB704CE, _CRC24_TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ table[(crc >> 16) ^ byte]
    return crc


def armor_decode(body: str) -> tuple[bytes, bool | None]:
    """Decode the text between the BEGIN and END lines of an armored block.

    Lenient about what web pages do to armor (lost blank line after the headers, lines joined
    or re-wrapped): headers are recognised by their "Name: value" shape. Returns the binary
    data and whether its CRC-24 matched (None when the block has no checksum line).
    """
    data_parts: list[str] = []
    for raw_line in body.splitlines():
        line = raw_line.strip()
        if not line or (": " in line and not data_parts):
            continue
        data_parts.append(line)
    joined = "".join("".join(data_parts).split())
    crc: int | None = None
    # The checksum is "=" and 4 base64 characters after the (4-aligned) data.
    if len(joined) >= 5 and joined[-5] == "=" and (len(joined) - 5) % 4 == 0:
        try:
            crc = int.from_bytes(base64.b64decode(joined[-4:], validate=True), "big")
        except ValueError:  # binascii.Error, or a non-ASCII character
            raise FormatError("armor: checksum line is not base64") from None
        joined = joined[:-5]
    try:
        data = base64.b64decode(joined, validate=True)
    except ValueError:  # binascii.Error, or a non-ASCII character
        raise FormatError("armor: body is not base64") from None
    if not data:
        raise FormatError("armor: empty block")
    return data, None if crc is None else crc24(data) == crc


def split_packets(data: bytes) -> list[tuple[int, bytes]]:
    """Split a packet stream into (tag, body); old and new packet formats."""
    out: list[tuple[int, bytes]] = []
    pos, end = 0, len(data)
    while pos < end:
        head = data[pos]
        pos += 1
        if not head & 0x80:
            raise FormatError(f"openpgp: not a packet header at byte {pos - 1}")
        if head & 0x40:  # new format
            tag = head & 0x3F
            body = bytearray()
            while True:
                length, partial, pos = _new_length(data, pos)
                body += data[pos : pos + length]
                pos += length
                if not partial:
                    break
            if pos > end:
                raise FormatError("openpgp: packet runs past the end of the data")
            out.append((tag, bytes(body)))
            continue
        tag, length_type = (head >> 2) & 0x0F, head & 0x03
        if length_type == 3:  # indeterminate: to the end of the data
            length = end - pos
        else:
            size = 1 << length_type
            if pos + size > end:
                raise FormatError("openpgp: truncated packet header")
            length = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        if pos + length > end:
            raise FormatError("openpgp: packet runs past the end of the data")
        out.append((tag, data[pos : pos + length]))
        pos += length
    return out


def _new_length(data: bytes, pos: int) -> tuple[int, bool, int]:
    """A new-format body length: (length, is partial, position after the length octets)."""
    if pos >= len(data):
        raise FormatError("openpgp: truncated packet header")
    first = data[pos]
    if first < 192:
        return first, False, pos + 1
    if first < 224:
        if pos + 1 >= len(data):
            raise FormatError("openpgp: truncated packet header")
        return ((first - 192) << 8) + data[pos + 1] + 192, False, pos + 2
    if first == 255:
        if pos + 5 > len(data):
            raise FormatError("openpgp: truncated packet header")
        return int.from_bytes(data[pos + 1 : pos + 5], "big"), False, pos + 5
    return 1 << (first & 0x1F), True, pos + 1


def _mpi(body: bytes, pos: int) -> tuple[int, int]:
    """A multiprecision integer: (value, position after it)."""
    if pos + 2 > len(body):
        raise FormatError("openpgp: truncated key material")
    bits = int.from_bytes(body[pos : pos + 2], "big")
    size = (bits + 7) // 8
    if pos + 2 + size > len(body):
        raise FormatError("openpgp: truncated key material")
    return int.from_bytes(body[pos + 2 : pos + 2 + size], "big"), pos + 2 + size


def _key_material(algo: int, body: bytes, pos: int) -> tuple[int | None, str | None]:
    """Size in bits (RSA, DSA, ElGamal) or curve name (elliptic curves) of the key material."""
    if algo in (1, 2, 3, 16, 17, 20):
        first, _ = _mpi(body, pos)
        return first.bit_length(), None
    if algo in (18, 19, 22):
        if pos >= len(body) or body[pos] in (0, 0xFF) or pos + 1 + body[pos] > len(body):
            raise FormatError("openpgp: bad curve identifier")
        oid = body[pos + 1 : pos + 1 + body[pos]].hex()
        curve = _CURVES.get(oid, f"oid:{oid}")
        _mpi(body, pos + 1 + body[pos])  # the public point must be there
        return None, curve
    if algo in _NATIVE:
        curve, size = _NATIVE[algo]
        if pos + size > len(body):
            raise FormatError("openpgp: truncated key material")
        return None, curve
    return None, None  # unknown algorithm: identity still computable from the packet


def _key(body: bytes) -> Subkey:
    """Parse a public key (or subkey) packet body and compute its fingerprint and key id."""
    if len(body) < 6:
        raise FormatError("openpgp: key packet too short")
    version = body[0]
    created = datetime.fromtimestamp(int.from_bytes(body[1:5], "big"), UTC)
    bits: int | None
    curve: str | None
    if version in (2, 3):
        if len(body) < 8:
            raise FormatError("openpgp: key packet too short")
        algo = body[7]
        n, after_n = _mpi(body, 8)
        _, after_e = _mpi(body, after_n)
        fingerprint = hashlib.md5(body[10:after_n] + body[after_n + 2 : after_e]).hexdigest()
        key_id = f"{n & 0xFFFFFFFFFFFFFFFF:016x}"
        bits, curve = n.bit_length(), None
    elif version == 4:
        algo = body[5]
        bits, curve = _key_material(algo, body, 6)
        fingerprint = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest()
        key_id = fingerprint[-16:]
    elif version in (5, 6):
        algo = body[5]
        if len(body) < 10:
            raise FormatError("openpgp: key packet too short")
        bits, curve = _key_material(algo, body, 10)
        prefix = b"\x9a" if version == 5 else b"\x9b"
        digest = hashlib.sha256(prefix + len(body).to_bytes(4, "big") + body).hexdigest()
        fingerprint, key_id = digest, digest[:16]
    else:
        raise FormatError(f"openpgp: unknown key version {version}")
    return Subkey(
        fingerprint=fingerprint.upper(),
        key_id=key_id.upper(),
        algorithm=_ALGORITHMS.get(algo, f"algorithm {algo}"),
        bits=bits,
        curve=curve,
        created=created,
    )


def parse_public_keys(data: bytes) -> list[PublicKey]:
    """Every transferable public key (primary key, user ids, subkeys) in a packet stream."""
    keys: list[PublicKey] = []
    current: tuple[int, Subkey] | None = None
    user_ids: list[str] = []
    subkeys: list[Subkey] = []

    def close() -> None:
        if current is not None:
            version, primary = current
            keys.append(_primary(version, primary, user_ids, subkeys))

    for tag, body in split_packets(data):
        if tag == _TAG_PUBLIC_KEY:
            close()
            current, user_ids, subkeys = (body[0] if body else 0, _key(body)), [], []
        elif current is None:
            raise FormatError("openpgp: data does not start with a public key packet")
        elif tag == _TAG_USER_ID:
            user_ids.append(body.decode("utf-8", "replace"))
        elif tag == _TAG_PUBLIC_SUBKEY:
            subkeys.append(_key(body))
    close()
    if not keys:
        raise FormatError("openpgp: no public key in the block")
    return keys


def _primary(version: int, key: Subkey, user_ids: list[str], subkeys: list[Subkey]) -> PublicKey:
    return PublicKey(
        version=version,
        fingerprint=key.fingerprint,
        key_id=key.key_id,
        algorithm=key.algorithm,
        bits=key.bits,
        curve=key.curve,
        created=key.created,
        user_ids=tuple(user_ids),
        subkeys=tuple(subkeys),
    )
