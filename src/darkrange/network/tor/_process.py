"""Starting tor daemons and ending them again by their pid files."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from darkrange.errors import NetworkError, StateError
from darkrange.network.tor._torrc import TorNode, check_private

_TOR = "tor"
# Debian installs tor in /usr/sbin, which is not on every user's PATH.
_FALLBACK = Path("/usr/sbin/tor")
_EMPTY_DEFAULTS = "torrc-defaults"


def tor_available() -> bool:
    """True when Debian's `tor` and `tor-gencert` can be run."""
    return _which_tor() is not None and shutil.which("tor-gencert") is not None


def tor_binary() -> str:
    found = _which_tor()
    if found is None:
        raise StateError("tor not found: install Debian's tor package (apt-get install tor)")
    return found


def _which_tor() -> str | None:
    found = shutil.which(_TOR)
    if found is None and os.access(_FALLBACK, os.X_OK):
        return str(_FALLBACK)
    return found


def empty_defaults(workdir: Path) -> Path:
    """An empty defaults torrc, so no system-wide /etc/tor/torrc-defaults leaks into ours."""
    path = workdir / _EMPTY_DEFAULTS
    if not path.exists():
        path.write_text("", encoding="ascii")
    return path


def launch(nodes: Sequence[TorNode], workdir: Path) -> None:
    """Start every node's tor side by side; return once each has daemonised.

    With RunAsDaemon the first process exits only after the daemon has read its torrc and
    opened its ports, so a bad setting or a taken port shows up here as a non-zero exit.
    """
    for node in nodes:
        check_private(node.torrc.read_text(encoding="utf-8"))
    defaults = empty_defaults(workdir)
    started = [
        (
            node,
            subprocess.Popen(
                [tor_binary(), "--defaults-torrc", str(defaults), "-f", str(node.torrc)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            ),
        )
        for node in nodes
    ]
    failures = []
    for node, process in started:
        output, _ = process.communicate(timeout=120)
        if process.returncode != 0:
            failures.append(f"{node.nickname}: {_last_problem(output)}")
    if failures:
        raise NetworkError("tor did not start: " + "; ".join(failures))


def _last_problem(output: bytes) -> str:
    lines = output.decode("utf-8", "replace").splitlines()
    problems = [
        line
        for line in lines
        if ("[warn]" in line or "[err]" in line) and "see warnings above" not in line
    ]
    return (problems or lines or ["no output"])[-1].strip()


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        return None


def is_our_tor(pid: int, workdir: Path) -> bool:
    """True when `pid` is a live tor started with a torrc under `workdir`.

    Checked before every kill, so a pid reused by another program is never touched.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    if stat.rpartition(")")[2].split()[:1] == ["Z"]:
        return False  # a zombie holds no ports and no files
    if not cmdline or os.path.basename(cmdline[0]) != b"tor":
        return False
    root = os.fsencode(workdir.resolve()) + b"/"
    return any(arg.startswith(root) and arg.endswith(b"/torrc") for arg in cmdline)


def find_tors(workdir: Path) -> list[int]:
    """Every live tor of this work dir: from the pid files, and from /proc for a tor that was
    killed with its range before it wrote one."""
    pids = {pid for pid in _pid_files(workdir) if pid is not None}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            pids.add(int(entry.name))
    return sorted(pid for pid in pids if is_our_tor(pid, workdir))


def _pid_files(workdir: Path) -> Iterable[int | None]:
    return (read_pid(path) for path in sorted(workdir.glob("*/tor.pid")))


def terminate(pids: Sequence[int], workdir: Path, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL whatever is still running after `grace` seconds."""
    for pid in pids:
        _signal(pid, workdir, signal.SIGTERM)
    deadline = time.monotonic() + grace
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if is_our_tor(pid, workdir)]
    for pid in alive:
        _signal(pid, workdir, signal.SIGKILL)
    deadline = time.monotonic() + grace
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if is_our_tor(pid, workdir)]
    if alive:
        raise StateError(f"tor processes {alive} did not end")


def hup(pid_files: Sequence[Path], workdir: Path) -> None:
    """Send SIGHUP to the tors of these pid files: tor re-reads its torrc (unchanged) and
    retries every directory download at once."""
    for pid_file in pid_files:
        pid = read_pid(pid_file)
        if pid is not None:
            _signal(pid, workdir, signal.SIGHUP)


def _signal(pid: int, workdir: Path, sig: signal.Signals) -> None:
    if is_our_tor(pid, workdir):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def stop_stale(workdir: Path) -> None:
    """End every tor left running under `workdir` (a range killed part-way); idempotent."""
    if workdir.is_dir():
        terminate(find_tors(workdir), workdir)
