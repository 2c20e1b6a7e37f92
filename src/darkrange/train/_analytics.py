"""Instructor analytics (after KYPO's): per exercise and question, who started and solved,
how long solving took, wrong answers and hints; per trainee a timeline of events.

Read from the course state only (submissions, hints, compliance). Wrong answers' texts are for
the trainer's eyes: a trainee page must never show `common_wrong` or a timeline's `answer`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

from darkrange.train._schema import Exercise, Question
from darkrange.train._state import Course, Trainee

__all__ = ["Analytics", "Event", "ExerciseStats", "QuestionStats", "analytics"]

SOLVED = 1.0 - 1e-9
TOP_WRONG = 3


@dataclass(frozen=True)
class Event:
    """One thing a trainee did, in time order on their timeline."""

    time: float  # Unix seconds
    kind: str  # "submit", "hint" or "compliance"
    exercise: str  # "" for compliance
    question: str  # "" for compliance
    credit: float | None  # submit: 0..1; compliance: the score 0..100
    cost: float | None  # hint: points it cost
    answer: str  # submit: the text given (trainer only); else ""


@dataclass(frozen=True)
class QuestionStats:
    exercise: str
    question: str
    points: float
    scope: str  # "trainee" or "team": team questions count teams, not trainees
    started: int  # owners (trainees or teams) who submitted or took a hint
    solved: int  # owners with full credit
    median_solve_s: float | None  # first event on the exercise -> full credit, median
    attempts: int  # submissions
    wrong: int  # submissions that earned nothing
    partial: int  # submissions with some but not full credit
    hints: int  # hints taken
    common_wrong: list[tuple[str, int]]  # most frequent wrong answers (trainer only)


@dataclass(frozen=True)
class ExerciseStats:
    exercise: str
    title: str
    day: int
    started: int  # trainees with any submission or hint on it (their own or for their team)
    solved: int  # trainees with every question open to them at full credit
    median_solve_s: float | None  # a trainee's first event -> last solving submission
    wrong: int
    hints: int
    questions: list[QuestionStats]


@dataclass(frozen=True)
class Analytics:
    """What `analytics(course)` returns: `exercises` in course order, `timelines` by trainee
    id (every trainee, possibly empty, events in time order); `to_dict()` is JSON-ready."""

    exercises: list[ExerciseStats]
    timelines: dict[str, list[Event]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(json.dumps(asdict(self)))
        return data


def _load(course: Course) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[Any]]:
    with course.db() as con:
        subs = con.execute(
            "SELECT owner, trainee, exercise, question, answer, credit, time FROM submissions"
            " ORDER BY time, n"
        ).fetchall()
        hints = con.execute(
            "SELECT owner, trainee, exercise, question, n, cost, time FROM hints ORDER BY time"
        ).fetchall()
        comp = con.execute("SELECT trainee, score, time FROM compliance").fetchall()
    return subs, hints, comp


def _normal(answer: str) -> str:
    return " ".join(answer.split()).casefold()


def _owner_of(trainee: Trainee, q: Question) -> str:
    return f"team:{trainee.team}" if q.scope == "team" else f"trainee:{trainee.id}"


class _Index:
    """Submissions and hints grouped by exercise and owner, with first-event times."""

    def __init__(self, subs: list[tuple[Any, ...]], hints: list[tuple[Any, ...]]) -> None:
        self.subs: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
        self.hints: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
        self.first: dict[tuple[str, str], float] = {}  # (exercise, owner) -> first event
        self.touched: dict[str, set[str]] = defaultdict(set)  # exercise -> trainee ids
        for row in subs:
            self.subs[(row[2], row[3])].append(row)
            self._seen(row[2], row[0], row[1], float(row[6]))
        for row in hints:
            self.hints[(row[2], row[3])].append(row)
            self._seen(row[2], row[0], row[1], float(row[6]))

    def _seen(self, eid: str, owner: str, tid: str, t: float) -> None:
        key = (eid, owner)
        self.first[key] = min(t, self.first.get(key, t))
        self.touched[eid].add(tid)

    def solved_at(self, eid: str, qid: str, owner: str) -> float | None:
        times = [float(r[6]) for r in self.subs[(eid, qid)] if r[0] == owner and r[5] >= SOLVED]
        return min(times, default=None)


def _question(ex: Exercise, q: Question, idx: _Index) -> QuestionStats:
    subs, hints = idx.subs[(ex.id, q.id)], idx.hints[(ex.id, q.id)]
    owners = {r[0] for r in subs} | {r[0] for r in hints}
    times = []
    for owner in owners:
        done = idx.solved_at(ex.id, q.id, owner)
        if done is not None:
            times.append(done - idx.first[(ex.id, owner)])
    wrong = Counter(_normal(str(r[4])) for r in subs if r[5] <= 0)
    return QuestionStats(
        exercise=ex.id,
        question=q.id,
        points=q.points,
        scope=q.scope,
        started=len(owners),
        solved=len(times),
        median_solve_s=round(median(times), 1) if times else None,
        attempts=len(subs),
        wrong=sum(wrong.values()),
        partial=sum(1 for r in subs if 0 < r[5] < SOLVED),
        hints=len(hints),
        common_wrong=sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_WRONG],
    )


def _trainee_solve(ex: Exercise, t: Trainee, idx: _Index) -> float | None:
    """Seconds from the trainee's first event on `ex` to solving its last open question."""
    done: list[float] = []
    starts: list[float] = []
    for level in ex.levels:
        if level.audience and t.team not in level.audience:
            continue
        for q in level.questions:
            owner = _owner_of(t, q)
            at = idx.solved_at(ex.id, q.id, owner)
            if at is None:
                return None
            done.append(at)
            starts.append(idx.first[(ex.id, owner)])
    return max(done) - min(starts) if done else None


