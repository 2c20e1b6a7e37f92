"""The trainer's analytics (KYPO-style): per exercise and question, who started and solved it,
how long it took, wrong answers, hints and the most common wrong answers, as a table and bars.

Common wrong answers show what trainees misunderstand; they are trainer-only, like every page
under /trainer (a trainee gets 403 before anything is computed).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from darkrange.errors import StateError
from darkrange.train import Course, analytics
from darkrange.web._auth import WebUser, require_roles
from darkrange.web._render import render

router = APIRouter()
Trainer = Annotated[WebUser, Depends(require_roles("trainer"))]


def _course(request: Request) -> Course:
    course: Course | None = request.app.state.courses.course()
    if course is None:
        raise StateError("no course is running: start one on /trainer")
    return course


def minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f} min"


def solve_bars(exercises: list[Any], width: int = 520, height: int = 22) -> dict[str, Any]:
    """Started vs solved per exercise as SVG bar geometry (no chart library needed)."""
    top = max((e.started for e in exercises), default=0) or 1
    items = [
        {
            "label": e.exercise,
            "y": i * height,
            "started": round(width * e.started / top),
            "solved": round(width * e.solved / top),
            "text": f"{e.solved}/{e.started}",
        }
        for i, e in enumerate(exercises)
    ]
    return {"items": items, "width": width, "height": height * max(len(items), 1)}


@router.get("/trainer/analytics", response_class=HTMLResponse)
def analytics_page(request: Request, user: Trainer) -> HTMLResponse:
    found = analytics(_course(request))
    context = {
        "exercises": found.exercises,
        "bars": solve_bars(found.exercises),
        "minutes": minutes,
    }
    return render(request, "trainer/analytics.html", context)


@router.get("/trainer/analytics.json")
def analytics_json(request: Request, user: Trainer) -> JSONResponse:
    return JSONResponse(analytics(_course(request)).to_dict())
