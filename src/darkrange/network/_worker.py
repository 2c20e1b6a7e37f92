"""A range worker: serves site apps on listening sockets inherited from the leader.

Run as `python -m darkrange.network._worker WORLD SITE_ID=FD ... --ready FD`. It builds each
site's ASGI app through the registry, serves them all with uvicorn (httptools, uvloop) in one
event loop, reports "ready" (or "error: ...") on the ready pipe, re-reads the trainer's clock on
SIGUSR1 and ends on SIGTERM, or when its leader is gone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

import uvicorn

from darkrange.errors import DarkrangeError, StateError
from darkrange.network._registry import RangeClock, SiteContext, load_sites, site_factory
from darkrange.network._state import read_clock, write_seen

PARENT_POLL_S = 0.5


def _config(app: object) -> uvicorn.Config:
    # No Server header: a hidden service does not announce its software stack.
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        http="httptools",
        loop="none",
        lifespan="auto",
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=2,
    )


class Worker:
    def __init__(self, world: Path, sockets: dict[str, int]) -> None:
        self.world = world
        self.sockets = sockets
        self.clock = RangeClock(read_clock(world))
        self.servers: list[tuple[uvicorn.Server, socket.socket]] = []
        self.parent = os.getppid()
        self.stop = asyncio.Event()

    def build(self) -> None:
        sites = {s.site_id: s for s in load_sites(self.world)}
        for site_id, fd in self.sockets.items():
            site = sites.get(site_id)
            factory = site_factory(site.kind) if site else None
            if site is None or factory is None:
                raise StateError(f"no app serves site {site_id}")
            app = factory(SiteContext(self.world, site, self.clock))
            sock = socket.socket(fileno=fd)
            self.servers.append((uvicorn.Server(_config(app)), sock))

    async def run(self, ready_fd: int) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        loop.add_signal_handler(signal.SIGUSR1, self._reread_clock)
        # the trainer may have moved the clock while this worker was loading the world, before
        # it could hear SIGUSR1: read it again now that it can
        self._reread_clock()
        for server, sock in self.servers:
            server.config.load()
            server.lifespan = server.config.lifespan_class(server.config)
            await server.startup(sockets=[sock])
        os.write(ready_fd, b"ready\n")
        os.close(ready_fd)
        ticks = [asyncio.create_task(server.main_loop()) for server, _ in self.servers]
        while not self.stop.is_set() and os.getppid() == self.parent:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), PARENT_POLL_S)
        for server, _ in self.servers:
            server.should_exit = True
        await asyncio.gather(*ticks, return_exceptions=True)
        for server, sock in self.servers:
            await server.shutdown(sockets=[sock])

    def _reread_clock(self) -> None:
        try:
            self.clock.set_days(read_clock(self.world))
            write_seen(self.world, os.getpid(), self.clock.days)
        except (DarkrangeError, OSError) as exc:  # keep serving at the old day; say why
            print(f"range worker {os.getpid()}: clock not moved: {exc}", flush=True)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="darkrange.network._worker")
    parser.add_argument("world", type=Path)
    parser.add_argument("sockets", nargs="+", help="SITE_ID=FD")
    parser.add_argument("--ready", type=int, required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    sockets = {k: int(v) for k, v in (item.rsplit("=", 1) for item in args.sockets)}
    worker = Worker(args.world, sockets)
    try:
        worker.build()
    except DarkrangeError as exc:
        os.write(args.ready, f"error: {exc}\n".encode())
        return exc.exit_code
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:  # pragma: no cover - uvloop is a dependency; plain asyncio still works
        runner = asyncio.Runner()
    with runner:
        runner.run(worker.run(args.ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
