"""Web app latency: 50 signed-in users (45 trainees, 5 trainers) on the main pages.

A real uvicorn server on 127.0.0.1 (1 worker, then 2 workers: side by side), a course of 45
trainees on a tiny world, and locust (headless) as the load generator on the same 2 cores,
each user waiting 0.5-2 s between requests. Users sign in as they start (10 a second); the
statistics are reset once all are in, so they show the steady state. Reports p50/p95/p99 per
page; goal: p95 < 200 ms.

    .venv/bin/python bench/web.py [--seconds 45] [--users 50]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import save
from darkrange.case import Store, add_user, bootstrap_admin, upgrade, use_hasher
from darkrange.train import start_course
from darkrange.world.generate import generate

HERE = Path(__file__).resolve().parent
PASSWORD = "bench password 1234"
PAGES = ("/course", "/course/{exercise}", "/trainer/scoreboard", "/trainer/progress")
GOAL_MS = 200.0


def setup(root: Path, trainees: int, trainers: int) -> tuple[str, Path]:
    """A case store with the accounts and a started course on one tiny world."""
    # sign-in is not what is measured: cheap hashes keep 50 sign-ins from swamping 2 cores
    use_hasher(PasswordHasher.from_parameters(CHEAPEST))
    store = Store.open(root / "cases.db")
    upgrade(store)
    with store.session() as session:
        bootstrap_admin(session, store.clock, "admin", PASSWORD)
    with store.acting("admin") as admin:
        for i in range(1, trainees + 1):
            add_user(admin, f"b{i:03d}", "trainee", PASSWORD)
        for i in range(1, trainers + 1):
            add_user(admin, f"r{i}", "trainer", PASSWORD)
    store.close()
    world = root / "world"
    generate(11, "tiny", world)
    agencies = ("security_service", "prosecutor", "customs")
    rows = [f"b{i:03d},Trainee {i},{agencies[i % 3]}" for i in range(1, trainees + 1)]
    (root / "class.csv").write_text("id,name,team\n" + "\n".join(rows) + "\n")
    course = start_course(root / "course", 10, root / "class.csv")
    (course.root / "worlds").mkdir()
    for seed in {10} | {t.seed for t in course.trainees()}:
        (course.root / "worlds" / str(seed)).symlink_to(world, target_is_directory=True)
    return store.url, course.root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(root: Path, url: str, course: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "darkrange.web", "--port", str(port), "--db", url]
    cmd += ["--secret-file", str(root / "web.secret"), "--course", str(course)]
    cmd += ["--workers", str(workers)]
    log = (root / f"web{workers}.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/login", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"the web app did not start; see {root}/web{workers}.log")


def load(
    base: str, root: Path, users: int, trainers: int, seconds: int, tag: str
) -> list[dict[str, Any]]:
    env = dict(os.environ)
    env |= {
        "BENCH_PASSWORD": PASSWORD,
        "BENCH_TRAINEES": str(users - trainers),
        "BENCH_TRAINERS": str(trainers),
    }
    prefix = root / tag
    cmd = [sys.executable, "-m", "locust", "-f", str(HERE / "_web_locust.py"), "--headless"]
    cmd += ["-u", str(users), "-r", "10", "-t", f"{seconds}s", "--host", base]
    cmd += ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--reset-stats"]
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def summarize(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    out = {}
    for row in rows:
        if row["Name"] in PAGES or row["Name"] in ("answer", "Aggregated"):
            out[row["Name"]] = {
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "rps": round(float(row["Requests/s"]), 1),
            }
    return out


def report(results: dict[str, dict[str, dict[str, float]]]) -> list[list[str]]:
    """p50/p95/p99 per page for 1 and 2 workers side by side, and the 2w/1w ratio of p95."""
    one, two = results["workers=1"], results["workers=2"]
    table = [["page", "p50 1w", "p95 1w", "p99 1w", "p95 2w", "req/s 1w", "p95 2w/1w", "goal 1w"]]
    for page in (*PAGES, "answer", "Aggregated"):
        a, b = one.get(page), two.get(page)
        if not a or not b:
            continue
        ratio = b["p95_ms"] / a["p95_ms"] if a["p95_ms"] else 0.0
        table.append(
            [
                page,
                f"{a['p50_ms']:.0f}",
                f"{a['p95_ms']:.0f}",
                f"{a['p99_ms']:.0f}",
                f"{b['p95_ms']:.0f}",
                f"{a['rps']}",
                f"{ratio:.2f}",
                "ok" if a["p95_ms"] < GOAL_MS else "over",
            ]
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--trainers", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="darkrange-web-bench-"))
    try:
        url, course = setup(root, args.users - args.trainers, args.trainers)
        results: dict[str, dict[str, dict[str, float]]] = {}
        for workers in (1, 2):
            proc, base = serve(root, url, course, workers)
            try:
                rows = load(base, root, args.users, args.trainers, args.seconds, f"w{workers}")
                results[f"workers={workers}"] = summarize(rows)
            finally:
                os.killpg(proc.pid, 15)
                proc.wait(30)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    data = {
        "users": args.users,
        "trainers": args.trainers,
        "seconds": args.seconds,
        "think_time_s": [0.5, 2.0],
        "goal_p95_ms": GOAL_MS,
        "load_generator": "locust (headless)",
        "results": results,
    }
    save("web", data, report(results))


if __name__ == "__main__":
    main()
