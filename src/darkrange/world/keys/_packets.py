"""The few OpenPGP v4 packets a vendor's public key and a clearsigned canary are made of.

Encoding only (RFC 9580, compatible with RFC 4880): packet framing with OpenPGP-format headers,
MPIs, signature subpackets, Ed25519 (EdDSA legacy, algorithm 22) and Curve25519 ECDH
(algorithm 18) key material, and v4 signatures made with Ed25519 over a SHA-512 digest.
Ed25519 signatures are deterministic, so the same inputs always give the same bytes.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# Packet tags (RFC 9580 section 5).
TAG_SIGNATURE = 2
TAG_PUBLIC_KEY = 6
TAG_USER_ID = 13
TAG_PUBLIC_SUBKEY = 14

# Signature types (section 5.2.1).
SIG_TEXT = 0x01
SIG_GENERIC_CERTIFICATION = 0x10
SIG_POSITIVE_CERTIFICATION = 0x13
SIG_SUBKEY_BINDING = 0x18

# Algorithms (section 9).
ALGO_ECDH = 18
ALGO_EDDSA_LEGACY = 22
HASH_SHA512 = 10
HASH_NAME = "SHA512"  # as named in the clearsigned "Hash:" armor header

# Curve OIDs without the DER tag and length (section 9.2).
OID_ED25519 = bytes.fromhex("2b06010401da470f01")  # 1.3.6.1.4.1.11591.15.1
OID_CURVE25519 = bytes.fromhex("2b060104019755010501")  # 1.3.6.1.4.1.3029.1.5.1
# ECDH KDF parameters: reserved 1, SHA-256 (8), AES-128 (7) -- what gpg writes for Cv25519.
KDF_SHA256_AES128 = bytes([3, 1, 8, 7])

# Subpacket types (section 5.2.3.7).
SUB_CREATION_TIME = 2
SUB_KEY_EXPIRATION = 9
SUB_PREFERRED_SYMMETRIC = 11
SUB_ISSUER_KEY_ID = 16
SUB_PREFERRED_HASH = 21
SUB_PREFERRED_COMPRESSION = 22
SUB_KEYSERVER_PREFERENCES = 23
SUB_PRIMARY_USER_ID = 25
SUB_KEY_FLAGS = 27
SUB_FEATURES = 30
SUB_ISSUER_FINGERPRINT = 33

FLAGS_CERTIFY_SIGN = 0x03
FLAGS_ENCRYPT = 0x0C  # communications and storage


def packet(tag: int, body: bytes) -> bytes:
    """One packet with an OpenPGP-format (new) header."""
    n = len(body)
    if n < 192:
        length = bytes([n])
    elif n < 8384:
        n -= 192
        length = bytes([(n >> 8) + 192, n & 0xFF])
    else:
        length = b"\xff" + struct.pack(">I", n)
    return bytes([0xC0 | tag]) + length + body


def mpi(value: bytes) -> bytes:
    """A multiprecision integer from big-endian bytes: bit count, then the bytes sans leading 0s."""
    value = value.lstrip(b"\0")
    bits = (len(value) - 1) * 8 + value[0].bit_length() if value else 0
    return struct.pack(">H", bits) + value


def subpacket(kind: int, data: bytes) -> bytes:
    """One signature subpacket; the length counts the type octet too."""
    n = len(data) + 1
    if n < 192:
        return bytes([n, kind]) + data
    n -= 192
    return bytes([(n >> 8) + 192, n & 0xFF, kind]) + data


def ed25519_key_body(public: bytes, created: int) -> bytes:
    """A v4 EdDSA-legacy key packet body; the point is 0x40 then the 32-byte native key."""
    return (
        struct.pack(">BIB", 4, created, ALGO_EDDSA_LEGACY)
        + bytes([len(OID_ED25519)])
        + OID_ED25519
        + mpi(b"\x40" + public)
    )


def cv25519_key_body(public: bytes, created: int) -> bytes:
    """A v4 ECDH Curve25519 key packet body (point, then KDF parameters)."""
    return (
        struct.pack(">BIB", 4, created, ALGO_ECDH)
        + bytes([len(OID_CURVE25519)])
        + OID_CURVE25519
        + mpi(b"\x40" + public)
        + KDF_SHA256_AES128
    )


def fingerprint(key_body: bytes) -> bytes:
    """The v4 fingerprint: SHA-1 over 0x99, the 2-octet length and the key packet body."""
    return hashlib.sha1(key_hash_prefix(key_body)).digest()


def key_hash_prefix(key_body: bytes) -> bytes:
    """How a key is fed to a signature hash (and to its fingerprint)."""
    return b"\x99" + struct.pack(">H", len(key_body)) + key_body


def user_id_hash_prefix(user_id: bytes) -> bytes:
    """How a user ID is fed to a certification hash."""
    return b"\xb4" + struct.pack(">I", len(user_id)) + user_id


def self_signature_subpackets(
    created: int, expires_in: int | None, issuer: bytes, primary: bool
) -> bytes:
    """Hashed subpackets of a positive self-certification (what gpg puts in its own)."""
    parts = [
        subpacket(SUB_ISSUER_FINGERPRINT, b"\x04" + issuer),
        subpacket(SUB_CREATION_TIME, struct.pack(">I", created)),
        subpacket(SUB_KEY_FLAGS, bytes([FLAGS_CERTIFY_SIGN])),
    ]
    if expires_in is not None:
        parts.append(subpacket(SUB_KEY_EXPIRATION, struct.pack(">I", expires_in)))
    parts += [
        subpacket(SUB_PREFERRED_SYMMETRIC, bytes([9, 8, 7])),  # AES-256, AES-192, AES-128
        subpacket(SUB_PREFERRED_HASH, bytes([10, 9, 8, 11])),  # SHA-512, -384, -256, -224
        subpacket(SUB_PREFERRED_COMPRESSION, bytes([2, 3, 1])),  # ZLIB, BZip2, ZIP
        subpacket(SUB_FEATURES, b"\x01"),  # modification detection (SEIPD v1)
        subpacket(SUB_KEYSERVER_PREFERENCES, b"\x80"),  # no-modify
    ]
    if primary:
        parts.append(subpacket(SUB_PRIMARY_USER_ID, b"\x01"))
    return b"".join(parts)


def binding_subpackets(created: int, expires_in: int | None, issuer: bytes) -> bytes:
    """Hashed subpackets of an encryption subkey's binding signature."""
    parts = [
        subpacket(SUB_ISSUER_FINGERPRINT, b"\x04" + issuer),
        subpacket(SUB_CREATION_TIME, struct.pack(">I", created)),
        subpacket(SUB_KEY_FLAGS, bytes([FLAGS_ENCRYPT])),
    ]
    if expires_in is not None:
        parts.append(subpacket(SUB_KEY_EXPIRATION, struct.pack(">I", expires_in)))
    return b"".join(parts)