def _timelines(
    course: Course, subs: list[tuple[Any, ...]], hints: list[tuple[Any, ...]], comp: list[Any]
) -> dict[str, list[Event]]:
    lines: dict[str, list[Event]] = {t.id: [] for t in course.trainees()}
    for _owner, tid, eid, qid, answer, got, t in subs:
        lines.setdefault(tid, []).append(
            Event(float(t), "submit", eid, qid, float(got), None, str(answer))
        )
    for _owner, tid, eid, qid, _n, cost, t in hints:
        lines.setdefault(tid, []).append(Event(float(t), "hint", eid, qid, None, float(cost), ""))
    for tid, score, t in comp:
        lines.setdefault(tid, []).append(
            Event(float(t), "compliance", "", "", float(score), None, "")
        )
    return {tid: sorted(events, key=lambda e: e.time) for tid, events in lines.items()}


def analytics(course: Course) -> Analytics:
    """Instructor analytics of a course; see `Analytics`, `ExerciseStats`, `QuestionStats` and
    `Event` for every field. Counts are of trainees per exercise and of owners (a trainee, or a
    team for team questions) per question; times are seconds; nothing is scored again."""
    subs, hints, comp = _load(course)
    idx = _Index(subs, hints)
    trainees = course.trainees()
    out = []
    for ex in course.exercises:
        questions = [_question(ex, q, idx) for q in ex.questions()]
        times = [s for t in trainees if (s := _trainee_solve(ex, t, idx)) is not None]
        out.append(
            ExerciseStats(
                exercise=ex.id,
                title=ex.title,
                day=ex.day,
                started=len(idx.touched[ex.id]),
                solved=len(times),
                median_solve_s=round(median(times), 1) if times else None,
                wrong=sum(q.wrong for q in questions),
                hints=sum(q.hints for q in questions),
                questions=questions,
            )
        )
    return Analytics(out, _timelines(course, subs, hints, comp))
