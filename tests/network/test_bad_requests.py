"""Bad requests get proper HTTP errors on every kind of site, through the range's SOCKS gateway,
and leave the site serving: unknown paths, malformed forms and parameters, oversized bodies,
methods a site does not take, and bytes that are not HTTP at all."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from darkrange.network import range_down, range_up
from darkrange.network._state import load_state
from tests.network.rangefix import alive, copy_world, fates_world, get_in, guard_paths, steady

# one site of every kind the range serves (three market families, and a phishing clone)
SITES = [
    "market-1",  # dream, behind the EndGame queue
    "market-2",  # alpha
    "market-3",  # bazaar
    "deaddrop-1",
    "shop-1",
    "forum-1",
    "directory-1",
    "paste-1",
    "mixer-1",
    "exchange-1",
    "explorer-1",
    "hostile-1",
    "phishing-1",
]
TOO_LARGE = b"x=" + b"a" * (200 * 1024)  # over the 64 KiB a form may have
NOT_UTF8 = b"username=\xff\xfe&password=x"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The fates world behind its generated defences (always up, no rate limit), running."""
    folder = copy_world(
        fates_world(tmp_path_factory), tmp_path_factory.mktemp("bad") / "world", steady
    )
    state = range_up(folder)
    sites = {s["site_id"]: s for s in json.loads((folder / "sites.json").read_text())}
    try:
        yield folder, {"socks": state.socks, "sites": sites, "pids": state.pids}
    finally:
        range_down(folder)


def form_target(site: dict[str, Any]) -> str | None:
    """A path that takes a url-encoded form on this site (None: the site takes no POST)."""
    kind = site["kind"]
    if kind in ("explorer", "hostile"):
        return None
    if kind == "mixer":
        return "/mix"
    if kind == "exchange":
        return "/law-enforcement/request"
    return str(guard_paths(site).login)  # every guarded site has a login form


def bad_parameter(site: dict[str, Any]) -> str:
    """A page asked with a parameter that is not what it takes."""
    kind, software = site["kind"], site.get("software")
    if kind == "explorer":
        return "/api/tx/not-a-txid"
    if kind == "hostile":
        return "/huge?mb=lots"
    if kind in ("market", "phishing") and software == "alpha":
        return "/index.php?page=browse&p=two"
    if kind in ("market", "phishing") and software == "bazaar":
        return "/s/?q=x&pg=two"
    if kind in ("market", "phishing", "deaddrop"):
        return "/listings?page=two" if kind != "deaddrop" else "/catalog?page=two"
    if kind == "forum":
        return "/d/General?page=two"
    if kind == "directory":
        return "/c/no-such-category"
    if kind == "exchange":
        return "/law-enforcement/answers/LR-2026-999999.json?token=forged"
    return "/?page=two"


def raw_http(socks: str, onion: str, data: bytes) -> bytes:
    """Send raw bytes to a site through the SOCKS port; its first answer line."""
    host, port = socks.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(b"\x05\x01\x00")
        assert sock.recv(2) == b"\x05\x00"
        name = onion.encode()
        sock.sendall(bytes((5, 1, 0, 3, len(name))) + name + (80).to_bytes(2, "big"))
        assert sock.recv(10)[1] == 0
        sock.sendall(data)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


@pytest.mark.parametrize("site_id", SITES)
def test_bad_requests_get_http_errors(served: tuple[Path, dict[str, Any]], site_id: str) -> None:
    world, run = served
    site = run["sites"][site_id]
    with httpx.Client(proxy=f"socks5h://{run['socks']}", timeout=30) as client:
        base = get_in(client, site, user=f"probe{site_id.replace('-', '')}")
        home = client.get(base + "/")
        assert home.status_code == 200, home.text[:300]

        unknown = client.get(base + "/no/such/page-4711")
        assert unknown.status_code == 404
        if site["kind"] == "mixer":  # no page takes parameters: an order that makes no sense
            order = {"address1": "not-an-address", "delay": "6", "fee": "1.0"}
            refused = client.post(base + "/mix", data=order)
            assert refused.status_code == 400 and "address 1" in refused.text
        else:
            assert client.get(base + bad_parameter(site)).status_code in (400, 404)
        assert client.request("DELETE", base + "/").status_code == 405
        assert client.request("PUT", base + "/", content=b"x").status_code == 405

        target = form_target(site)
        if target is None:  # GET-only sites refuse any body by method
            big = client.post(base + "/", content=TOO_LARGE)
            assert big.status_code == 405 and "GET" in big.headers["allow"]
        else:
            form = {"content-type": "application/x-www-form-urlencoded"}
            malformed = client.post(base + target, content=NOT_UTF8, headers=form)
            assert malformed.status_code == 400, malformed.text[:300]
            not_form = client.post(base + target, json={"username": "x"})
            assert not_form.status_code == 400
            big = client.post(base + target, content=TOO_LARGE, headers=form)
            assert big.status_code == 413

            def streamed() -> Iterator[bytes]:  # no Content-Length: the limit still holds
                for _ in range(8):
                    yield b"a" * 16384

            chunked = client.post(base + target, content=streamed(), headers=form)
            assert chunked.status_code == 413

        # still serving, on the same connection pool and a fresh one
        assert client.get(base + "/").status_code == 200
    assert raw_http(run["socks"], site["onion"], b"NOT HTTP AT ALL\r\n\r\n").startswith(
        b"HTTP/1.1 400"
    )
    with httpx.Client(proxy=f"socks5h://{run['socks']}", timeout=30) as fresh:
        page = fresh.get(base + "/")
        assert page.status_code in (200, 303)  # a new visitor meets the queue or login wall
    # nothing crashed: the range's processes are the ones that started
    state = load_state(world)
    assert state is not None and all(alive(pid) for pid in run["pids"])
