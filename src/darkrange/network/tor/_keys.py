"""Directory authority keys, made with Debian's tor-gencert and tor itself.

tor-gencert's RSA-3072 identity takes 1-10 s on a busy laptop, so the keys are kept in the work
dir (`authority-keys/`) and reused by the next start until their certificate nears expiry.
Only keys are kept: every start begins with fresh data dirs and a fresh consensus.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from darkrange.errors import NetworkError, StateError
from darkrange.network.tor._process import empty_defaults, tor_binary
from darkrange.network.tor._torrc import LOOPBACK, AuthorityEntry, TorNode

_GENCERT = "tor-gencert"
_CACHE = "authority-keys"
_RENEW_BEFORE = timedelta(days=30)
_CERTIFICATE = Path("keys") / "authority_certificate"
_FINGERPRINT = "fingerprint"


def make_authority_entries(nodes: Sequence[TorNode], workdir: Path) -> list[AuthorityEntry]:
    """Give every authority node its keys (kept ones, or new ones made side by side) and return
    the DirAuthority data all nodes need."""
    cache = workdir / _CACHE
    cache.mkdir(mode=0o700, exist_ok=True)
    _generate([node for node in nodes if not _usable(cache / node.nickname)], cache, workdir)
    entries = []
    for node in nodes:
        kept = cache / node.nickname
        shutil.copytree(kept / "keys", node.data_dir / "keys", dirs_exist_ok=True)
        (node.data_dir / "keys").chmod(0o700)
        entries.append(
            AuthorityEntry(
                nickname=node.nickname,
                or_port=node.or_port,
                dir_port=node.dir_port,
                v3ident=_v3ident(kept / _CERTIFICATE),
                fingerprint=_fingerprint(kept / _FINGERPRINT),
            )
        )
    return entries


def _usable(kept: Path) -> bool:
    try:
        text = (kept / _CERTIFICATE).read_text(encoding="ascii")
        _fingerprint(kept / _FINGERPRINT)
    except (OSError, UnicodeDecodeError, NetworkError):
        return False
    for line in text.splitlines():
        if line.startswith("dir-key-expires "):
            expires = datetime.strptime(line[16:].strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            return expires - datetime.now(UTC) > _RENEW_BEFORE
    return False


def _generate(nodes: Sequence[TorNode], cache: Path, workdir: Path) -> None:
    """Make keys for `nodes` side by side, each in a scratch folder renamed into the cache only
    when complete, so a killed start never leaves half a key set behind."""
    scratch = {node.nickname: cache / f".{node.nickname}.new" for node in nodes}
    for folder in scratch.values():
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "keys").mkdir(mode=0o700, parents=True)
    gencerts = [_start_gencert(node, scratch[node.nickname]) for node in nodes]
    listers = [_start_fingerprint(node, scratch[node.nickname], workdir) for node in nodes]
    for node, gencert, lister in zip(nodes, gencerts, listers, strict=True):
        _finish(gencert, f"tor-gencert for {node.nickname}")
        _finish(lister, f"tor --list-fingerprint for {node.nickname}")
        kept = cache / node.nickname
        shutil.rmtree(kept, ignore_errors=True)
        scratch[node.nickname].rename(kept)


def _start_gencert(node: TorNode, folder: Path) -> subprocess.Popen[bytes]:
    keys = folder / "keys"
    command = [
        _GENCERT,
        "--create-identity-key",
        "--passphrase-fd",
        "0",
        "-m",
        "12",
        "-a",
        f"{LOOPBACK}:{node.dir_port}",
        "-i",
        str(keys / "authority_identity_key"),
        "-s",
        str(keys / "authority_signing_key"),
        "-c",
        str(keys / "authority_certificate"),
    ]
    try:
        # stdin at EOF is an empty passphrase: the keys stay in the range's private work dir.
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
    except FileNotFoundError:
        raise StateError("tor-gencert not found: install Debian's tor package") from None


def _start_fingerprint(node: TorNode, folder: Path, workdir: Path) -> subprocess.Popen[bytes]:
    # No torrc at all (`-f` names a file that does not exist) and no network: tor only makes
    # the relay identity key and writes DataDirectory/fingerprint.
    command = [
        tor_binary(),
        "--defaults-torrc",
        str(empty_defaults(workdir)),
        "--ignore-missing-torrc",
        "-f",
        str(node.home / "no-torrc"),
        "--DataDirectory",
        str(folder),
        "--ORPort",
        f"{LOOPBACK}:{node.or_port}",
        "--list-fingerprint",
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _finish(process: subprocess.Popen[bytes], what: str) -> None:
    output, _ = process.communicate(timeout=60)
    if process.returncode != 0:
        tail = output.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise NetworkError(f"{what} failed: {tail[0]}")


def _v3ident(certificate: Path) -> str:
    for line in certificate.read_text(encoding="ascii").splitlines():
        if line.startswith("fingerprint "):
            return line.split()[1].upper()
    raise NetworkError(f"no fingerprint line in {certificate}")


def _fingerprint(path: Path) -> str:
    # The file reads "NICKNAME HEXFINGERPRINT".
    parts = path.read_text(encoding="ascii").split()
    if len(parts) != 2 or len(parts[1]) != 40:
        raise NetworkError(f"unexpected relay fingerprint file {path}")
    return parts[1].upper()
