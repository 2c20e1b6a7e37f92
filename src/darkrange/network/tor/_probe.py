"""Watching the network come up: the client's bootstrap, and each onion through SOCKS5."""

from __future__ import annotations

import re
import socket
import struct
import urllib.error
import urllib.request
from pathlib import Path

from darkrange.errors import NetworkError
from darkrange.network.tor._torrc import LOOPBACK

_BOOTSTRAPPED = re.compile(rb"Bootstrapped (\d{1,3})%")
# RFC 1928 reply codes, as tor sends them for an onion it cannot reach.
_REPLIES = {
    1: "general failure",
    2: "not allowed by ruleset",
    3: "network unreachable",
    4: "host unreachable",
    5: "connection refused",
    6: "TTL expired",
    7: "command not supported",
    8: "address type not supported",
}


def bootstrap_percent(log_file: Path) -> int:
    """The last bootstrap percentage tor wrote to its notice log (0 before the first)."""
    try:
        found = _BOOTSTRAPPED.findall(log_file.read_bytes())
    except FileNotFoundError:
        return 0
    return int(found[-1]) if found else 0


def log_tail(log_file: Path, lines: int = 3) -> str:
    """The last warnings of a notice log, for an error message."""
    try:
        text = log_file.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "no log"
    warnings = [line for line in text.splitlines() if "[warn]" in line or "[err]" in line]
    return " | ".join(line.strip() for line in warnings[-lines:]) or "no warnings"


# Never an environment proxy: these requests go straight to our own relays on 127.0.0.1.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def directory_status(dir_port: int, timeout: float = 5.0) -> tuple[int, bool]:
    """What the directory on `dir_port` offers a client: the number of routers in the microdesc
    consensus it serves, and whether it also serves the microdescriptors of all of them.

    A client that asks a directory before both are there backs off for up to ~10 s.
    """
    consensus = _get(dir_port, "/tor/status-vote/current/consensus-microdesc", timeout)
    lines = consensus.decode("ascii", "replace").splitlines()
    listed = sum(1 for line in lines if line.startswith("r "))
    digests = [line.split()[1] for line in lines if line.startswith("m ")]
    if not listed or len(digests) != listed:
        return listed, False
    # Microdesc digests are unpadded base64; one request joins them with "-".
    answer = _get(dir_port, "/tor/micro/d/" + "-".join(digests), timeout)
    served = sum(1 for line in answer.splitlines() if line.startswith(b"ntor-onion-key "))
    return listed, served >= listed


def _get(dir_port: int, path: str, timeout: float) -> bytes:
    try:
        with _DIRECT.open(f"http://{LOOPBACK}:{dir_port}{path}", timeout=timeout) as answer:
            body: bytes = answer.read()
            return body
    except (urllib.error.URLError, OSError):
        return b""


def socks_connect(socks_port: int, host: str, port: int, timeout: float) -> None:
    """Open a SOCKS5 CONNECT to host:port with remote name resolution, then close it.

    Tor answers success for an onion only once the rendezvous is done and the onion host has
    connected to the backend, so success means the site answers. Raises NetworkError otherwise.
    """
    name = host.encode("ascii")
    try:
        with socket.create_connection((LOOPBACK, socks_port), timeout=timeout) as sock:
            sock.sendall(b"\x05\x01\x00")
            if _read(sock, 2) != b"\x05\x00":
                raise NetworkError("SOCKS5 server refused the no-authentication method")
            sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack(">H", port))
            reply = _read(sock, 4)
            if reply[1] != 0:
                raise NetworkError(f"{host}: {_REPLIES.get(reply[1], f'reply {reply[1]}')}")
    except OSError as error:
        raise NetworkError(f"{host}: {error}") from None


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise NetworkError("SOCKS5 server closed the connection")
        data += chunk
    return data
