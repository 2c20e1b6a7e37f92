"""`range up / status / down / advance` as library calls (the CLI and the benchmark use them).

`range_up` starts the leader in a new session (its own process group, detached from the
terminal), waits for ready.json, then for every site to answer through the SOCKS port with a
real HTTP client, and records it all in WORLD/.range/state.json.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from darkrange.errors import InputError, NetworkError, StateError
from darkrange.network._registry import load_sites
from darkrange.network._state import (
    RangeState,
    SiteState,
    clear_state,
    is_alive,
    kill_leftovers,
    load_state,
    range_dir,
    read_clock,
    read_json,
    read_seen,
    save_state,
    worker_pids,
    write_clock,
)

Progress = Callable[[str], None]
TRANSPORTS = ("direct", "tor")
ADVANCE_WAIT_S = 10.0
# Leaders this process started, by pid: kept so that a long-lived caller (the web app, a test
# session) reaps its child at `range down` instead of leaving a zombie or dropping a Popen of
# a running process; a CLI `range up` simply exits and the leader lives on by itself.
_LEADERS: dict[int, subprocess.Popen[bytes]] = {}


async def probe(socks: str, onions: list[str], timeout: float = 5.0) -> dict[str, bool]:
    """Whether each onion answers an HTTP GET / through the SOCKS port (any status counts)."""
    import httpx

    async def one(client: httpx.AsyncClient, onion: str) -> bool:
        try:
            await client.get(f"http://{onion}/")
        except httpx.HTTPError:
            return False
        return True

    async with httpx.AsyncClient(proxy=f"socks5h://{socks}", timeout=timeout) as client:
        answers = await asyncio.gather(*(one(client, onion) for onion in onions))
    return dict(zip(onions, answers, strict=True))


def _check_world(world: Path, transport: str) -> None:
    if transport not in TRANSPORTS:
        raise InputError(f"unknown transport {transport!r}; choose direct or tor")
    if not world.is_dir():
        raise InputError(f"world folder {world} does not exist")
    load_sites(world)  # fail here, with a clear message, rather than in the background


def _clear_stale(world: Path) -> None:
    state = load_state(world)
    if state is None:
        clear_state(world)
        return
    if is_alive(state):
        raise StateError(
            f"a range is already running for {world} (SOCKS {state.socks or 'starting'}); "
            "run `darkrange range down` first"
        )
    kill_leftovers(state, grace=1.0)  # a range killed with SIGKILL: end what it left behind
    _reap(state)
    _stop_stale_tor(world)
    clear_state(world)


def _reap(state: RangeState) -> None:
    proc = _LEADERS.pop(state.leader, None)
    if proc is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


def _stop_stale_tor(world: Path) -> None:
    workdir = range_dir(world) / "tor"
    if workdir.is_dir():
        try:
            from darkrange.network import tor
        except ImportError:
            return
        tor.stop_stale(workdir)


def _spawn(world: Path, transport: str, workers: int, socks_port: int) -> subprocess.Popen[bytes]:
    folder = range_dir(world)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "darkrange.network._host",
        str(world),
        "--transport",
        transport,
        "--workers",
        str(workers),
        "--socks-port",
        str(socks_port),
    ]
    with open(folder / "range.log", "ab") as log, _sigusr1_ignored():
        return subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )


@contextlib.contextmanager
def _sigusr1_ignored() -> Iterator[None]:
    """Start the leader with SIGUSR1 ignored (an ignored signal stays so across exec) until it
    installs its own handler: a `range advance` during its first second must not end it (the
    default action of SIGUSR1 is to terminate). Workers read the clock once they can hear it."""
    try:
        old = signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals cannot be changed here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGUSR1, old)


def _await_ready(world: Path, proc: subprocess.Popen[bytes], deadline: float) -> dict[str, object]:
    path = range_dir(world) / "ready.json"
    while time.monotonic() < deadline:
        ready = read_json(path)
        if isinstance(ready, dict) and "error" in ready:
            raise StateError(f"range did not start: {ready['error']}")
        if isinstance(ready, dict):
            return ready
        if proc.poll() is not None:
            raise StateError(
                f"range exited with code {proc.returncode}; see {path.parent}/range.log"
            )
        time.sleep(0.05)
    raise NetworkError(f"range did not get ready in time; see {path.parent}/range.log")


def _await_answers(state: RangeState, deadline: float) -> None:
    onions = [s.onion for s in state.sites]
    while True:
        answers = asyncio.run(
            probe(state.socks, onions, timeout=max(1.0, deadline - time.monotonic()))
        )
        silent = [onion for onion, ok in answers.items() if not ok]
        if not silent:
            return
        if time.monotonic() >= deadline:
            raise NetworkError(
                f"{len(silent)} site(s) do not answer through {state.socks}: {silent[0]}"
            )
        onions = silent
        time.sleep(0.2)


def range_up(
    world: Path,
    transport: str = "direct",
    workers: int = 1,
    socks_port: int = 0,
    timeout: float = 180.0,
    progress: Progress | None = None,
) -> RangeState:
    """Start a range for `world` in the background; returns once every site answers."""
    say = progress or (lambda _msg: None)
    world = world.resolve()
    _check_world(world, transport)
    _clear_stale(world)
    deadline = time.monotonic() + timeout
    proc = _spawn(world, transport, workers, socks_port)
    _LEADERS[proc.pid] = proc
    state = RangeState(str(world), transport, pgid=proc.pid, leader=proc.pid, started=time.time())
    save_state(world, state)  # from here `range down` can end it, even if we are interrupted
    try:
        say("starting sites")
        ready = _await_ready(world, proc, deadline)
        state.socks = str(ready["socks"])
        state.sites = [SiteState(**s) for s in ready["sites"]]  # type: ignore[attr-defined]
        state.unserved = list(ready.get("unserved", []))  # type: ignore[call-overload]
        state.pids = list(ready.get("pids", []))  # type: ignore[call-overload]
        save_state(world, state)
        say(f"waiting for {len(state.sites)} site(s) through {state.socks}")
        _await_answers(state, deadline)
    except BaseException:
        kill_leftovers(state, grace=2.0)
        _reap(state)
        clear_state(world)
        raise
    state.status = "ready"
    save_state(world, state)
    return state


def range_status(
    world: Path, probe_sites: bool = True
) -> tuple[RangeState | None, dict[str, bool]]:
    """The running range of `world` (None if none) and which sites answer right now."""
    state = load_state(world.resolve())
    if state is None or not is_alive(state):
        return None, {}
    answers: dict[str, bool] = {}
    if probe_sites and state.socks and state.sites:
        answers = asyncio.run(probe(state.socks, [s.onion for s in state.sites], timeout=3.0))
    return state, answers


def range_down(world: Path) -> bool:
    """Stop the range of `world`; False when none was running. Stale state is cleared too."""
    world = world.resolve()
    state = load_state(world)
    if state is None:
        clear_state(world)
        return False
    running = is_alive(state)
    kill_leftovers(state)
    _reap(state)
    if state.transport == "tor" or (range_dir(world) / "tor").is_dir():
        _stop_stale_tor(world)
    clear_state(world)
    return running


def range_advance(world: Path, days: int, wait: float = ADVANCE_WAIT_S) -> int:
    """Move the world's clock on by `days`. When a range runs, return once every site worker
    serves the new day (or after `wait` seconds; a worker that starts later reads the clock)."""
    if days < 1:
        raise InputError("--days must be at least 1")
    world = world.resolve()
    if not (world / "sites.json").is_file():
        raise InputError(f"{world} is not a world folder: sites.json is missing")
    total = read_clock(world) + days
    write_clock(world, total)
    state = load_state(world)
    if state is not None and is_alive(state):
        # the leader passes SIGUSR1 on to its workers, which re-read clock.json
        with contextlib.suppress(ProcessLookupError):
            os.kill(state.leader, signal.SIGUSR1)
        _await_clock(world, state, total, time.monotonic() + wait)
    return total


def _await_clock(world: Path, state: RangeState, days: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        behind = [pid for pid in worker_pids(state) if (read_seen(world, pid) or -1) < days]
        if not behind:
            return
        time.sleep(0.02)
