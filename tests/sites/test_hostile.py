"""The hostile site does what it promises, read with a bounded client (bytes and timeouts)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

import httpx
import pytest

from darkrange.network import RangeClock, SiteContext
from darkrange.sites.hostile import TRAPS, build_app, crc32_combine, zeros_crc
from tests.sites.otherfix import serve, served, tiny_world

LIMIT = 2 << 20  # never read more than 2 MiB of anything


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    world = tiny_world(tmp_path_factory)
    site = served(world, "hostile")
    with serve(build_app(SiteContext(world, site, RangeClock(0)))) as base:
        timeout = httpx.Timeout(10.0, read=5.0)
        with httpx.Client(base_url=base, timeout=timeout) as bounded:
            yield bounded


def _read(client: httpx.Client, url: str, limit: int = LIMIT, raw: bool = False) -> bytes:
    """At most `limit` bytes of a response body (raw: as sent, before Content-Encoding)."""
    got = bytearray()
    with client.stream("GET", url) as response:
        assert response.status_code == 200
        pieces = response.iter_raw() if raw else response.iter_bytes()
        for piece in pieces:
            got += piece
            if len(got) >= limit:
                break
    return bytes(got[:limit])


def test_index_links_every_trap(client: httpx.Client) -> None:
    page = client.get("/").text
    assert set(re.findall(r'href="([^"]+)"', page)) == {path for path, _ in TRAPS}


def test_huge_page_keeps_streaming(client: httpx.Client) -> None:
    with client.stream("GET", "/huge") as response:
        assert "content-length" not in response.headers
        assert response.headers["content-type"].startswith("text/html")
    assert len(_read(client, "/huge")) == LIMIT
    assert len(_read(client, "/huge?mb=1", limit=4 << 20)) > 1 << 20


def test_gzip_bomb_inflates_a_thousandfold(client: httpx.Client) -> None:
    with client.stream("GET", "/bomb") as response:
        assert response.headers["content-encoding"] == "gzip"
        declared = int(response.headers["content-length"])
    assert declared < 4 << 20  # 2 GiB of zeros from about 2 MiB on the wire
    body = _read(client, "/bomb?gb=1", limit=64 * 1024, raw=True)
    inflater = zlib.decompressobj(31)
    inflated = inflater.decompress(body, 256 << 20)  # bounded: stop at 256 MiB
    assert len(inflated) >= 1000 * len(body) and inflated.count(0) == len(inflated)


def test_bomb_trailer_is_a_valid_crc() -> None:
    assert zeros_crc(3) == zlib.crc32(bytes(3 << 20))
    a, b = b"evidence", b"chain of custody"
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_redirects_never_end(client: httpx.Client) -> None:
    assert client.get("/redirect/loop").headers["location"] == "/redirect/loop2"
    assert client.get("/redirect/self").headers["location"] == "/redirect/self"
    assert client.get("/redirect/chain/7").headers["location"] == "/redirect/chain/8"
    for url in ("/redirect/loop", "/redirect/chain/1"):
        with pytest.raises(httpx.TooManyRedirects):
            client.get(url, follow_redirects=True)


def test_drip_sends_one_byte_at_a_time(client: httpx.Client) -> None:
    pieces = []
    with client.stream("GET", "/drip?bytes=3") as response:
        for piece in response.iter_raw():
            if piece:
                pieces.append(piece)
    assert pieces == [b"<", b"h", b"t"]


def test_stall_outlasts_a_read_timeout(client: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        client.get("/stall", timeout=httpx.Timeout(5.0, read=0.3))


def test_deep_nesting_and_malformed_html(client: httpx.Client) -> None:
    deep = _read(client, "/deep")
    assert deep.count(b"<div>") == 100_000 and b"</div>" not in deep
    malformed = client.get("/malformed")
    assert malformed.status_code == 200 and b"\xff\xfe" in malformed.content
    with pytest.raises(UnicodeDecodeError):
        malformed.content.decode("utf-8")


def test_binary_junk_served_as_html(client: httpx.Client) -> None:
    with client.stream("GET", "/junk?kb=64") as response:
        assert response.headers["content-type"].startswith("text/html")
        body = response.read()
    assert len(body) == 64 * 1024
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_short_body_breaks_the_connection(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/short")


def test_maze_and_calendar_are_endless(client: httpx.Client) -> None:
    seen = {"/maze/start"}
    frontier = ["/maze/start"]
    for _ in range(3):
        page = client.get(frontier.pop()).text
        links = re.findall(r'href="(/maze/[0-9a-f]{16})"', page)
        assert len(set(links)) == 20 and not set(links) & seen
        seen |= set(links)
        frontier.append(links[0])
    assert client.get("/maze/start").text == client.get("/maze/start").text
    page = client.get("/calendar/9999/12").text
    assert 'href="/calendar/9999/11"' in page
    assert client.get("/calendar/2026/13").status_code == 404


def test_bad_requests(client: httpx.Client) -> None:
    assert client.get("/nowhere").status_code == 404
    assert client.post("/", content=b"x").status_code == 405
    assert client.get("/huge?mb=lots").status_code == 400
