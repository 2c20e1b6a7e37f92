"""The private Tor network: authorities, relays, one client and one onion host on 127.0.0.1."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from darkrange.errors import InputError, NetworkError
from darkrange.network.tor._keys import make_authority_entries
from darkrange.network.tor._ports import pick_ports
from darkrange.network.tor._probe import (
    bootstrap_percent,
    directory_status,
    log_tail,
    socks_connect,
)
from darkrange.network.tor._process import (
    find_tors,
    hup,
    launch,
    read_pid,
    stop_stale,
    terminate,
)
from darkrange.network.tor._torrc import (
    INITIAL_INTERVAL,
    AuthorityEntry,
    Role,
    ServicePort,
    TorNode,
    check_private,
    render_torrc,
    torrc_path,
)

Progress = Callable[[str], None]
_SECRET_KEY = "hs_ed25519_secret_key"
_NODES = "nodes"
_POLL = 0.2
_FIRST_CONSENSUS = 7
_NUDGE = 2.0
_STALL = 3.0
_DIRINFO = 75
_ATTEMPT = 15.0


@dataclass
class OnionService:
    """A site to serve: its HiddenServiceDir (already holding its keys) and its local app."""

    service_dir: Path
    backend_port: int
    virtual_port: int = 80

    def onion(self) -> str:
        """The address tor derived from the key (tor writes `hostname` when it starts)."""
        try:
            return (self.service_dir / "hostname").read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise NetworkError(f"tor wrote no hostname in {self.service_dir}") from None


class PrivateTorNetwork:
    """A complete Tor network on loopback that serves `services` at their own onion addresses.

    The tors run as daemons, so the network outlives the process that started it; `stop()` or
    `stop_stale(workdir)` from any process ends it.
    """

    def __init__(
        self,
        workdir: Path,
        services: Sequence[OnionService],
        base_port: int | None = None,
        authorities: int = 3,
        relays: int = 3,
        *,
        single_hop: bool = False,
    ) -> None:
        if authorities < 1 or relays < 0 or authorities + relays < 4:
            raise InputError("a Tor network needs at least 1 authority and 4 relays in all")
        self.workdir = workdir.resolve()
        self.services = list(services)
        self.single_hop = single_hop
        self.timings: dict[str, float] = {}
        self._check_services()
        ports = iter(pick_ports(3 * (authorities + relays) + 3, base_port))
        home = self.workdir / _NODES
        self.authorities = [
            _relay(home, f"auth{i}", Role.AUTHORITY, ports) for i in range(authorities)
        ]
        self.relays = [_relay(home, f"relay{i}", Role.RELAY, ports) for i in range(relays)]
        self.client = TorNode(
            "client", Role.CLIENT, home / "client", socks_port=next(ports), control_port=next(ports)
        )
        self.host = TorNode("host", Role.HOST, home / "host", control_port=next(ports))
        self.socks_port = self.client.socks_port

    @property
    def nodes(self) -> list[TorNode]:
        hosts = [self.host] if self.services else []
        return [*self.authorities, *self.relays, self.client, *hosts]

    def _check_services(self) -> None:
        nodes = self.workdir / _NODES
        torrc_path(nodes)  # refuse a work dir tor cannot name before anything is written
        for service in self.services:
            directory = service.service_dir.resolve()
            torrc_path(directory)
            if not (directory / _SECRET_KEY).is_file():
                raise InputError(f"{directory} holds no {_SECRET_KEY}")
            if directory.is_relative_to(nodes):
                raise InputError(f"{directory} lies inside the network's own folder {nodes}")
            for port in (service.backend_port, service.virtual_port):
                if not 1 <= port <= 65535:
                    raise InputError(f"{directory}: port {port} is out of range")

    def prepare(self, progress: Progress | None = None) -> list[Path]:
        """End any tor left in the work dir, make (or reuse) the authority keys, write every
        torrc; return their paths. No tor is started."""
        say = progress or _quiet
        self.workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.workdir.chmod(0o700)
        stop_stale(self.workdir)
        shutil.rmtree(self.workdir / _NODES, ignore_errors=True)
        for node in self.nodes:
            node.data_dir.mkdir(mode=0o700, parents=True)
            for name in ("geoip", "geoip6"):
                (node.home / name).write_text("", encoding="ascii")
        say(f"keys for {len(self.authorities)} directory authorities (made once, then kept)")
        entries = make_authority_entries(self.authorities, self.workdir)
        for service in self.services:
            service.service_dir.chmod(0o700)  # tor refuses a group- or world-readable one
        # Aim the first consensus _FIRST_CONSENSUS s from now: late enough that every relay has
        # uploaded its descriptor (~2-4 s after launch), so no half-empty consensus comes first
        # and switches the authorities to the slower 10 s cycle.
        offset = (int(time.time()) + _FIRST_CONSENSUS) % INITIAL_INTERVAL
        for node in self.nodes:
            self._write_torrc(node, entries, offset)
        return [node.torrc for node in self.nodes]

    def _write_torrc(self, node: TorNode, entries: Sequence[AuthorityEntry], offset: int) -> None:
        services = [
            ServicePort(s.service_dir.resolve(), s.virtual_port, s.backend_port)
            for s in self.services
        ]
        text = render_torrc(node, entries, services, single_hop=self.single_hop, vote_offset=offset)
        check_private(text)
        node.torrc.write_text(text, encoding="utf-8")

    def start(self, timeout: float = 120, progress: Progress | None = None) -> None:
        """Start every tor, wait for the client to bootstrap and for every onion to answer.

        On failure or timeout every tor started here is ended before the error is raised.
        """
        say = progress or _quiet
        began = time.monotonic()
        deadline = began + timeout
        try:
            self.prepare(say)
            self.timings["keys"] = time.monotonic() - began
            # Client and host start only once every directory can describe every relay: started
            # earlier they back off on 404s and circuits through a half-empty consensus fail,
            # which cost 10-25 s in measurements (docs/tor.md).
            routers = [*self.authorities, *self.relays]
            say(f"starting {len(routers)} directory authorities and relays")
            launch(routers, self.workdir)
            self.timings["launched"] = time.monotonic() - began
            self._await_directories(deadline, say)
            self.timings["consensus"] = time.monotonic() - began
            say("starting the client and the onion host")
            launch(self.nodes[len(routers) :], self.workdir)
            self._await_bootstrap(deadline, say)
            self.timings["bootstrapped"] = time.monotonic() - began
            self._await_onions(deadline, say)
            self.timings["onions_ready"] = time.monotonic() - began
        except BaseException:
            self.stop()
            raise

    def _await_directories(self, deadline: float, say: Progress) -> None:
        """Wait for a consensus that lists every relay, then for every relay to cache it."""
        wanted = len(self.authorities) + len(self.relays)

        def ready(node: TorNode) -> bool:
            listed, complete = directory_status(node.dir_port)
            return listed == wanted and complete

        say(f"waiting for a consensus of all {wanted} relays")
        while not all(ready(node) for node in self.authorities):
            if time.monotonic() > deadline:
                raise NetworkError(
                    f"the directory authorities published no consensus listing all {wanted} "
                    "relays: " + log_tail(self.authorities[0].log_file)
                )
            time.sleep(_POLL)
        say("consensus published; relays are fetching it")
        # A relay that asked before the consensus existed backs off for up to ~15 s. SIGHUP makes
        # tor reset its download failures and fetch again at once (tor's do_hup).
        lagging, nudged = list(self.relays), 0.0
        while lagging := [node for node in lagging if not ready(node)]:
            if time.monotonic() - nudged > _NUDGE:
                hup([node.pid_file for node in lagging], self.workdir)
                nudged = time.monotonic()
            if time.monotonic() > deadline:
                raise NetworkError(
                    f"relays {', '.join(n.nickname for n in lagging)} did not fetch the "
                    "consensus: " + log_tail(lagging[0].log_file)
                )
            time.sleep(_POLL)
        say(f"every directory serves all {wanted} relays")

    def _await_bootstrap(self, deadline: float, say: Progress) -> None:
        shown, changed = -1, time.monotonic()
        while (percent := bootstrap_percent(self.client.log_file)) < 100:
            if percent != shown:
                say(f"client bootstrapped {percent}%")
                shown, changed = percent, time.monotonic()
            elif percent < _DIRINFO and time.monotonic() - changed > _STALL:
                # Stuck behind a directory download backoff: make tor retry now. (Past 75% tor
                # is building circuits, which a SIGHUP does not speed up.)
                hup([self.client.pid_file, self.host.pid_file], self.workdir)
                changed = time.monotonic()
            if time.monotonic() > deadline:
                raise NetworkError(
                    f"the Tor client stopped at {percent}% bootstrap: "
                    + log_tail(self.client.log_file)
                )
            time.sleep(_POLL)
        say("client bootstrapped 100%")

    def _await_onions(self, deadline: float, say: Progress) -> None:
        """Probe every onion side by side until each answers; progress is told from here, in
        the calling thread, never from the probing threads."""
        onions = [(service.onion(), service.virtual_port) for service in self.services]
        if not onions:
            return
        cancel = threading.Event()
        problems: list[str] = []
        pool = ThreadPoolExecutor(max_workers=min(16, len(onions)))
        try:
            futures = {
                pool.submit(_await_onion, self.socks_port, onion, port, deadline, cancel): onion
                for onion, port in onions
            }
            for done, future in enumerate(as_completed(futures), start=1):
                if (problem := future.result()) is not None:
                    problems.append(problem)
                else:
                    say(f"{done - len(problems)}/{len(onions)} onions answer ({futures[future]})")
        finally:
            cancel.set()  # a Ctrl-C here must not wait for the probes' deadline
            pool.shutdown(wait=True, cancel_futures=True)
        if problems:
            raise NetworkError(
                f"{len(problems)} of {len(onions)} onions did not answer: {problems[0]}; host log: "
                + log_tail(self.host.log_file)
            )

    def pids(self) -> list[int]:
        """The process ids of this network's running tors."""
        return find_tors(self.workdir)

    def node_pids(self) -> dict[str, int]:
        """Each running node's pid by nickname, from its pid file."""
        found = set(self.pids())
        pids = {node.nickname: read_pid(node.pid_file) for node in self.nodes}
        return {name: pid for name, pid in pids.items() if pid is not None and pid in found}

    def stop(self) -> None:
        """End every tor of this network; safe to call any number of times."""
        if self.workdir.is_dir():
            terminate(find_tors(self.workdir), self.workdir)


def _relay(home: Path, nickname: str, role: Role, ports: Iterator[int]) -> TorNode:
    return TorNode(
        nickname,
        role,
        home / nickname,
        or_port=next(ports),
        dir_port=next(ports),
        control_port=next(ports),
    )


def _await_onion(
    socks_port: int, onion: str, port: int, deadline: float, cancel: threading.Event
) -> str | None:
    """None once the onion answers; the last failure when the deadline passes first.

    Right after bootstrap the client may answer "No more HSDir available" until the onion's
    descriptor is uploaded, so failures are retried.
    """
    problem = "not tried"
    while (remaining := deadline - time.monotonic()) > 0 and not cancel.is_set():
        try:
            socks_connect(socks_port, onion, port, timeout=min(_ATTEMPT, remaining))
            return None
        except NetworkError as error:
            problem = str(error)
        cancel.wait(min(0.5, max(0.0, deadline - time.monotonic())))
    return problem


def _quiet(message: str) -> None:
    """The default progress callback: say nothing."""
