"""`darkrange range up/status/advance/down` run as subprocesses against a minimal world."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.network.worldfix import CLOCK_KIND, make_world, onion

REPO = Path(__file__).resolve().parents[2]


def darkrange(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DARKRANGE_SITE_KINDS": CLOCK_KIND}
    proc = subprocess.run(
        [sys.executable, "-m", "darkrange.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def socks_reply(socks: str, host: str, port: int = 80) -> int:
    """The SOCKS5 reply code for a CONNECT to host:port by name (plain sockets, no client)."""
    addr, sport = socks.rsplit(":", 1)
    with socket.create_connection((addr, int(sport)), timeout=10) as sock:
        sock.sendall(b"\x05\x01\x00")
        assert sock.recv(2) == b"\x05\x00"
        name = host.encode()
        sock.sendall(bytes((5, 1, 0, 3, len(name))) + name + port.to_bytes(2, "big"))
        return sock.recv(10)[1]


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def world(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "world"
    make_world(folder)
    try:
        yield folder
    finally:
        darkrange("range", "down", "--world", str(folder), check=False)


def up(world: Path) -> dict[str, Any]:
    out = darkrange("range", "up", "--world", str(world), "--json").stdout
    return json.loads(out)  # type: ignore[no-any-return]


def state_of(world: Path) -> dict[str, Any]:
    return json.loads((world / ".range" / "state.json").read_text())  # type: ignore[no-any-return]


def test_up_status_down(world: Path) -> None:
    doc = up(world)
    assert list(doc) == ["socks", "explorer", "sites"]
    assert doc["explorer"] == f"http://{onion(1)}/api"
    assert doc["sites"] == [
        {"onion": onion(1), "kind": "explorer", "name": "Blockwatch"},
        {"onion": onion(3), "kind": "clocksite", "name": "Clock Shop"},
    ]
    assert doc["socks"].startswith("127.0.0.1:")
    with httpx.Client(proxy=f"socks5h://{doc['socks']}", timeout=10) as client:
        assert client.get(f"{doc['explorer']}/blocks/tip/height").text == "11"
        mirror = client.get(f"http://{onion(2)}/api/blocks/tip/height")
        assert mirror.text == "11"
        assert client.get(f"http://{onion(3)}/").text == "Clock Shop day=0 advances=[]"
    assert socks_reply(doc["socks"], onion(4)) == 4  # no app serves its kind
    status = json.loads(darkrange("range", "status", "--world", str(world), "--json").stdout)
    assert status["running"] and status["socks"] == doc["socks"]
    assert all(site["answering"] for site in status["sites"])
    pids = state_of(world)["pids"]
    assert len(pids) >= 2 and all(alive(p) for p in pids)
    assert "range stopped" in darkrange("range", "down", "--world", str(world)).stdout
    assert wait_gone(pids)
    assert not (world / ".range" / "state.json").exists()
    status = json.loads(darkrange("range", "status", "--world", str(world), "--json").stdout)
    assert status == {"running": False}


def test_advance_reaches_the_sites_but_not_through_socks(world: Path) -> None:
    doc = up(world)
    assert "day 3" in darkrange("range", "advance", "--world", str(world), "--days", "3").stdout
    assert json.loads((world / ".range" / "clock.json").read_text()) == {"days": 3}
    with httpx.Client(proxy=f"socks5h://{doc['socks']}", timeout=10) as client:
        deadline = time.monotonic() + 10
        while (text := client.get(f"http://{onion(3)}/").text) != "Clock Shop day=3 advances=[3]":
            assert time.monotonic() < deadline, text
            time.sleep(0.05)
        # the trainer's side is not on the SOCKS path: no loopback name or address gets through
        assert client.get(f"http://{onion(1)}/admin").status_code == 404
    port = state_of(world)["sites"][0]["port"]
    for host, target_port in (("localhost", 80), ("127.0.0.1", 80), ("127.0.0.1", port)):
        assert socks_reply(doc["socks"], host, target_port) == 4
    bad = darkrange("range", "advance", "--world", str(world), "--days", "0", check=False)
    assert bad.returncode == 2 and "at least 1" in bad.stderr


def test_a_killed_range_does_not_block_the_next_up(world: Path) -> None:
    first = up(world)
    state = state_of(world)
    os.kill(state["leader"], signal.SIGKILL)
    assert wait_gone(state["pids"])  # the workers notice their leader is gone
    status = json.loads(darkrange("range", "status", "--world", str(world), "--json").stdout)
    assert status == {"running": False}
    second = up(world)
    with httpx.Client(proxy=f"socks5h://{second['socks']}", timeout=10) as client:
        assert client.get(f"{second['explorer']}/blocks/tip/height").text == "11"
    assert first["sites"] == second["sites"]
    # and a range whose whole group was killed at once
    state = state_of(world)
    for pid in state["pids"]:
        os.kill(pid, signal.SIGKILL)
    assert wait_gone(state["pids"])
    up(world)


def test_second_up_and_bad_worlds_are_clear_errors(world: Path, tmp_path: Path) -> None:
    up(world)
    again = darkrange("range", "up", "--world", str(world), check=False)
    assert again.returncode == 3 and "already running" in again.stderr
    assert "Traceback" not in again.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = darkrange("range", "up", "--world", str(empty), check=False)
    assert missing.returncode == 2 and "sites.json" in missing.stderr
    assert not (empty / ".range" / "state.json").exists()
    (empty / "sites.json").write_text(
        '[{"site_id": "x", "kind": "explorer", "name": "X", "onion": "notanonion.onion"}]'
    )
    bad = darkrange("range", "up", "--world", str(empty), check=False)
    assert bad.returncode == 2 and "not a v3 onion" in bad.stderr
    (empty / "sites.json").write_text(
        json.dumps([{"site_id": "x", "kind": "explorer", "name": "X", "onion": onion(9)}])
    )
    no_chain = darkrange("range", "up", "--world", str(empty), check=False)
    assert no_chain.returncode != 0 and "chain" in no_chain.stderr
    assert "Traceback" not in no_chain.stderr
    assert not (empty / ".range" / "state.json").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_killed_process_group_frees_its_fixed_socks_port(world: Path) -> None:
    port = str(free_port())
    args = ("range", "up", "--world", str(world), "--json", "--socks-port", port)
    first = json.loads(darkrange(*args).stdout)
    assert first["socks"] == f"127.0.0.1:{port}"
    state = state_of(world)
    with httpx.Client(proxy=f"socks5h://{first['socks']}", timeout=10) as client:
        assert client.get(f"{first['explorer']}/blocks/tip/height").text == "11"
        os.killpg(state["pgid"], signal.SIGKILL)  # with a keep-alive connection still open
    assert wait_gone(state["pids"])
    second = json.loads(darkrange(*args).stdout)  # same port, no "address in use"
    assert second["socks"] == first["socks"]
    with httpx.Client(proxy=f"socks5h://{second['socks']}", timeout=10) as client:
        assert client.get(f"{second['explorer']}/blocks/tip/height").text == "11"
