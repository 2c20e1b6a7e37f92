"""Ending tors by pid file never touches a process that is not ours."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from darkrange.errors import InputError, StateError
from darkrange.network.tor import OnionService, PrivateTorNetwork, stop_stale
from darkrange.network.tor._ports import pick_ports
from darkrange.network.tor._process import find_tors, is_our_tor


def test_stop_stale_spares_a_reused_pid(tmp_path: Path) -> None:
    # A range killed long ago left a pid file; the pid now belongs to another program.
    node = tmp_path / "nodes" / "relay0"
    node.mkdir(parents=True)
    (node / "torrc").write_text("", encoding="ascii")
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)", str(node / "torrc")]
    other = subprocess.Popen(sleeper)
    try:
        (node / "tor.pid").write_text(f"{other.pid}\n", encoding="ascii")
        assert not is_our_tor(other.pid, tmp_path)
        assert find_tors(tmp_path) == []
        stop_stale(tmp_path)
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_stop_stale_on_a_missing_or_empty_workdir(tmp_path: Path) -> None:
    stop_stale(tmp_path / "never-made")
    (tmp_path / "nodes" / "auth0").mkdir(parents=True)
    (tmp_path / "nodes" / "auth0" / "tor.pid").write_text("not a pid", encoding="ascii")
    stop_stale(tmp_path)
    assert find_tors(tmp_path) == []


def test_kernel_ports_are_distinct_and_free() -> None:
    ports = pick_ports(21)
    assert len(set(ports)) == 21
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_base_port_that_is_taken_is_refused() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(StateError, match="in use"):
            pick_ports(3, base_port=port - 1)


def test_base_port_out_of_range() -> None:
    with pytest.raises(InputError, match="base port"):
        pick_ports(21, base_port=65530)


def test_service_without_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    with pytest.raises(InputError, match="hs_ed25519_secret_key"):
        PrivateTorNetwork(tmp_path / "tor", [OnionService(tmp_path / "site", 8080)])


def test_too_few_relays_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least"):
        PrivateTorNetwork(tmp_path / "tor", [], authorities=1, relays=1)


def test_work_dir_tor_cannot_name_is_refused_up_front(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="blanks"):
        PrivateTorNetwork(tmp_path / "my range", [])
    assert not (tmp_path / "my range").exists()
