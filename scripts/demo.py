"""The course demo: the default world, the range, the web app, a trainer and twelve trainees.

    .venv/bin/python scripts/demo.py [--port 8000] [--world worlds/demo] [--data worlds/demo-web]
    .venv/bin/python scripts/demo.py --stop

Generates the default world (seed 7, size demo) if it is missing, starts the range on it
(direct transport) and the web app on 127.0.0.1 in the background, creates a trainer and 12
trainee accounts in three agencies (passwords printed, and kept 0600 in DATA/logins.txt), starts
the course for them with every trainee's variant world generated, and prints where to go.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import Progress

from darkrange.case import AccessDenied, Store, add_user, bootstrap_admin, upgrade
from darkrange.errors import DarkrangeError
from darkrange.network import range_down, range_status, range_up
from darkrange.train import Course, start_course
from darkrange.world.generate import generate

AGENCIES = ("security_service", "prosecutor", "customs")
TEAM_NAMES = {
    "security_service": "Security service",
    "prosecutor": "Prosecutor's office",
    "customs": "Customs",
}
console = Console()


def _password() -> str:
    return secrets.token_urlsafe(12)


def ensure_world(world: Path, seed: int) -> None:
    if (world / "world.json").is_file():
        console.print(f"world: {world} (exists)")
        return
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("generating the world", total=4)

        def step(phase: str, done: int, total: int) -> None:
            bar.update(task, description=f"world: {phase}", completed=done, total=total)

        generate(seed, "demo", world, progress=step)
    console.print(f"world: {world} (generated, seed {seed})")


def ensure_accounts(store: Store, data: Path) -> list[tuple[str, str, str]]:
    """(user, role, password) of new accounts; none when the database already has them."""
    logins = data / "logins.txt"
    upgrade(store)
    with store.session() as session:
        try:
            admin_password = _password()
            bootstrap_admin(session, store.clock, "admin", admin_password)
        except AccessDenied:  # users exist: a second run keeps them
            return []
    created = [("admin", "admin", admin_password)]
    with store.acting("admin") as admin:
        trainer = _password()
        add_user(admin, "trainer", "trainer", trainer)
        created.append(("trainer", "trainer", trainer))
        for i in range(1, 13):
            password = _password()
            add_user(admin, f"t{i:02d}", "trainee", password)
            created.append((f"t{i:02d}", "trainee", password))
    fd = os.open(logins, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.writelines(f"{user}\t{role}\t{password}\n" for user, role, password in created)
    return created


def ensure_course(course: Path, data: Path, seed: int) -> Course:
    if (course / "course.json").is_file():
        started = Course(course)
    else:
        spec = data / "class.yaml"
        lines = ["trainees:"]
        for i in range(1, 13):
            team = AGENCIES[(i - 1) % 3]
            lines.append(f"  - {{id: t{i:02d}, name: Trainee {i:02d}, team: {team}}}")
        lines.append("teams:")
        lines += [f"  {key}: {name}" for key, name in TEAM_NAMES.items()]
        spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = start_course(course, seed, spec, size="tiny")
    seeds = sorted({started.world_seed} | {t.seed for t in started.trainees()})
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("trainee worlds", total=len(seeds))
        for one in seeds:
            try:
                started.world(one)
            except DarkrangeError as exc:  # the page that needs it will say so
                console.print(f"[yellow]world {one} could not be generated: {exc}[/yellow]")
            bar.advance(task)
    return started


def start_web(args: argparse.Namespace, store_url: str, course: Path) -> int:
    log = (args.data / "web.log").open("ab")
    cmd = [
        sys.executable,
        "-m",
        "darkrange.web",
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
        "--db",
        store_url,
        "--secret-file",
        str(args.data / "web.secret"),
        "--course",
        str(course),
        "--world",
        str(args.world),
    ]
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    (args.data / "web.pid").write_text(f"{proc.pid}\n")
    url = f"http://127.0.0.1:{args.port}/login"
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit(f"the web app exited (code {proc.returncode}); see {args.data / 'web.log'}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return proc.pid
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    sys.exit(f"the web app did not answer on {url}; see {args.data / 'web.log'}")


def stop(args: argparse.Namespace) -> None:
    pid_file = args.data / "web.pid"
    if pid_file.is_file():
        pid = int(pid_file.read_text())
        try:
            os.killpg(pid, signal.SIGTERM)
            console.print(f"web app {pid} stopped")
        except ProcessLookupError:
            console.print("the web app was not running")
        pid_file.unlink()
    console.print("range stopped" if range_down(args.world) else "no range was running")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--world", type=Path, default=Path("worlds/demo"))
    parser.add_argument("--data", type=Path, default=Path("worlds/demo-web"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stop", action="store_true", help="stop the web app and the range")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    if args.stop:
        stop(args)
        return
    ensure_world(args.world, args.seed)
    state, _ = range_status(args.world, probe_sites=False)
    if state is None:
        state = range_up(args.world, transport="direct", progress=console.print)
    sites = len(state.sites)
    console.print(f"range: SOCKS5 {state.socks}, explorer {state.explorer}, {sites} sites")
    store = Store.open(args.data / "cases.db")
    created = ensure_accounts(store, args.data)
    course = ensure_course(args.data / "course", args.data, args.seed)
    console.print(f"course: {course.root} ({len(course.exercises)} exercises)")
    pid = start_web(args, store.url, course.root)
    store.close()
    console.print(f"\nweb app: http://127.0.0.1:{args.port}/login (pid {pid})")
    if created:
        console.print("logins (also in " + str(args.data / "logins.txt") + "):")
        for user, role, password in created:
            console.print(f"  {user:<8} {role:<8} {password}")
    else:
        console.print(f"logins: as created before, in {args.data / 'logins.txt'}")
    console.print(f"stop with: {sys.executable} scripts/demo.py --stop")


if __name__ == "__main__":
    main()
