"""Free TCP ports on 127.0.0.1 for the network's tors."""

from __future__ import annotations

import contextlib
import socket

from darkrange.errors import InputError, StateError
from darkrange.network.tor._torrc import LOOPBACK


def pick_ports(count: int, base_port: int | None = None) -> list[int]:
    """`count` ports free on 127.0.0.1: consecutive from `base_port`, or chosen by the kernel."""
    if base_port is None:
        return _kernel_ports(count)
    if not 1024 <= base_port <= 65535 - count:
        raise InputError(f"base port {base_port} leaves no room for {count} ports below 65536")
    ports = list(range(base_port, base_port + count))
    taken = [port for port in ports if not _free(port)]
    if taken:
        raise StateError(f"ports already in use on {LOOPBACK}: {taken[:5]}")
    return ports


def _kernel_ports(count: int) -> list[int]:
    # Hold every socket until all are bound, so the kernel never hands out one port twice.
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((LOOPBACK, 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True
