"""The trainer's live view: /trainer/progress, /trainer/trainees/{id} (answers, hints and the
trainee's case audit trail) and /trainer/scoreboard (per person and per team, with bars)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from darkrange.case import entries
from darkrange.errors import DarkrangeError, StateError
from darkrange.train import Course, Row
from darkrange.web._auth import Forbidden, WebUser, actor, require_roles
from darkrange.web._progress import CourseCache, answers_of, last_actions, states
from darkrange.web._render import render

router = APIRouter()
Trainer = Annotated[WebUser, Depends(require_roles("trainer"))]
IDLE_SECONDS = 15 * 60  # highlighted as late, KYPO-style
AUDIT_SHOWN = 500


def _course(request: Request) -> tuple[CourseCache, Course]:
    cache: CourseCache = request.app.state.courses
    course = cache.course()
    if course is None:
        raise StateError("no course is running: start one on /trainer")
    return cache, course


def ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


@dataclass(frozen=True)
class Live:
    row: Row
    where: str
    last: str
    idle: bool


def _live(cache: CourseCache, course: Course) -> list[Live]:
    now = time.time()
    actions = last_actions(course)
    rows = {r.name: r for r in cache.scoreboard(course, teams=False)}
    out = []
    for t in course.trainees():
        act = actions.get(t.id)
        if act is None:
            where, last, idle = "not started", "-", True
        else:
            verdict = "hint" if act.kind == "hint" else _verdict(act.credit)
            where = f"{act.exercise} / {act.question} ({verdict})"
            last, idle = ago(now - act.time), now - act.time > IDLE_SECONDS
        out.append(Live(rows[t.id], where, last, idle))
    return out


def _verdict(credit: float | None) -> str:
    if credit is None or credit <= 0:
        return "wrong"
    return "correct" if credit >= 1 - 1e-9 else f"partial {credit:.0%}"


@router.get("/trainer/progress", response_class=HTMLResponse)
def progress(request: Request, user: Trainer, fragment: bool = False) -> HTMLResponse:
    cache, course = _course(request)
    context = {"live": _live(cache, course), "teams": course.teams(), "fragment": fragment}
    template = "trainer/live.html" if fragment else "trainer/progress.html"
    return render(request, template, context)


@router.get("/trainer/trainees/{tid}", response_class=HTMLResponse)
def trainee(request: Request, tid: str, user: Trainer) -> HTMLResponse:
    cache, course = _course(request)
    try:
        who = course.trainee(tid)
    except DarkrangeError:
        raise Forbidden(f"no trainee {tid!r} in this course") from None
    per_exercise = []
    snap = cache.snapshot(course)
    for ex in course.exercises:
        st = states(snap, who, ex)
        if any(s.attempts or s.hints for s in st.values()):
            per_exercise.append((ex, st))
    # the trainee's case work, read through darkrange.case as the signed-in trainer
    with actor(request) as acting:
        trail = [e for e in entries(acting.session) if e.user == who.id][-AUDIT_SHOWN:]
        audit = [_audit_row(e) for e in trail]
    context: dict[str, Any] = {
        "trainee": who,
        "answers": answers_of(course, who),
        "per_exercise": per_exercise,
        "audit": audit,
        "teams": course.teams(),
        "when": lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)),
    }
    return render(request, "trainer/trainee.html", context)


def _audit_row(entry: Any) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "action": entry.action,
        "case": entry.case_id,
        "object": entry.object,
        "justification": entry.justification,
    }


def bars(rows: list[Row], width: int = 520, height: int = 22) -> dict[str, Any]:
    """Horizontal bars (SVG attributes only: the CSP allows no inline styles)."""
    top = max((r.total for r in rows), default=0.0) or 1.0
    items = [
        {
            "label": r.label,
            "total": r.total,
            "y": i * height,
            "w": round(width * max(r.total, 0.0) / top, 1),
        }
        for i, r in enumerate(rows)
    ]
    return {"items": items, "width": width, "height": height * max(len(rows), 1), "bar": height - 6}


@router.get("/trainer/scoreboard", response_class=HTMLResponse)
def board(request: Request, user: Trainer) -> HTMLResponse:
    cache, course = _course(request)
    people = cache.scoreboard(course, teams=False)
    teams = cache.scoreboard(course, teams=True)
    context = {
        "people": people,
        "teams_rows": teams,
        "people_bars": bars(people),
        "team_bars": bars(teams),
        "teams": course.teams(),
    }
    return render(request, "trainer/scoreboard.html", context)
