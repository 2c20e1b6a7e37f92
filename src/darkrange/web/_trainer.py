"""The trainer's control pages: /trainer (range up/down/advance in the background, course
start for a list of trainee accounts, world generation) - trainers only."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from darkrange.case._schema_case import User
from darkrange.errors import InputError, StateError
from darkrange.network import range_advance, range_down, range_status, range_up
from darkrange.train import start_course
from darkrange.web._auth import WebUser, get_config, get_store, require_roles
from darkrange.web._jobs import Job, Jobs
from darkrange.web._progress import CourseCache
from darkrange.web._render import render

router = APIRouter()
Trainer = Annotated[WebUser, Depends(require_roles("trainer"))]
SIZES = ("tiny", "small", "demo")


def jobs(request: Request) -> Jobs:
    found: Jobs = request.app.state.jobs
    return found


def _world(request: Request) -> Path:
    world = get_config(request).world
    if world is None:
        raise StateError("no world is configured: start the web app with --world DIR")
    return world


def trainee_accounts(request: Request) -> list[str]:
    """User names of the active trainee accounts (the people a course can be started for)."""
    with get_store(request).session() as session:
        rows = session.execute(
            select(User.username)
            .where(User.role == "trainee", User.active.is_(True))
            .order_by(User.username)
        )
        return [r[0] for r in rows]


@router.get("/trainer", response_class=HTMLResponse)
def dashboard(request: Request, user: Trainer) -> HTMLResponse:
    config = get_config(request)
    state = None
    if config.world is not None and config.world.is_dir():
        state, _ = range_status(config.world, probe_sites=False)
    cache: CourseCache = request.app.state.courses
    course = cache.course()
    accounts = trainee_accounts(request)
    context = {
        "config": config,
        "range": state,
        "jobs": jobs(request).all(),
        "course": course,
        "trainees": course.trainees() if course else [],
        "accounts": accounts,
        "sample": "\n".join(f"{name}, {name}, team" for name in accounts),
        "sizes": SIZES,
    }
    return render(request, "trainer/index.html", context)


def _back() -> RedirectResponse:
    return RedirectResponse("/trainer", status_code=303)


@router.post("/trainer/range/up")
def up(request: Request, user: Trainer, transport: str = Form("direct")) -> RedirectResponse:
    world = _world(request)
    if transport not in ("direct", "tor"):
        raise InputError("transport must be direct or tor")

    def work(job: Job) -> str:
        state = range_up(world, transport=transport, progress=lambda msg: _say(job, msg))
        return f"ready: {len(state.sites)} sites, SOCKS {state.socks}"

    jobs(request).start("range", f"range up ({transport})", work)
    return _back()


def _say(job: Job, message: str) -> None:
    job.message = message


@router.post("/trainer/range/down")
def down(request: Request, user: Trainer) -> RedirectResponse:
    world = _world(request)
    jobs(request).start(
        "range",
        "range down",
        lambda job: "stopped" if range_down(world) else "no range was running",
    )
    return _back()


@router.post("/trainer/range/advance")
def advance(request: Request, user: Trainer, days: int = Form(1)) -> RedirectResponse:
    world = _world(request)
    if not 1 <= days <= 365:
        raise InputError("advance the clock by 1 to 365 days")
    jobs(request).start(
        "clock", f"advance {days} day(s)", lambda job: f"world day {range_advance(world, days)}"
    )
    return _back()


def _trainee_file(text: str, accounts: list[str], folder: Path) -> Path:
    """The trainer's lines (id, name, team) as a CSV file start_course reads."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError("list at least one trainee: one line each, `user name, full name, team`")
    rows = []
    for n, line in enumerate(lines, 1):
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 3 or not all(parts):
            raise InputError(f"line {n}: expected `user name, full name, team`, got {line!r}")
        if parts[0] not in accounts:
            raise InputError(f"line {n}: {parts[0]!r} is not a trainee account (an admin adds it)")
        if any(c in p for p in parts for c in '"\n'):
            raise InputError(f"line {n}: no quotes in names")
        rows.append(",".join(parts))
    path = folder / "trainees.csv"
    path.write_text("id,name,team\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@router.post("/trainer/course/start")
def course_start(
    request: Request,
    user: Trainer,
    trainees: str = Form(""),
    seed: int = Form(7),
    size: str = Form("tiny"),
    generate: bool = Form(False),
) -> RedirectResponse:
    config = get_config(request)
    if config.course is None:
        raise StateError("no course folder is configured: start the web app with --course DIR")
    if size not in SIZES:
        raise InputError(f"size must be one of {', '.join(SIZES)}")
    with tempfile.TemporaryDirectory() as tmp:
        spec = _trainee_file(trainees, trainee_accounts(request), Path(tmp))
        course = start_course(config.course, seed, spec, size=size)
    if generate:

        def work(job: Job) -> str:
            seeds = sorted({course.world_seed} | {t.seed for t in course.trainees()})
            for i, one in enumerate(seeds, 1):
                job.message = f"world {i} of {len(seeds)} (seed {one})"
                course.world(one)
            return f"{len(seeds)} worlds ready"

        jobs(request).start("worlds", "generate the course worlds", work)
    return _back()
