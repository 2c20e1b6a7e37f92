"""The range's files under WORLD/.range/ and the processes they name.

state.json   written by `range up`: the process group, pids, ports, the onion list
ready.json   written by the range's leader process once every socket listens
clock.json   the trainer's clock (days advanced); kept across `range down`
seen/PID     the clock day a worker serves (written by the worker; `range advance` waits on it)
range.log    what the range's processes print

A range killed with SIGKILL leaves state.json behind; `is_alive` tells such a stale state from a
running range, and `kill_leftovers` ends whatever of its process group is still there, naming
each process by id after checking it is one of ours.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from darkrange.errors import FormatError, StateError

RANGE_DIR = ".range"
SEEN_DIR = "seen"
MARKER = "darkrange.network."  # in the command line of every range process
WORKER_MARKER = "darkrange.network._worker"


def range_dir(world: Path) -> Path:
    return world / RANGE_DIR


@dataclass
class SiteState:
    site_id: str
    kind: str
    name: str
    onion: str
    mirrors: list[str]
    port: int


@dataclass
class RangeState:
    world: str
    transport: str
    pgid: int
    leader: int
    socks: str = ""
    pids: list[int] = field(default_factory=list)
    sites: list[SiteState] = field(default_factory=list)
    unserved: list[str] = field(default_factory=list)  # site ids of kinds with no app yet
    status: str = "starting"
    started: float = 0.0

    @property
    def explorer(self) -> str | None:
        for site in self.sites:
            if site.kind == "explorer":
                return f"http://{site.onion}/api"
        return None

    def public(self) -> dict[str, Any]:
        """What `range up --json` prints: exactly socks, explorer and sites."""
        return {
            "socks": self.socks,
            "explorer": self.explorer,
            "sites": [{"onion": s.onion, "kind": s.kind, "name": s.name} for s in self.sites],
        }


def write_json(path: Path, value: Any) -> None:
    """Write atomically (temp file, then rename) so a reader never sees half a file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise FormatError(f"{path}: unreadable ({exc}); remove it to start afresh") from None


def save_state(world: Path, state: RangeState) -> None:
    write_json(range_dir(world) / "state.json", asdict(state))


def load_state(world: Path) -> RangeState | None:
    raw = read_json(range_dir(world) / "state.json")
    if raw is None:
        return None
    try:
        sites = [SiteState(**s) for s in raw.pop("sites", [])]
        return RangeState(**raw, sites=sites)
    except TypeError as exc:
        raise FormatError(f"{range_dir(world) / 'state.json'}: not a range state ({exc})") from None


def clear_state(world: Path) -> None:
    for name in ("state.json", "ready.json"):
        with contextlib.suppress(FileNotFoundError):
            (range_dir(world) / name).unlink()
    seen = range_dir(world) / SEEN_DIR
    if seen.is_dir():
        for path in seen.iterdir():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline")
            .read_bytes()
            .replace(b"\0", b" ")
            .decode("utf-8", "replace")
        )
    except OSError:
        return ""


def _pgid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[2]) if fields[0] != "Z" else None  # field 5 of stat: pgrp


def ours(pid: int, world: Path) -> bool:
    """True when `pid` is a live range process serving `world`."""
    line = _cmdline(pid)
    return MARKER in line and str(world.resolve()) in line


def group_members(pgid: int, world: Path) -> list[int]:
    """Live processes of a range's process group that are ours."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _pgid(int(entry.name)) == pgid and ours(int(entry.name), world):
            members.append(int(entry.name))
    return sorted(members)


def is_alive(state: RangeState) -> bool:
    return ours(state.leader, Path(state.world))


def kill_leftovers(state: RangeState, grace: float = 5.0) -> None:
    """SIGTERM the leader, then SIGKILL whatever of the group is left after `grace` seconds."""
    world = Path(state.world)
    if ours(state.leader, world):
        with contextlib.suppress(ProcessLookupError):
            os.kill(state.leader, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and group_members(state.pgid, world):
        time.sleep(0.05)
    for pid in group_members(state.pgid, world):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and group_members(state.pgid, world):
        time.sleep(0.05)
    if group_members(state.pgid, world):
        raise StateError(f"range processes of {world} would not stop (group {state.pgid})")


def read_clock(world: Path) -> int:
    raw = read_json(range_dir(world) / "clock.json")
    return int(raw.get("days", 0)) if isinstance(raw, dict) else 0


def write_clock(world: Path, days: int) -> None:
    write_json(range_dir(world) / "clock.json", {"days": days})


def write_seen(world: Path, pid: int, days: int) -> None:
    """A worker records the clock day it now serves (so `range advance` can wait for it)."""
    write_json(range_dir(world) / SEEN_DIR / str(pid), {"days": days})


def read_seen(world: Path, pid: int) -> int | None:
    try:
        raw = read_json(range_dir(world) / SEEN_DIR / str(pid))
    except FormatError:
        return None
    return int(raw["days"]) if isinstance(raw, dict) and "days" in raw else None


def worker_pids(state: RangeState) -> list[int]:
    """The live site workers of a running range (restarted ones included)."""
    world = Path(state.world)
    return [pid for pid in group_members(state.pgid, world) if WORKER_MARKER in _cmdline(pid)]
