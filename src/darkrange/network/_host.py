"""The range's leader process: binds the site sockets, starts workers and the transport.

Run as `python -m darkrange.network._host WORLD --transport direct|tor [--workers N]
[--socks-port P]`, in its own process group (`range up` starts it so). It binds one loopback
socket per served site, hands them to N worker processes (pre-fork: every worker accepts on
every socket), starts the SOCKS gateway (direct) or the private Tor network (tor), writes
WORLD/.range/ready.json and waits for SIGTERM. Workers that die are restarted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from darkrange.errors import DarkrangeError, StateError
from darkrange.network._registry import SiteRecord, load_sites, site_factory
from darkrange.network._socks import SocksGateway
from darkrange.network._state import range_dir, write_json

BACKLOG = 1024
READY_TIMEOUT_S = 300.0
RESTARTS_PER_MINUTE = 5


def _listen() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


class Leader:
    def __init__(self, world: Path, transport: str, workers: int, socks_port: int) -> None:
        self.world = world.resolve()
        self.transport = transport
        self.n_workers = max(1, workers)
        self.socks_port = socks_port
        self.sites: list[SiteRecord] = []
        self.unserved: list[str] = []
        self.sockets: dict[str, socket.socket] = {}
        self.workers: list[subprocess.Popen[bytes]] = []
        self.restarts: list[float] = []
        self.gateway: SocksGateway | None = None
        self.tor: Any = None

    def bind(self) -> None:
        for site in load_sites(self.world):
            if site_factory(site.kind) is None:
                self.unserved.append(site.site_id)
                continue
            self.sites.append(site)
            self.sockets[site.site_id] = _listen()

    def spawn_worker(self) -> subprocess.Popen[bytes]:
        read_fd, write_fd = os.pipe()
        fds = {site_id: sock.fileno() for site_id, sock in self.sockets.items()}
        cmd = [
            sys.executable,
            "-m",
            "darkrange.network._worker",
            str(self.world),
            *(f"{site_id}={fd}" for site_id, fd in fds.items()),
            "--ready",
            str(write_fd),
        ]
        proc = subprocess.Popen(cmd, pass_fds=(*fds.values(), write_fd), stdin=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd, "rb") as pipe:
            line = pipe.readline().decode("utf-8", "replace").strip()
        if line != "ready":
            proc.wait(timeout=10)
            raise StateError(line.removeprefix("error: ") or "a range worker died while starting")
        return proc

    def start_transport(self, loop: asyncio.AbstractEventLoop) -> str:
        ports = {site.site_id: self.sockets[site.site_id].getsockname()[1] for site in self.sites}
        if self.transport == "tor":
            return self._start_tor(ports)
        routes = {onion: ports[site.site_id] for site in self.sites for onion in site.addresses}
        self.gateway = SocksGateway(routes, port=self.socks_port)
        try:
            port = loop.run_until_complete(self.gateway.start())
        except OSError as exc:
            self.gateway = None
            raise StateError(
                f"cannot listen on 127.0.0.1:{self.socks_port}: {exc.strerror}"
            ) from None
        return f"127.0.0.1:{port}"

    def _start_tor(self, ports: dict[str, int]) -> str:
        try:
            from darkrange.network import tor
        except ImportError:
            raise StateError("transport tor is not available in this build") from None
        if not tor.tor_available():
            raise StateError("transport tor needs Debian's tor: apt-get install -y tor")
        services = []
        copies = range_dir(self.world) / "onion"
        for site in self.sites:
            for onion in site.addresses:
                label = onion.removesuffix(".onion")
                keys = self.world / "keys" / "onion" / label
                if not keys.is_dir():
                    raise StateError(f"no onion key for {onion} under {keys.parent}")
                # tor writes into its HiddenServiceDir and wants it 0700: give it a copy, so
                # the world folder stays as generated (and may be read-only)
                service_dir = copies / label
                shutil.rmtree(service_dir, ignore_errors=True)
                shutil.copytree(keys, service_dir)
                for path in (copies, service_dir):
                    path.chmod(0o700)
                services.append(tor.OnionService(service_dir, ports[site.site_id]))
        workdir = range_dir(self.world) / "tor"
        self.tor = tor.PrivateTorNetwork(workdir, services)
        self.tor.start(progress=lambda msg: print(f"tor: {msg}", flush=True))
        return f"127.0.0.1:{self.tor.socks_port}"

    def ready(self, socks: str) -> None:
        write_json(
            range_dir(self.world) / "ready.json",
            {
                "socks": socks,
                "sites": [
                    {
                        "site_id": s.site_id,
                        "kind": s.kind,
                        "name": s.name,
                        "onion": s.onion,
                        "mirrors": list(s.mirrors),
                        "port": self.sockets[s.site_id].getsockname()[1],
                    }
                    for s in self.sites
                ],
                "unserved": self.unserved,
                "pids": [os.getpid(), *(w.pid for w in self.workers), *self._tor_pids()],
            },
        )

    def _tor_pids(self) -> list[int]:
        return list(self.tor.pids()) if self.tor is not None else []

    async def supervise(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)
            for i, proc in enumerate(self.workers):
                if proc.poll() is not None and not stop.is_set():
                    self._restart(i, proc.returncode)

    def _restart(self, i: int, code: int) -> None:
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < 60] + [now]
        if len(self.restarts) > RESTARTS_PER_MINUTE:
            raise StateError(f"range workers keep dying (last exit code {code})")
        print(f"range: worker {self.workers[i].pid} exited with {code}; restarting", flush=True)
        self.workers[i] = self.spawn_worker()

    def forward_clock(self) -> None:
        """The trainer moved the clock: tell every worker to re-read clock.json."""
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGUSR1)

    def shutdown(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.gateway is not None:
            loop.run_until_complete(self.gateway.close())
        for proc in self.workers:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
        for proc in self.workers:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.tor is not None:
            self.tor.stop()


def run(leader: Leader) -> None:
    try:
        import uvloop

        loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    except ImportError:  # pragma: no cover
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, leader.forward_clock)
    try:
        leader.bind()
        leader.workers = [leader.spawn_worker() for _ in range(leader.n_workers)]
        leader.ready(leader.start_transport(loop))
        loop.run_until_complete(leader.supervise(stop))
    finally:
        leader.shutdown(loop)
        loop.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="darkrange.network._host")
    parser.add_argument("world", type=Path)
    parser.add_argument("--transport", choices=("direct", "tor"), default="direct")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--socks-port", type=int, default=0)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    leader = Leader(args.world, args.transport, args.workers, args.socks_port)
    try:
        run(leader)
    except DarkrangeError as exc:
        write_json(range_dir(leader.world) / "ready.json", {"error": str(exc)})
        print(f"range: error: {exc}", flush=True)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
