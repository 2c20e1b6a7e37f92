"""Deterministic OpenPGP keys for the world's vendors and markets, and clearsigned canaries.

A key is what gpg makes by default for an ed25519 key: an Ed25519 primary key (certify, sign),
one positive self-certification per user ID, and a Curve25519 encryption subkey bound to it.
Both secrets derive from the seed, and Ed25519 signatures are deterministic, so the same seed,
user IDs and times give byte-identical armored keys. When a vendor rotates keys, the old key
certifies the new key's first user ID, as vendors do to prove the new key is theirs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from darkrange.errors import InputError
from darkrange.world.keys import _packets as p
from darkrange.world.keys._armor import armor

_MAX_TIME = 2**32 - 1  # OpenPGP v4 times are unsigned 32-bit Unix seconds
_PRIMARY_LABEL = b"darkrange pgp ed25519 primary\0"
_SUBKEY_LABEL = b"darkrange pgp cv25519 subkey\0"


@dataclass(frozen=True)
class PgpKey:
    """A transferable OpenPGP public key, and the seed its secrets derive from."""

    fingerprint: str  # v4, 40 upper-case hex digits
    key_id: str  # the fingerprint's last 16 hex digits
    user_ids: tuple[str, ...]
    created: int  # Unix seconds
    armored: str  # -----BEGIN PGP PUBLIC KEY BLOCK----- ...
    seed: bytes = field(repr=False)
    certified_by: str | None = None  # fingerprint of the older key that certified this one
    expires: int | None = None  # Unix seconds when the key expires; None if it never does


@lru_cache(maxsize=4096)
def _primary_secret(seed: bytes) -> Ed25519PrivateKey:
    """The primary key's secret; cached because certifying and canaries reuse older keys."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(_PRIMARY_LABEL + seed).digest())


def _subkey_public(seed: bytes) -> bytes:
    secret = hashlib.sha256(_SUBKEY_LABEL + seed).digest()
    return X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()


def _primary_body(seed: bytes, created: int) -> bytes:
    public = _primary_secret(seed).public_key().public_bytes_raw()
    return p.ed25519_key_body(public, created)


def _check_inputs(
    seed: bytes, user_ids: Sequence[str], created: int, expires_days: int | None
) -> None:
    if not isinstance(seed, bytes) or len(seed) < 16:
        raise InputError("PGP key: the seed must be at least 16 bytes")
    if isinstance(user_ids, str) or not user_ids:
        raise InputError("PGP key: give a list of one or more user IDs")
    if any(not isinstance(uid, str) or not uid.strip() for uid in user_ids):
        raise InputError("PGP key: a user ID is empty or not text")
    if isinstance(created, bool) or not isinstance(created, int) or not 0 <= created <= _MAX_TIME:
        raise InputError(f"PGP key: creation time {created} is not a 32-bit Unix time")
    if expires_days is not None and not (
        isinstance(expires_days, int) and 0 < expires_days * 86400 <= _MAX_TIME
    ):
        raise InputError(f"PGP key: expiry of {expires_days} days is out of range")


def _matching_secret(key: PgpKey) -> tuple[Ed25519PrivateKey, bytes]:
    """The primary secret and its fingerprint, refusing a PgpKey whose seed is not its own."""
    body = _primary_body(key.seed, key.created)
    fpr = p.fingerprint(body)
    if fpr.hex().upper() != key.fingerprint:
        raise InputError(f"PGP key {key.fingerprint}: its seed does not give this key")
    return _primary_secret(key.seed), fpr


