"""The course as the pages see it: what a trainee may open, their progress, the live view.

Built on darkrange.train's public API and a Snapshot of the course state (one read, the same
rules as train.question_state); snapshots and scoreboards are cached until the state changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from darkrange.train import (
    Course,
    Exercise,
    Level,
    Question,
    QuestionState,
    Row,
    Trainee,
    facts_for,
)
from darkrange.web._snapshot import Snapshot, boards, read


def owner(trainee: Trainee, q: Question) -> str:
    """Whose answers a question counts: the trainee's own, or their team's."""
    return f"team:{trainee.team}" if q.scope == "team" else f"trainee:{trainee.id}"


def visible_levels(ex: Exercise, trainee: Trainee) -> list[Level]:
    """The levels shown to this trainee (an interagency level may be for one agency only)."""
    return [lv for lv in ex.levels if not lv.audience or trainee.team in lv.audience]


def _level_done(snap: Snapshot, trainee: Trainee, ex: Exercise, level: str) -> bool:
    # the same rule the course uses: every question earned credit or ran out of attempts
    for lv in visible_levels(ex, trainee):
        if level and lv.id != level:
            continue
        for q in lv.questions:
            st = snap.state(owner(trainee, q), ex, q)
            if st.best <= 0 and not st.locked:
                return False
    return True


def missing_prerequisites(
    course: Course, snap: Snapshot, trainee: Trainee, ex: Exercise
) -> list[str]:
    by_id = {e.id: e for e in course.exercises}
    missing = []
    for pre in ex.prerequisites:
        eid, _, lid = pre.partition(".")
        if eid in by_id and not _level_done(snap, trainee, by_id[eid], lid):
            missing.append(pre)
    return missing


@dataclass(frozen=True)
class Summary:
    ex: Exercise
    missing: list[str]
    points: float
    max_points: float
    solved: int
    questions: int

    @property
    def open(self) -> bool:
        return not self.missing


def summary(course: Course, snap: Snapshot, trainee: Trainee, ex: Exercise) -> Summary:
    points = max_points = 0.0
    solved = total = 0
    for lv in visible_levels(ex, trainee):
        for q in lv.questions:
            st = snap.state(owner(trainee, q), ex, q)
            points += st.score
            max_points += q.points
            solved += st.solved
            total += 1
    missing = missing_prerequisites(course, snap, trainee, ex)
    return Summary(ex, missing, round(points, 2), max_points, solved, total)


def states(snap: Snapshot, trainee: Trainee, ex: Exercise) -> dict[str, QuestionState]:
    return {
        q.id: snap.state(owner(trainee, q), ex, q)
        for lv in visible_levels(ex, trainee)
        for q in lv.questions
    }


@dataclass(frozen=True)
class Action:
    """A trainee's latest step: an answer or a hint."""

    time: float
    kind: str  # answer or hint
    exercise: str
    question: str
    credit: float | None


def last_actions(course: Course) -> dict[str, Action]:
    """Each trainee's latest answer or hint (read only from the course state)."""
    out: dict[str, Action] = {}
    with course.db() as con:
        rows = con.execute(
            "SELECT trainee, time, 'answer', exercise, question, credit FROM submissions"
            " UNION ALL SELECT trainee, time, 'hint', exercise, question, NULL FROM hints"
            " ORDER BY 2"
        ).fetchall()
    for tid, when, kind, eid, qid, got in rows:
        out[tid] = Action(float(when), kind, eid, qid, None if got is None else float(got))
    return out


@dataclass(frozen=True)
class Submission:
    time: float
    exercise: str
    question: str
    answer: str
    credit: float
    by: str


def answers_of(course: Course, trainee: Trainee) -> list[Submission]:
    """Every answer that counts for this trainee: their own and their team's (for trainers)."""
    with course.db() as con:
        rows = con.execute(
            "SELECT time, exercise, question, answer, credit, trainee FROM submissions"
            " WHERE owner IN (?, ?) ORDER BY n",
            (f"trainee:{trainee.id}", f"team:{trainee.team}"),
        ).fetchall()
    return [Submission(float(r[0]), r[1], r[2], r[3], float(r[4]), r[5]) for r in rows]


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


def _version(course: Course) -> tuple[object, ...]:
    """Changes whenever an answer, a hint or a compliance score is recorded (append-only)."""
    with course.db() as con:
        row = con.execute(
            "SELECT (SELECT max(n) FROM submissions), (SELECT count(*) FROM hints),"
            " (SELECT max(time) FROM compliance), (SELECT count(*) FROM compliance)"
        ).fetchone()
    return tuple(row)


class CourseCache:
    """The open course, its state snapshot, scoreboards and each variant's facts."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._course: tuple[tuple[int, int], Course] | None = None
        self._snap: tuple[tuple[object, ...], Snapshot] | None = None
        self._boards: tuple[tuple[object, ...], tuple[list[Row], list[Row]]] | None = None
        self._facts: dict[tuple[Path, int, str], dict[str, Any]] = {}

    def course(self) -> Course | None:
        """The course, or None when none is configured or started yet."""
        if self.root is None:
            return None
        stamp = _stamp(self.root / "course.json")
        if stamp == (0, 0):
            return None
        with self._lock:
            if self._course is None or self._course[0] != stamp:
                self._course = (stamp, Course(self.root))
                self._snap = None
                self._boards = None
            return self._course[1]

    def snapshot(self, course: Course) -> Snapshot:
        """The course state now (re-read only when something was recorded since)."""
        version = _version(course)
        cached = self._snap
        if cached is not None and cached[0] == version:
            return cached[1]
        snap = read(course)
        self._snap = (version, snap)
        return snap

    def scoreboard(self, course: Course, teams: bool) -> list[Row]:
        version = _version(course)
        cached = self._boards
        if cached is None or cached[0] != version:
            cached = (version, boards(course, self.snapshot(course)))
            self._boards = cached
        return cached[1][1] if teams else cached[1][0]

    def facts(self, course: Course, trainee: Trainee, ex: Exercise) -> dict[str, Any]:
        """The trainee's own facts of an exercise (from their variant world)."""
        key = (course.root, course.seed_for(trainee, ex), ex.id)
        if key not in self._facts:
            self._facts[key] = facts_for(course, trainee, ex)
        return self._facts[key]
