"""The real private Tor network: one site served at its own onion address through tor."""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from darkrange.errors import NetworkError
from darkrange.network.tor import OnionService, PrivateTorNetwork, stop_stale, tor_available
from darkrange.network.tor._process import is_our_tor
from darkrange.world.keys import onion_key

pytestmark = pytest.mark.skipif(
    not tor_available(), reason="Debian's tor is not installed (apt-get install tor)"
)


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"<h1>range page {self.path}</h1><p>host {self.headers['Host']}</p>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads answers, not logs."""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One work dir for the module, as a trainer's range reuses its own: the authority keys
    made by the first start are kept, and every later start begins from fresh node folders."""
    return tmp_path_factory.mktemp("range") / "tor"


@pytest.fixture
def backend() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join()


def _site(tmp_path: Path, name: str) -> tuple[Path, str]:
    key = onion_key(hashlib.sha256(name.encode()).digest())
    key.write_service_dir(tmp_path / name)
    (tmp_path / name / "hostname").unlink()  # tor must derive the address from the key alone
    return tmp_path / name, key.address


def _fetch(socks_port: int, url: str) -> httpx.Response:
    # Right after start the client may still answer "No more HSDir available": retry.
    deadline = time.monotonic() + 30
    with httpx.Client(proxy=f"socks5h://127.0.0.1:{socks_port}", timeout=30) as client:
        while True:
            try:
                return client.get(url)
            except httpx.ProxyError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)


def _assert_private(torrc: str) -> None:
    lines = [line.split(" ", 1) for line in torrc.splitlines() if line and line[0] != "#"]
    settings = [(parts[0], parts[1] if len(parts) > 1 else "") for parts in lines]
    assert ("TestingTorNetwork", "1") in settings
    assert ("ExitRelay", "0") in settings
    dirauths = [value for key, value in settings if key == "DirAuthority"]
    assert dirauths
    assert all(value.split()[4].startswith("127.0.0.1:") for value in dirauths)
    for key, value in settings:
        if key.endswith("Port") and key != "HiddenServicePort":
            assert value == "0" or value.startswith("127.0.0.1:"), (key, value)


def test_prepare_writes_only_private_torrcs(tmp_path: Path, workdir: Path, backend: int) -> None:
    service_dir, _ = _site(tmp_path, "market")
    network = PrivateTorNetwork(workdir, [OnionService(service_dir, backend)])
    torrcs = network.prepare()
    assert len(torrcs) == 8
    for torrc in torrcs:
        _assert_private(torrc.read_text(encoding="utf-8"))
    relays = [t for t in torrcs if t.parent.name.startswith(("auth", "relay"))]
    assert all("ExitPolicy reject *:*" in t.read_text(encoding="utf-8") for t in relays)
    assert workdir.stat().st_mode & 0o777 == 0o700
    assert network.pids() == []


@pytest.mark.slow
def test_site_answers_at_its_own_onion_through_tor(
    tmp_path: Path, workdir: Path, backend: int
) -> None:
    service_dir, onion = _site(tmp_path, "market")
    network = PrivateTorNetwork(workdir, [OnionService(service_dir, backend)])
    said: list[str] = []
    try:
        network.start(timeout=180, progress=said.append)
        assert said[-1].startswith("1/1 onions answer")
        pids = network.pids()
        assert len(pids) == 8
        assert (service_dir / "hostname").read_text(encoding="ascii").strip() == onion
        response = _fetch(network.socks_port, f"http://{onion}/listing/7")
        assert response.status_code == 200
        assert response.text == f"<h1>range page /listing/7</h1><p>host {onion}</p>"
        for torrc in workdir.glob("nodes/*/torrc"):
            _assert_private(torrc.read_text(encoding="utf-8"))
        # Another process (`range down`) ends the range by its work dir alone.
        stop_stale(workdir)
        assert network.pids() == []
        assert not any(is_our_tor(pid, workdir) for pid in pids)
    finally:
        network.stop()
    network.stop()  # idempotent
    assert network.pids() == []


@pytest.mark.slow
def test_start_that_times_out_leaves_no_tor(tmp_path: Path, workdir: Path, backend: int) -> None:
    service_dir, _ = _site(tmp_path, "forum")
    network = PrivateTorNetwork(workdir, [OnionService(service_dir, backend)])
    with pytest.raises(NetworkError, match="consensus"):
        network.start(timeout=3)
    assert network.pids() == []
