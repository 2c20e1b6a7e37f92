"""The direct transport: a SOCKS5 gateway on loopback that resolves the world's onions itself.

RFC 1928 with no authentication and RFC 1929 username/password (any credentials are accepted:
the crawler sends them to get circuit isolation from Tor, and must not notice the difference).
CONNECT only, to domain names only: a known onion on port 80 is piped to its site's loopback
port; any other name, and every literal IP address, gets reply 0x04 "host unreachable", as a
Tor client answers for an onion it cannot reach. Nothing but the site ports is reachable
through it, so the trainer's controls never are.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import Mapping

SOCKS_VERSION = 5
NO_AUTH, USER_PASS, NO_METHOD = 0x00, 0x02, 0xFF
CONNECT = 0x01
ATYP_IPV4, ATYP_DOMAIN, ATYP_IPV6 = 0x01, 0x03, 0x04
REPLY_OK = 0x00
REPLY_FAILURE = 0x01
REPLY_HOST_UNREACHABLE = 0x04
REPLY_REFUSED = 0x05
REPLY_COMMAND = 0x07
REPLY_ADDRESS_TYPE = 0x08
ONION_PORT = 80
HANDSHAKE_TIMEOUT = 10.0
CHUNK = 64 * 1024


class _Refused(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until EOF; drain() after each write is the back-pressure."""
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


class SocksGateway:
    """A SOCKS5 server mapping onion names to loopback ports.

    routes: "name.onion" -> backend port on 127.0.0.1 (main addresses and mirrors alike).
    """

    def __init__(self, routes: Mapping[str, int], host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes = {name.lower(): port for name, port in routes.items()}
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        """Start listening; returns the bound port."""
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def serve_forever(self) -> None:
        if self._server is None:
            await self.start()
        assert self._server is not None
        await self._server.serve_forever()

    async def close(self) -> None:
        """Stop accepting, cut the open connections, wait for their tasks."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            port = await asyncio.wait_for(self._handshake(reader, writer), HANDSHAKE_TIMEOUT)
            if port is not None:
                await self._relay(reader, writer, port)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _handshake(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> int | None:
        version, n_methods = await reader.readexactly(2)
        if version != SOCKS_VERSION:
            return None
        methods = await reader.readexactly(n_methods)
        method = USER_PASS if USER_PASS in methods else NO_AUTH if NO_AUTH in methods else NO_METHOD
        writer.write(bytes((SOCKS_VERSION, method)))
        if method == NO_METHOD:
            return None
        if method == USER_PASS:
            # RFC 1929: VER ULEN UNAME PLEN PASSWD; every pair is welcome (circuit isolation).
            _, ulen = await reader.readexactly(2)
            await reader.readexactly(ulen)
            (plen,) = await reader.readexactly(1)
            await reader.readexactly(plen)
            writer.write(b"\x01\x00")
        try:
            return self._route(await self._request(reader))
        except _Refused as refused:
            writer.write(_reply(refused.code))
            await writer.drain()
            return None

    async def _request(self, reader: asyncio.StreamReader) -> tuple[str, int]:
        _, cmd, _, atyp = await reader.readexactly(4)
        if atyp == ATYP_DOMAIN:
            (length,) = await reader.readexactly(1)
            name = (await reader.readexactly(length)).decode("ascii", "replace").lower()
        elif atyp in (ATYP_IPV4, ATYP_IPV6):
            await reader.readexactly(4 if atyp == ATYP_IPV4 else 16)
            name = ""  # literal addresses never reach the range's loopback services
        else:
            raise _Refused(REPLY_ADDRESS_TYPE)
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if cmd != CONNECT:
            raise _Refused(REPLY_COMMAND)
        return name, port

    def _route(self, target: tuple[str, int]) -> int:
        name, port = target
        backend = self.routes.get(name.rstrip("."))
        if backend is None or port != ONION_PORT:
            raise _Refused(REPLY_HOST_UNREACHABLE)
        return backend

    async def _relay(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter, port: int
    ) -> None:
        try:
            site_r, site_w = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            client_w.write(_reply(REPLY_REFUSED))
            await client_w.drain()
            return
        client_w.write(_reply(REPLY_OK))
        try:
            await asyncio.gather(_pipe(client_r, site_w), _pipe(site_r, client_w))
        finally:
            site_w.close()
            with contextlib.suppress(Exception):
                await site_w.wait_closed()


def _reply(code: int) -> bytes:
    # BND.ADDR 0.0.0.0:0, as Tor answers
    return bytes((SOCKS_VERSION, code, 0, ATYP_IPV4, 0, 0, 0, 0, 0, 0))
