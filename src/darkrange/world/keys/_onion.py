"""Onion service v3 keys, as tor keeps them in a HiddenServiceDir.

tor derives an onion address from an ed25519 public key and loads the service's identity from
`hs_ed25519_secret_key`, which holds the 64-byte *expanded* secret key (the clamped SHA-512 of
the 32-byte seed), not the seed. Writing that file ourselves makes tor serve the world's own
address instead of a fresh random one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from darkrange.errors import InputError, StateError
from darkrange.formats import onion_from_pubkey

# tor's key files: a 32-byte header (text padded with NULs), then the raw key.
SECRET_HEADER = b"== ed25519v1-secret: type0 ==\0\0\0"
PUBLIC_HEADER = b"== ed25519v1-public: type0 ==\0\0\0"


@dataclass(frozen=True)
class OnionKey:
    """An onion v3 service identity derived from a 32-byte ed25519 seed."""

    seed: bytes = field(repr=False)
    public_key: bytes
    address: str

    def expanded_secret_key(self) -> bytes:
        """The 64 bytes tor stores: clamped scalar (32) then the hash prefix (32)."""
        digest = bytearray(hashlib.sha512(self.seed).digest())
        digest[0] &= 248
        digest[31] &= 127
        digest[31] |= 64
        return bytes(digest)

    def service_files(self) -> dict[str, bytes]:
        """File name -> content of the three files tor reads from a HiddenServiceDir."""
        return {
            "hs_ed25519_secret_key": SECRET_HEADER + self.expanded_secret_key(),
            "hs_ed25519_public_key": PUBLIC_HEADER + self.public_key,
            "hostname": (self.address + "\n").encode("ascii"),
        }

    def write_service_dir(self, path: Path) -> None:
        """Write the key files into `path` (created 0700 if absent; files 0600).

        Idempotent for the same key. A directory that already holds another service's key is
        left untouched (StateError): overwriting it would destroy that onion's identity.
        """
        if path.exists() and not path.is_dir():
            raise StateError(f"{path} exists and is not a directory")
        files = self.service_files()
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask; tor insists on 0700
            existing = path / "hs_ed25519_secret_key"
            if existing.exists() and existing.read_bytes() != files["hs_ed25519_secret_key"]:
                raise StateError(f"{path} already holds another onion service's key")
            for name, content in files.items():
                _write_private(path / name, content)
        except OSError as error:
            raise StateError(f"cannot write onion keys to {path}: {error.strerror}") from None


def _write_private(target: Path, content: bytes) -> None:
    """Write a 0600 file atomically: a killed write never leaves a half key behind."""
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(fd, 0o600)  # the umask may have removed bits; never more than 0600 though
        out.write(content)
        out.flush()
        os.fsync(fd)
    os.replace(tmp, target)


def onion_key(seed: bytes) -> OnionKey:
    """The onion v3 key whose ed25519 seed is `seed` (exactly 32 bytes)."""
    if not isinstance(seed, bytes) or len(seed) != 32:
        raise InputError("onion key: the seed must be exactly 32 bytes")
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    return OnionKey(seed=seed, public_key=public, address=onion_from_pubkey(public))
