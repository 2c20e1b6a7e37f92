"""Training: exercises, per-trainee variants, scoring, teams and compliance.

The course may read the world's truth (to score); the toolkit never imports this package.
"""

from __future__ import annotations

from darkrange.train._analytics import Analytics, Event, ExerciseStats, QuestionStats, analytics
from darkrange.train._case_audit import compliance_from_case
from darkrange.train._compliance import Compliance, Violation, load_audit, score_compliance
from darkrange.train._course import (
    builtin_dir,
    check_course,
    find_exercise,
    load_course,
    render_brief,
    resolve_answer,
    resolve_facts,
)
from darkrange.train._play import (
    QuestionState,
    Result,
    Row,
    facts_for,
    hints_taken,
    question_state,
    record_compliance,
    scoreboard,
    submit,
    take_hint,
)
from darkrange.train._query import run_query
from darkrange.train._resolvers import RESOLVERS
from darkrange.train._schema import (
    AGENCIES,
    Answer,
    Exercise,
    ExerciseError,
    Hint,
    Level,
    Question,
    Source,
    load_exercise,
    parse_exercise,
)
from darkrange.train._scoring import credit, lcs, parse_submission, set_f1
from darkrange.train._state import Course, Trainee, load_trainees, start_course
from darkrange.train._world import WorldView

__all__ = [
    "AGENCIES",
    "RESOLVERS",
    "Analytics",
    "Answer",
    "Compliance",
    "Course",
    "Event",
    "Exercise",
    "ExerciseError",
    "ExerciseStats",
    "Hint",
    "Level",
    "Question",
    "QuestionState",
    "QuestionStats",
    "Result",
    "Row",
    "Source",
    "Trainee",
    "Violation",
    "WorldView",
    "analytics",
    "builtin_dir",
    "check_course",
    "compliance_from_case",
    "credit",
    "facts_for",
    "find_exercise",
    "hints_taken",
    "lcs",
    "load_audit",
    "load_course",
    "load_exercise",
    "load_trainees",
    "parse_exercise",
    "parse_submission",
    "question_state",
    "record_compliance",
    "render_brief",
    "resolve_answer",
    "resolve_facts",
    "run_query",
    "score_compliance",
    "scoreboard",
    "set_f1",
    "start_course",
    "submit",
    "take_hint",
]