def pgp_key(
    seed: bytes,
    user_ids: Sequence[str],
    created: int,
    certified_by: PgpKey | None = None,
    expires_days: int | None = None,
) -> PgpKey:
    """A deterministic Ed25519/Cv25519 OpenPGP key, optionally certified by an older key.

    The first user ID is the primary one. With `certified_by`, the older key certifies the new
    key's first user ID (generic certification, 0x10) at the later of the two creation times.
    """
    _check_inputs(seed, user_ids, created, expires_days)
    uids = tuple(user_ids)
    expires_in = None if expires_days is None else expires_days * 86400
    signer = _primary_secret(seed)
    primary = _primary_body(seed, created)
    fpr = p.fingerprint(primary)
    key_prefix = p.key_hash_prefix(primary)

    out = [p.packet(p.TAG_PUBLIC_KEY, primary)]
    for index, uid in enumerate(uids):
        raw_uid = uid.encode("utf-8")
        uid_prefix = p.user_id_hash_prefix(raw_uid)
        hashed = p.self_signature_subpackets(created, expires_in, fpr, primary=index == 0)
        out.append(p.packet(p.TAG_USER_ID, raw_uid))
        out.append(
            p.signature(signer, fpr, p.SIG_POSITIVE_CERTIFICATION, hashed, (key_prefix, uid_prefix))
        )
        if index == 0 and certified_by is not None:
            out.append(_certification(certified_by, created, (key_prefix, uid_prefix)))

    subkey = p.cv25519_key_body(_subkey_public(seed), created)
    hashed = p.binding_subpackets(created, expires_in, fpr)
    out.append(p.packet(p.TAG_PUBLIC_SUBKEY, subkey))
    out.append(
        p.signature(
            signer, fpr, p.SIG_SUBKEY_BINDING, hashed, (key_prefix, p.key_hash_prefix(subkey))
        )
    )
    hex_fpr = fpr.hex().upper()
    return PgpKey(
        fingerprint=hex_fpr,
        key_id=hex_fpr[-16:],
        user_ids=uids,
        created=created,
        armored=armor("PGP PUBLIC KEY BLOCK", b"".join(out)),
        seed=seed,
        certified_by=certified_by.fingerprint if certified_by is not None else None,
        expires=None if expires_in is None else created + expires_in,
    )


def _certification(old: PgpKey, created: int, signed: tuple[bytes, bytes]) -> bytes:
    """The old key's certification of the new key's first user ID."""
    secret, old_fpr = _matching_secret(old)
    # A signature older than its signing key is invalid, so never date it before either key.
    when = max(created, old.created)
    if old.expires is not None and when >= old.expires:
        raise InputError(f"PGP key {old.fingerprint} had expired; it cannot certify a new key")
    hashed = p.plain_subpackets(when, old_fpr)
    return p.signature(secret, old_fpr, p.SIG_GENERIC_CERTIFICATION, hashed, signed)


def _cleartext_lines(text: str) -> list[str]:
    """The message's lines as signed: LF or CRLF endings, trailing blanks and tabs dropped."""
    if not isinstance(text, str):
        raise InputError("clearsign: the text must be a string")
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line.rstrip(" \t") for line in normalised.split("\n")]


def clearsign(key: PgpKey, text: str, when: int) -> str:
    """`text` as a cleartext-signed message (-----BEGIN PGP SIGNED MESSAGE-----) by `key`.

    The signature is a canonical-text signature (0x01) made at `when` by the primary key.
    Trailing spaces are not part of a cleartext signature, so they are dropped from the text.
    """
    if not key.created <= when <= _MAX_TIME:
        raise InputError(f"clearsign: time {when} is before the key was created or out of range")
    secret, fpr = _matching_secret(key)
    lines = _cleartext_lines(text)
    signed = "\r\n".join(lines).encode("utf-8")
    hashed = p.plain_subpackets(when, fpr)
    sig = p.signature(secret, fpr, p.SIG_TEXT, hashed, (signed,))
    # Lines starting with a dash are dash-escaped so none can pass for an armor line.
    body = "\n".join("- " + line if line.startswith("-") else line for line in lines)
    head = f"-----BEGIN PGP SIGNED MESSAGE-----\nHash: {p.HASH_NAME}\n\n"
    return head + body + "\n" + armor("PGP SIGNATURE", sig)
