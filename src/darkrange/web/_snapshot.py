"""The whole course state in one read, for pages that show many questions at once.

darkrange.train answers one question per database round trip (`question_state`), which is
right for the CLI but makes a scoreboard of 45 trainees thousands of round trips. A Snapshot
reads every submission and hint once and applies the same rules (the tests compare it with
`question_state` and `scoreboard` on the same course); it is cached until the state changes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from darkrange.train import Course, Exercise, Question, QuestionState, Row

_SOLVED = 1.0 - 1e-9
Key = tuple[str, str, str]  # owner, exercise, question


@dataclass
class Snapshot:
    credits: dict[Key, list[float]] = field(default_factory=lambda: defaultdict(list))
    costs: dict[Key, list[float]] = field(default_factory=lambda: defaultdict(list))
    compliance: dict[str, float] = field(default_factory=dict)

    def state(self, owner: str, ex: Exercise, q: Question) -> QuestionState:
        """What train.question_state answers, from memory."""
        key = (owner, ex.id, q.id)
        credits = self.credits.get(key, [])
        costs = self.costs.get(key, [])
        limit = q.max_attempts if q.max_attempts is not None else ex.max_attempts
        penalty = q.wrong_penalty if q.wrong_penalty is not None else ex.wrong_penalty
        best = max(credits, default=0.0)
        wrong = sum(1 for c in credits if c <= 0)
        score = max(0.0, q.points * best - sum(costs) - penalty * wrong)
        return QuestionState(
            attempts=len(credits),
            wrong=wrong,
            best=best,
            hints=len(costs),
            hint_cost=sum(costs),
            solved=best >= _SOLVED,
            locked=limit is not None and len(credits) >= limit and best < _SOLVED,
            score=round(score, 2),
        )


def read(course: Course) -> Snapshot:
    snap = Snapshot()
    with course.db() as con:
        for owner, eid, qid, got in con.execute(
            "SELECT owner, exercise, question, credit FROM submissions ORDER BY n"
        ):
            snap.credits[(owner, eid, qid)].append(float(got))
        for owner, eid, qid, cost in con.execute(
            "SELECT owner, exercise, question, cost FROM hints"
        ):
            snap.costs[(owner, eid, qid)].append(float(cost))
        snap.compliance = {
            r[0]: float(r[1]) for r in con.execute("SELECT trainee, score FROM compliance")
        }
    return snap


Tally = tuple[float, int, int, int]  # points, solved, hints, wrong


def _tally(course: Course, snap: Snapshot, owner: str, team_scope: bool, team: str = "") -> Tally:
    points = 0.0
    solved = hints = wrong = 0
    for ex in course.exercises:
        for lv in ex.levels:
            if team and lv.audience and team not in lv.audience:
                continue
            for q in lv.questions:
                if (q.scope == "team") != team_scope:
                    continue
                st = snap.state(owner, ex, q)
                points += st.score
                solved += st.solved
                hints += st.hints
                wrong += st.wrong
    return points, solved, hints, wrong


def scoreboard(course: Course, snap: Snapshot, teams: bool = False) -> list[Row]:
    """What train.scoreboard answers: per trainee (own + team questions) or per team."""
    people, per_team = boards(course, snap)
    return per_team if teams else people


def _best_first(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (-r.total, r.name))


def boards(course: Course, snap: Snapshot) -> tuple[list[Row], list[Row]]:
    """Both scoreboards (per trainee, per team) from one pass over the questions."""
    people = course.trainees()
    team_tally = {t: _tally(course, snap, f"team:{t}", True, t) for t in {p.team for p in people}}
    own = {p.id: _tally(course, snap, f"trainee:{p.id}", False) for p in people}
    comp = snap.compliance
    per_person = [
        Row(
            p.id,
            p.name,
            p.team,
            round(own[p.id][0], 2),
            round(team_tally[p.team][0], 2),
            own[p.id][1] + team_tally[p.team][1],
            own[p.id][2] + team_tally[p.team][2],
            own[p.id][3] + team_tally[p.team][3],
            comp.get(p.id),
        )
        for p in people
    ]
    per_team = []
    for team, name in course.teams().items():
        members = [p for p in people if p.team == team]
        scores = [comp[m.id] for m in members if m.id in comp]
        tp = team_tally.get(team, (0.0, 0, 0, 0))
        per_team.append(
            Row(
                team,
                name,
                team,
                round(sum(own[m.id][0] for m in members) / max(len(members), 1), 2),
                round(tp[0], 2),
                sum(own[m.id][1] for m in members) + tp[1],
                sum(own[m.id][2] for m in members) + tp[2],
                sum(own[m.id][3] for m in members) + tp[3],
                round(sum(scores) / len(scores), 1) if scores else None,
            )
        )
    return _best_first(per_person), _best_first(per_team)
