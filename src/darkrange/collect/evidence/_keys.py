"""The agency signing key: ed25519, private key as PKCS#8 PEM (mode 0600), public key beside it."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from darkrange.errors import FormatError, InputError, StateError


def public_path(private: Path) -> Path:
    return private.with_name(private.name + ".pub")


def generate_key(out: Path) -> tuple[Path, Path]:
    """Write a new ed25519 key to `out` (0600) and its public key to `out`.pub; never overwrite."""
    out = Path(out)
    pub = public_path(out)
    for path in (out, pub):
        if path.exists():
            raise StateError(f"{path} exists; refusing to overwrite a signing key")
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: no such folder")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # created 0600 from the start, so the key is never readable by others, not even briefly
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    pub.write_bytes(public_pem(key.public_key()))
    return out, pub


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such key file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read key ({exc.strerror})") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _read(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise FormatError(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise FormatError(f"{path}: not an ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM public key file (or from the private key file itself)."""
    data = _read(path)
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise FormatError(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise FormatError(f"{path}: not an ed25519 public key")
    return key


def spki_der(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_b64(key: Ed25519PublicKey) -> str:
    """The public key as WACZ signing's `publicKey`: base64 of its SubjectPublicKeyInfo DER."""
    return base64.b64encode(spki_der(key)).decode("ascii")


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_der_public_key(base64.b64decode(text, validate=True))
    except (ValueError, UnsupportedAlgorithm):
        raise FormatError("publicKey is not a base64 DER public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise FormatError("publicKey is not an ed25519 key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """`sha256:` and the hex SHA-256 of the key's SubjectPublicKeyInfo DER."""
    return "sha256:" + hashlib.sha256(spki_der(key)).hexdigest()
