"""The trainee's pages: /course (exercises they can open, their score), an exercise's briefs
and questions with answers and hints. A trainee only ever sees their own variant and their own
(and their team's) state: never truth, answers or another trainee's work."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from darkrange.errors import DarkrangeError
from darkrange.train import Course, Exercise, Question, Trainee, find_exercise, render_brief
from darkrange.train import submit as submit_answer
from darkrange.train import take_hint as take_train_hint
from darkrange.web._auth import Forbidden, WebUser, require_roles
from darkrange.web._markdown import markdown
from darkrange.web._progress import (
    CourseCache,
    missing_prerequisites,
    owner,
    states,
    summary,
    visible_levels,
)
from darkrange.web._render import render
from darkrange.web._snapshot import Snapshot

router = APIRouter()
Trainee_ = Annotated[WebUser, Depends(require_roles("trainee"))]


def courses(request: Request) -> CourseCache:
    cache: CourseCache = request.app.state.courses
    return cache


def _mine(request: Request, user: WebUser) -> tuple[Course, Trainee]:
    """The running course and the signed-in trainee in it (same user name)."""
    course = courses(request).course()
    if course is None:
        raise Forbidden("no course is running yet: your trainer starts it")
    try:
        return course, course.trainee(user.username)
    except DarkrangeError:
        raise Forbidden(f"{user.username} is not a trainee of the running course") from None


def _exercise(course: Course, snap: Snapshot, trainee: Trainee, eid: str) -> Exercise:
    try:
        ex = find_exercise(course.exercises, eid)
    except DarkrangeError:
        raise Forbidden(f"no exercise {eid!r} in this course") from None
    missing = missing_prerequisites(course, snap, trainee, ex)
    if missing:
        raise Forbidden(f"{ex.id} opens after {', '.join(missing)} is done")
    return ex


def _question(ex: Exercise, trainee: Trainee, qid: str) -> Question:
    for lv in visible_levels(ex, trainee):
        for q in lv.questions:
            if q.id == qid:
                return q
    raise Forbidden(f"no question {qid!r} in {ex.id} for you")


def _attempts_left(ex: Exercise, q: Question, attempts: int) -> int | None:
    limit = q.max_attempts if q.max_attempts is not None else ex.max_attempts
    return None if limit is None else max(0, limit - attempts)


@router.get("/course", response_class=HTMLResponse)
def course_page(request: Request, user: Trainee_) -> HTMLResponse:
    course, trainee = _mine(request, user)
    snap = courses(request).snapshot(course)
    rows = [summary(course, snap, trainee, ex) for ex in course.exercises]
    total = round(sum(r.points for r in rows), 2)
    context = {"trainee": trainee, "rows": rows, "total": total, "teams": course.teams()}
    return render(request, "course/index.html", context)


def _question_view(
    course: Course, trainee: Trainee, ex: Exercise, q: Question, facts: dict[str, Any], st: Any
) -> dict[str, Any]:
    taken = q.hints[: st.hints]
    following = q.hints[st.hints] if st.hints < len(q.hints) else None
    return {
        "q": q,
        "text": markdown(render_brief(q.text, facts)),
        "state": st,
        "left": _attempts_left(ex, q, st.attempts),
        "hints": [h.text for h in taken],
        "next_hint": following,
        "next_hint_n": st.hints + 1,
        "team": q.scope == "team",
        "owner": owner(trainee, q),
    }


@router.get("/course/{eid}", response_class=HTMLResponse)
def exercise_page(request: Request, eid: str, user: Trainee_) -> HTMLResponse:
    course, trainee = _mine(request, user)
    snap = courses(request).snapshot(course)
    ex = _exercise(course, snap, trainee, eid)
    facts = courses(request).facts(course, trainee, ex)
    st = states(snap, trainee, ex)
    levels = [
        {
            "level": lv,
            "brief": markdown(render_brief(lv.brief, facts)) if lv.brief else "",
            "questions": [
                _question_view(course, trainee, ex, q, facts, st[q.id]) for q in lv.questions
            ],
        }
        for lv in visible_levels(ex, trainee)
    ]
    feedback = request.session.pop("feedback", None)
    context = {"ex": ex, "levels": levels, "feedback": feedback, "trainee": trainee}
    return render(request, "course/exercise.html", context)


@router.post("/course/{eid}/{qid}/answer")
def answer(
    request: Request, eid: str, qid: str, user: Trainee_, answer: str = Form("")
) -> RedirectResponse:
    course, trainee = _mine(request, user)
    ex = _exercise(course, courses(request).snapshot(course), trainee, eid)
    q = _question(ex, trainee, qid)
    try:
        result = submit_answer(course, trainee.id, ex.id, q.id, answer)
    except DarkrangeError as exc:
        feedback: dict[str, Any] = {"q": q.id, "kind": "error", "message": str(exc), "left": None}
    else:
        kind = "correct" if result.state.solved else ("partial" if result.credit > 0 else "wrong")
        left = _attempts_left(ex, q, result.state.attempts)
        feedback = {"q": q.id, "kind": kind, "message": result.message, "left": left}
    request.session["feedback"] = feedback
    return RedirectResponse(f"/course/{ex.id}#q-{q.id}", status_code=303)


@router.get("/course/{eid}/{qid}/hint", response_class=HTMLResponse)
def hint_page(request: Request, eid: str, qid: str, user: Trainee_) -> HTMLResponse:
    """The next hint's cost, before it is paid for."""
    course, trainee = _mine(request, user)
    ex = _exercise(course, courses(request).snapshot(course), trainee, eid)
    q = _question(ex, trainee, qid)
    n, cost, _ = take_train_hint(course, trainee.id, ex.id, q.id, confirm=False)
    context = {"ex": ex, "q": q, "n": n, "cost": cost, "of": len(q.hints)}
    return render(request, "course/hint.html", context)


@router.post("/course/{eid}/{qid}/hint")
def hint(request: Request, eid: str, qid: str, user: Trainee_) -> RedirectResponse:
    course, trainee = _mine(request, user)
    ex = _exercise(course, courses(request).snapshot(course), trainee, eid)
    q = _question(ex, trainee, qid)
    n, cost, _ = take_train_hint(course, trainee.id, ex.id, q.id, confirm=True)
    request.session["feedback"] = {
        "q": q.id,
        "kind": "hint",
        "message": f"hint {n} taken ({cost:g} points)",
        "left": None,
    }
    return RedirectResponse(f"/course/{ex.id}#q-{q.id}", status_code=303)
