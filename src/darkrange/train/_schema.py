"""The exercise definition format (docs/formats/exercise.md), as pydantic models.

Unknown keys are errors, so a typo in a YAML file is reported instead of silently ignored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from darkrange.errors import FormatError
from darkrange.train._query import check_query
from darkrange.train._resolvers import RESOLVERS

__all__ = [
    "AGENCIES",
    "Answer",
    "Exercise",
    "ExerciseError",
    "Hint",
    "Level",
    "Question",
    "Source",
    "load_exercise",
    "parse_exercise",
]

# Teams named in `audience`: the three agencies of the interagency exercise.
AGENCIES = ("security_service", "prosecutor", "customs")
ID = r"^[a-z0-9][a-z0-9-]{1,62}$"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


class ExerciseError(FormatError):
    """An exercise file that does not follow the format; `problems` lists every finding."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{source}: {problems[0]}{more}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a value comes from: exactly one of `value`, `truth` or `resolver`."""

    value: Any = None
    truth: str | None = None
    resolver: str | None = None
    args: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> Source:
        given = [k for k in ("value", "truth", "resolver") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of value, truth, resolver")
        if self.truth is not None:
            try:
                check_query(self.truth)
            except FormatError as exc:
                raise ValueError(str(exc)) from None
        if self.resolver is not None and self.resolver not in RESOLVERS:
            raise ValueError(f"unknown resolver {self.resolver!r}")
        return self

    def facts_used(self) -> list[str]:
        used = check_query(self.truth) if self.truth is not None else []
        used += [str(v)[1:] for v in self.args.values() if str(v).startswith("$")]
        return used


class Answer(Source):
    """The expected answer of a question and how a submission is compared with it."""

    type: Literal["text", "regex", "set", "path", "number", "choice"]
    case_sensitive: bool = False
    tolerance: float = Field(0.0, ge=0)
    relative_tolerance: float = Field(0.0, ge=0)
    order_bonus: float = Field(0.2, ge=0, le=1)

    @model_validator(mode="after")
    def _pattern(self) -> Answer:
        if self.type == "regex":
            if self.value is None:
                raise ValueError("a regex answer needs its pattern in value")
            try:
                re.compile(str(self.value))
            except re.error as exc:
                raise ValueError(f"regex does not compile: {exc}") from None
        return self


class Hint(_Strict):
    text: str = Field(min_length=1)
    cost: float = Field(ge=0)


class Question(_Strict):
    id: str = Field(pattern=ID)
    text: str = Field(min_length=1)
    answer: Answer
    points: float = Field(10.0, gt=0)
    hints: list[Hint] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list)
    max_attempts: int | None = Field(None, ge=1)
    wrong_penalty: float | None = Field(None, ge=0)
    scope: Literal["trainee", "team"] = "trainee"

    @model_validator(mode="after")
    def _choices(self) -> Question:
        if self.answer.type == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            if self.answer.value is None or str(self.answer.value) not in self.options:
                raise ValueError("a choice answer must be a static value among the options")
        if sum(h.cost for h in self.hints) > self.points:
            raise ValueError("hints cost more than the question is worth")
        return self


class Level(_Strict):
    id: str = Field(pattern=ID)
    kind: Literal["info", "task", "assessment"]
    title: str = Field(min_length=1)
    brief: str = ""
    audience: list[str] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)

    @model_validator(mode="after")
    def _questions(self) -> Level:
        if self.kind == "info" and self.questions:
            raise ValueError("an info level has no questions")
        if self.kind != "info" and not self.questions:
            raise ValueError(f"a {self.kind} level needs at least one question")
        for team in self.audience:
            if team not in AGENCIES:
                raise ValueError(f"audience {team!r} is not one of {', '.join(AGENCIES)}")
        return self


class Exercise(_Strict):
    id: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    day: int = Field(ge=1, le=10)
    objectives: list[str] = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    prerequisites: list[str] = Field(default_factory=list)
    variant: Literal["trainee", "course"] = "trainee"
    max_attempts: int | None = Field(None, ge=1)
    wrong_penalty: float = Field(0.0, ge=0)
    facts: dict[str, Source] = Field(default_factory=dict)
    levels: list[Level] = Field(min_length=1)

    @field_validator("facts")
    @classmethod
    def _fact_names(cls, facts: dict[str, Source]) -> dict[str, Source]:
        seen: set[str] = set()
        for name, source in facts.items():
            if not re.fullmatch(r"[A-Za-z_]\w*", name):
                raise ValueError(f"fact name {name!r} is not an identifier")
            for used in source.facts_used():
                if used not in seen:
                    raise ValueError(f"fact {name!r} uses ${used} before it is defined")
            seen.add(name)
        return facts

    @model_validator(mode="after")
    def _references(self) -> Exercise:
        levels = [lv.id for lv in self.levels]
        if len(set(levels)) != len(levels):
            raise ValueError("level ids repeat")
        questions = [q.id for q in self.questions()]
        if len(set(questions)) != len(questions):
            raise ValueError("question ids repeat (they must be unique in the exercise)")
        if self.variant != "course" and any(q.scope == "team" for q in self.questions()):
            raise ValueError("team questions need variant: course (one world for the team)")
        for lv in self.levels:
            for name in PLACEHOLDER.findall(lv.brief):
                if name not in self.facts:
                    raise ValueError(f"level {lv.id}: brief uses {{{{{name}}}}}, not a fact")
            for q in lv.questions:
                for name in PLACEHOLDER.findall(q.text):
                    if name not in self.facts:
                        raise ValueError(f"question {q.id}: text uses {{{{{name}}}}}, not a fact")
                for used in q.answer.facts_used():
                    if used not in self.facts:
                        raise ValueError(f"question {q.id}: answer uses ${used}, not a fact")
        return self

    def questions(self) -> list[Question]:
        return [q for lv in self.levels for q in lv.questions]

    def question(self, qid: str) -> Question:
        for q in self.questions():
            if q.id == qid:
                return q
        known = ", ".join(q.id for q in self.questions())
        raise FormatError(f"exercise {self.id} has no question {qid!r} (questions: {known})")

    def level_of(self, qid: str) -> Level:
        for lv in self.levels:
            if any(q.id == qid for q in lv.questions):
                return lv
        raise FormatError(f"exercise {self.id} has no question {qid!r}")

    def points(self) -> float:
        return sum(q.points for q in self.questions())


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top)"


def parse_exercise(data: Any, source: str = "<exercise>") -> Exercise:
    """Validate already-loaded YAML; raises ExerciseError listing every problem."""
    if not isinstance(data, dict):
        raise ExerciseError(source, ["the file must hold one mapping (id, title, day, ...)"])
    try:
        return Exercise.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{_where(e['loc'])}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
        ]
        raise ExerciseError(source, problems) from None
    except FormatError as exc:  # a truth query that cannot be parsed
        raise ExerciseError(source, [str(exc)]) from None


def load_exercise(path: Path) -> Exercise:
    """Read and validate one exercise YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExerciseError(str(path), [f"cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise ExerciseError(str(path), ["not UTF-8 text"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ExerciseError(str(path), [f"{where}{problem}"]) from None
    return parse_exercise(data, str(path))
