"""The direct transport's SOCKS5 gateway, driven by raw sockets and by httpx (socks5h)."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from darkrange.network import SocksGateway

ONION = "rkeohxlubhyzl7ks3mwtzos5olfgocn7dwkbeg7toseadnapn5optfad.onion"
MIRROR = "qe4xodvipulv6vvdkrtmgtd6ztfy3curwtxdpis56yhvxd6jwokbr4qd.onion"
UNKNOWN = "5vesrrri2hbmn2xjam4jawmvmeuvsjz2lrr7snrwyfdbjlehg7iuvmyd.onion"
BIG = bytes(range(256)) * 32768  # 8 MiB


OPEN: set[asyncio.StreamWriter] = set()


async def http_backend(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A tiny HTTP/1.1 server: echoes the Host header, /big sends 8 MiB."""
    OPEN.add(writer)
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode().split("\r\n")
            path = lines[0].split()[1]
            host = next(
                v for k, _, v in (x.partition(": ") for x in lines[1:]) if k.lower() == "host"
            )
            body = BIG if path == "/big" else f"host={host} path={path}".encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        OPEN.discard(writer)
        writer.close()


@asynccontextmanager
async def range_of(routes: dict[str, int] | None = None) -> AsyncIterator[tuple[SocksGateway, int]]:
    backend = await asyncio.start_server(http_backend, "127.0.0.1", 0)
    port = backend.sockets[0].getsockname()[1]
    gateway = SocksGateway(routes if routes is not None else {ONION: port, MIRROR: port})
    await gateway.start()
    try:
        yield gateway, port
    finally:
        await gateway.close()
        backend.close()
        await backend.wait_closed()
        for writer in list(OPEN):
            writer.close()
        await asyncio.sleep(0.05)  # let the backend's handlers see their connections end


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), 30))


async def socks_request(port: int, greeting: bytes, request: bytes, auth: bytes = b"") -> bytes:
    """Send a raw SOCKS5 exchange; returns everything the gateway answered."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(greeting)
    answer = await reader.readexactly(2)
    if answer[1] == 0xFF:
        writer.close()
        await writer.wait_closed()
        return answer
    if auth:
        writer.write(auth)
        answer += await reader.readexactly(2)
    writer.write(request)
    answer += await reader.readexactly(10)
    writer.close()
    await writer.wait_closed()
    return answer


def domain(name: str, port: int = 80, cmd: int = 1) -> bytes:
    raw = name.encode()
    return bytes((5, cmd, 0, 3, len(raw))) + raw + struct.pack("!H", port)


def test_httpx_reaches_onions_by_name_with_remote_dns() -> None:
    async def test() -> None:
        async with range_of() as (gateway, _):
            proxy = f"socks5h://127.0.0.1:{gateway.port}"
            async with httpx.AsyncClient(proxy=proxy) as client:
                for onion in (ONION, MIRROR):
                    answer = await client.get(f"http://{onion}/index")
                    assert answer.status_code == 200
                    # the backend saw the onion name: it travelled through SOCKS, not DNS
                    assert answer.text == f"host={onion} path=/index"

    run(test)


# httpcore leaves the socket of a refused SOCKS handshake to the garbage collector; collect it
# here so its ResourceWarning lands on this test, where it is expected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_unknown_onion_is_a_proxy_error() -> None:
    async def test() -> None:
        async with range_of() as (gateway, _):
            client = httpx.AsyncClient(proxy=f"socks5h://127.0.0.1:{gateway.port}")
            async with client:
                with pytest.raises(httpx.ProxyError, match=r"(?i)host unreachable"):
                    await client.get(f"http://{UNKNOWN}/")
                with pytest.raises(httpx.ProxyError):
                    await client.get("http://example.com/")

    run(test)
    gc.collect()


def test_any_credentials_are_accepted() -> None:
    async def test() -> None:
        async with range_of() as (gateway, _):
            for user in ("alice", "circuit-42"):
                proxy = f"socks5h://{user}:secret@127.0.0.1:{gateway.port}"
                async with httpx.AsyncClient(proxy=proxy) as client:
                    assert (await client.get(f"http://{ONION}/")).status_code == 200
            auth = b"\x01\x03bob\x02pw"
            answer = await socks_request(gateway.port, b"\x05\x02\x00\x02", domain(ONION), auth)
            assert answer[:2] == b"\x05\x02"  # username/password chosen when offered
            assert answer[2:4] == b"\x01\x00"  # and any pair succeeds
            assert answer[4:6] == b"\x05\x00"

    run(test)


def test_reply_codes() -> None:
    async def test() -> None:
        async with range_of() as (gateway, _):
            port = gateway.port
            hello = b"\x05\x01\x00"
            ok = await socks_request(port, hello, domain(ONION))
            assert ok[:4] == b"\x05\x00\x05\x00"
            unknown = await socks_request(port, hello, domain(UNKNOWN))
            assert unknown[2:4] == b"\x05\x04"
            wrong_port = await socks_request(port, hello, domain(ONION, port=22))
            assert wrong_port[2:4] == b"\x05\x04"
            ipv4 = bytes((5, 1, 0, 1, 127, 0, 0, 1)) + struct.pack("!H", 80)
            assert (await socks_request(port, hello, ipv4))[2:4] == b"\x05\x04"
            ipv6 = bytes((5, 1, 0, 4)) + bytes(15) + b"\x01" + struct.pack("!H", 80)
            assert (await socks_request(port, hello, ipv6))[2:4] == b"\x05\x04"
            bind = await socks_request(port, hello, domain(ONION, cmd=2))
            assert bind[2:4] == b"\x05\x07"
            bad_type = await socks_request(port, hello, bytes((5, 1, 0, 9)))
            assert bad_type[2:4] == b"\x05\x08"
            gssapi_only = await socks_request(port, b"\x05\x01\x01", b"")
            assert gssapi_only == b"\x05\xff"

    run(test)


def test_backend_down_is_connection_refused() -> None:
    async def test() -> None:
        async with range_of() as (_, free_port):
            pass  # the backend is closed now: its port refuses
        async with range_of({ONION: free_port}) as (gateway, _):
            answer = await socks_request(gateway.port, b"\x05\x01\x00", domain(ONION))
            assert answer[2:4] == b"\x05\x05"

    run(test)


def test_concurrent_connections_and_large_bodies() -> None:
    async def test() -> None:
        async with range_of() as (gateway, _):
            proxy = f"socks5h://127.0.0.1:{gateway.port}"
            limits = httpx.Limits(max_connections=40)
            async with httpx.AsyncClient(proxy=proxy, limits=limits, timeout=20) as client:
                answers = await asyncio.gather(
                    *(client.get(f"http://{ONION}/page/{i}") for i in range(120))
                )
                assert [a.text for a in answers] == [
                    f"host={ONION} path=/page/{i}" for i in range(120)
                ]
                bigs = await asyncio.gather(*(client.get(f"http://{ONION}/big") for _ in range(4)))
                digest = hashlib.sha256(BIG).digest()
                assert all(hashlib.sha256(b.content).digest() == digest for b in bigs)

    run(test)


def test_close_cuts_open_connections() -> None:
    async def test() -> None:
        async with range_of() as (gateway, _):
            reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
            writer.write(b"\x05\x01\x00" + domain(ONION))
            assert (await reader.readexactly(12))[2:4] == b"\x05\x00"
            await gateway.close()
            assert await asyncio.wait_for(reader.read(), 5) == b""  # cut, not left hanging
            with pytest.raises(OSError):
                await asyncio.open_connection("127.0.0.1", gateway.port)
            writer.close()
            await writer.wait_closed()

    run(test)