def plain_subpackets(created: int, issuer: bytes) -> bytes:
    """Hashed subpackets of a third-party certification or a document signature."""
    return subpacket(SUB_ISSUER_FINGERPRINT, b"\x04" + issuer) + subpacket(
        SUB_CREATION_TIME, struct.pack(">I", created)
    )


def signature(
    signer: Ed25519PrivateKey,
    issuer: bytes,
    sig_type: int,
    hashed: bytes,
    signed_data: Iterable[bytes],
) -> bytes:
    """A v4 signature packet by an EdDSA-legacy key over `signed_data` then the v4 trailer.

    `issuer` is the signer's 20-byte fingerprint; its key ID goes in the unhashed area.
    """
    head = struct.pack(">BBBBH", 4, sig_type, ALGO_EDDSA_LEGACY, HASH_SHA512, len(hashed)) + hashed
    digest = hashlib.sha512()
    for chunk in signed_data:
        digest.update(chunk)
    digest.update(head)
    digest.update(b"\x04\xff" + struct.pack(">I", len(head)))
    value = digest.digest()
    raw = signer.sign(value)  # EdDSA signs the digest itself
    unhashed = subpacket(SUB_ISSUER_KEY_ID, issuer[-8:])
    body = (
        head
        + struct.pack(">H", len(unhashed))
        + unhashed
        + value[:2]
        + mpi(raw[:32])  # R and S as native octet strings read as MPIs
        + mpi(raw[32:])
    )
    return packet(TAG_SIGNATURE, body)
