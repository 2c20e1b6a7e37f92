"""Playing a course: submissions, hints, prerequisites and scores."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from darkrange.errors import InputError, StateError
from darkrange.train._compliance import Compliance
from darkrange.train._course import find_exercise, resolve_answer, resolve_facts
from darkrange.train._schema import Exercise, Question
from darkrange.train._scoring import credit
from darkrange.train._state import Course, Progress, Trainee

__all__ = [
    "QuestionState",
    "Result",
    "Row",
    "facts_for",
    "hints_taken",
    "question_state",
    "record_compliance",
    "scoreboard",
    "submit",
    "take_hint",
]


@dataclass(frozen=True)
class QuestionState:
    attempts: int
    wrong: int  # submissions that earned nothing (the penalty counts these)
    best: float  # best credit so far, 0..1
    hints: int
    hint_cost: float
    solved: bool
    locked: bool  # no attempts left
    score: float


@dataclass(frozen=True)
class Result:
    credit: float
    state: QuestionState
    message: str


def _owner(trainee: Trainee, q: Question) -> str:
    return f"team:{trainee.team}" if q.scope == "team" else f"trainee:{trainee.id}"


def _limits(ex: Exercise, q: Question) -> tuple[int | None, float]:
    attempts = q.max_attempts if q.max_attempts is not None else ex.max_attempts
    penalty = q.wrong_penalty if q.wrong_penalty is not None else ex.wrong_penalty
    return attempts, penalty


def question_state(course: Course, owner: str, ex: Exercise, q: Question) -> QuestionState:
    with course.db() as con:
        credits = [
            float(r[0])
            for r in con.execute(
                "SELECT credit FROM submissions WHERE owner=? AND exercise=? AND question=?"
                " ORDER BY n",
                (owner, ex.id, q.id),
            )
        ]
        costs = [
            float(r[0])
            for r in con.execute(
                "SELECT cost FROM hints WHERE owner=? AND exercise=? AND question=?",
                (owner, ex.id, q.id),
            )
        ]
    max_attempts, penalty = _limits(ex, q)
    best = max(credits, default=0.0)
    wrong = sum(1 for c in credits if c <= 0)
    score = max(0.0, q.points * best - sum(costs) - penalty * wrong)
    return QuestionState(
        attempts=len(credits),
        wrong=wrong,
        best=best,
        hints=len(costs),
        hint_cost=sum(costs),
        solved=best >= 1.0 - 1e-9,
        locked=max_attempts is not None and len(credits) >= max_attempts and best < 1.0 - 1e-9,
        score=round(score, 2),
    )


def _done(course: Course, trainee: Trainee, ex: Exercise, level: str) -> bool:
    """A prerequisite is met when each of its questions earned credit or ran out of attempts."""
    for lv in ex.levels:
        if level and lv.id != level:
            continue
        for q in lv.questions:
            if lv.audience and trainee.team not in lv.audience:
                continue
            st = question_state(course, _owner(trainee, q), ex, q)
            if st.best <= 0 and not st.locked:
                return False
    return True


def _check_open(course: Course, trainee: Trainee, ex: Exercise, q: Question) -> None:
    level = ex.level_of(q.id)
    if level.audience and trainee.team not in level.audience:
        raise StateError(f"level {level.id} of {ex.id} is for {', '.join(level.audience)} only")
    for pre in ex.prerequisites:
        eid, _, lid = pre.partition(".")
        if not _done(course, trainee, find_exercise(course.exercises, eid), lid):
            raise StateError(f"{ex.id} opens after {pre} is done")


def facts_for(
    course: Course, trainee: Trainee, ex: Exercise, progress: Progress | None = None
) -> dict[str, Any]:
    world = course.world(course.seed_for(trainee, ex), progress)
    return resolve_facts(ex, world)


def submit(
    course: Course,
    tid: str,
    eid: str,
    qid: str,
    answer: str,
    now: float | None = None,
    progress: Progress | None = None,
) -> Result:
    """Score one answer and record it; refused when locked, solved or not yet open."""
    trainee = course.trainee(tid)
    ex = find_exercise(course.exercises, eid)
    q = ex.question(qid)
    if not answer.strip():
        raise InputError("the answer is empty")
    _check_open(course, trainee, ex, q)
    owner = _owner(trainee, q)
    before = question_state(course, owner, ex, q)
    if before.solved:
        raise StateError(f"{eid}/{qid} is already solved")
    if before.locked:
        raise StateError(f"{eid}/{qid}: no attempts left")
    world = course.world(course.seed_for(trainee, ex), progress)
    truth = resolve_answer(ex, qid, world, resolve_facts(ex, world))
    got = credit(q.answer, truth, answer)
    with course.db(write=True) as con:
        # re-checked inside the transaction: two submissions at once cannot both pass the limit
        n = con.execute(
            "SELECT count(*) FROM submissions WHERE owner=? AND exercise=? AND question=?",
            (owner, eid, qid),
        ).fetchone()[0]
        limit, _ = _limits(ex, q)
        if limit is not None and n >= limit:
            raise StateError(f"{eid}/{qid}: no attempts left")
        con.execute(
            "INSERT INTO submissions (owner, trainee, exercise, question, answer, credit, time)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (owner, tid, eid, qid, answer.strip(), got, time.time() if now is None else now),
        )
    after = question_state(course, owner, ex, q)
    if got >= 1.0 - 1e-9:
        message = "correct"
    elif got > 0:
        message = f"partly right ({got:.0%})"
    else:
        message = "wrong"
    return Result(got, after, message)


def take_hint(
    course: Course, tid: str, eid: str, qid: str, confirm: bool, now: float | None = None
) -> tuple[int, float, str | None]:
    """The next hint: (number, cost, text); the text only when confirm=True (then it is paid)."""
    trainee = course.trainee(tid)
    ex = find_exercise(course.exercises, eid)
    q = ex.question(qid)
    _check_open(course, trainee, ex, q)
    owner = _owner(trainee, q)
    taken = question_state(course, owner, ex, q).hints
    if taken >= len(q.hints):
        raise StateError(f"{eid}/{qid} has no more hints ({len(q.hints)} taken)")
    hint = q.hints[taken]
    if not confirm:
        return taken + 1, hint.cost, None
    with course.db(write=True) as con:
        con.execute(
            "INSERT OR IGNORE INTO hints VALUES (?, ?, ?, ?, ?, ?, ?)",
            (owner, tid, eid, qid, taken + 1, hint.cost, time.time() if now is None else now),
        )
    return taken + 1, hint.cost, hint.text


def hints_taken(course: Course, trainee: Trainee, ex: Exercise, q: Question) -> list[str]:
    n = question_state(course, _owner(trainee, q), ex, q).hints
    return [h.text for h in q.hints[:n]]


def record_compliance(course: Course, tid: str, result: Compliance) -> None:
    course.trainee(tid)
    violations = [v.__dict__ for v in result.violations]
    with course.db(write=True) as con:
        con.execute(
            "INSERT OR REPLACE INTO compliance VALUES (?, ?, ?, ?, ?)",
            (tid, result.score, result.checks, json.dumps(violations), time.time()),
        )


@dataclass(frozen=True)
class Row:
    name: str  # trainee or team id
    label: str
    team: str
    own: float  # points from the trainee's own questions (a team: its members' average)
    team_points: float  # points from team questions
    solved: int
    hints: int
    wrong: int
    compliance: float | None

    @property
    def total(self) -> float:
        return round(self.own + self.team_points, 2)


def _tally(
    course: Course, owner: str, team_scope: bool, team: str = ""
) -> tuple[float, int, int, int]:
    points = 0.0
    solved = hints = wrong = 0
    for ex in course.exercises:
        for lv in ex.levels:
            if team and lv.audience and team not in lv.audience:
                continue
            for q in lv.questions:
                if (q.scope == "team") != team_scope:
                    continue
                st = question_state(course, owner, ex, q)
                points += st.score
                solved += st.solved
                hints += st.hints
                wrong += st.wrong
    return points, solved, hints, wrong


def scoreboard(course: Course, teams: bool = False) -> list[Row]:
    """Rows per trainee (own questions plus their team's), or per team; best first."""
    with course.db() as con:
        comp = {r[0]: float(r[1]) for r in con.execute("SELECT trainee, score FROM compliance")}
    people = course.trainees()
    team_tally = {t: _tally(course, f"team:{t}", True, t) for t in {p.team for p in people}}
    rows: list[Row] = []
    per_person: dict[str, tuple[float, int, int, int]] = {}
    for p in people:
        own = _tally(course, f"trainee:{p.id}", False)
        per_person[p.id] = own
        tp = team_tally[p.team]
        rows.append(
            Row(
                p.id,
                p.name,
                p.team,
                round(own[0], 2),
                round(tp[0], 2),
                own[1] + tp[1],
                own[2] + tp[2],
                own[3] + tp[3],
                comp.get(p.id),
            )
        )
    if teams:
        rows = []
        for team, name in course.teams().items():
            members = [p for p in people if p.team == team]
            own_avg = sum(per_person[m.id][0] for m in members) / max(len(members), 1)
            scores = [comp[m.id] for m in members if m.id in comp]
            tp = team_tally.get(team, (0.0, 0, 0, 0))
            rows.append(
                Row(
                    team,
                    name,
                    team,
                    round(own_avg, 2),
                    round(tp[0], 2),
                    sum(per_person[m.id][1] for m in members) + tp[1],
                    sum(per_person[m.id][2] for m in members) + tp[2],
                    sum(per_person[m.id][3] for m in members) + tp[3],
                    round(sum(scores) / len(scores), 1) if scores else None,
                )
            )
    return sorted(rows, key=lambda r: (-r.total, r.name))
