"""A course: its exercises (built-in or from a folder), their order, and per-world resolution."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from darkrange.errors import FormatError, InputError
from darkrange.train._query import run_query
from darkrange.train._resolvers import resolve_named
from darkrange.train._schema import PLACEHOLDER, Exercise, ExerciseError, Source, load_exercise
from darkrange.train._world import WorldView

__all__ = [
    "builtin_dir",
    "check_course",
    "find_exercise",
    "load_course",
    "render_brief",
    "resolve_answer",
    "resolve_facts",
    "resolve_source",
]


def builtin_dir() -> Path:
    """The folder of the built-in course's YAML files (package data)."""
    return Path(str(resources.files("darkrange.train") / "exercises"))


def check_course(exercises: list[Exercise]) -> list[str]:
    """Problems across files: repeated ids, unknown or circular prerequisites."""
    problems: list[str] = []
    by_id: dict[str, Exercise] = {}
    for ex in exercises:
        if ex.id in by_id:
            problems.append(f"exercise id {ex.id} is used twice")
        by_id[ex.id] = ex
    for ex in exercises:
        for pre in ex.prerequisites:
            eid, _, level = pre.partition(".")
            if eid not in by_id:
                problems.append(f"{ex.id}: prerequisite {pre} names no exercise")
            elif level and level not in {lv.id for lv in by_id[eid].levels}:
                problems.append(f"{ex.id}: prerequisite {pre} names no level of {eid}")
    # a prerequisite chain that comes back to its start can never be opened
    for ex in exercises:
        seen, todo = set(), [p.partition(".")[0] for p in ex.prerequisites]
        while todo:
            cur = todo.pop()
            if cur == ex.id:
                problems.append(f"{ex.id}: prerequisites form a cycle")
                break
            if cur in seen or cur not in by_id:
                continue
            seen.add(cur)
            todo.extend(p.partition(".")[0] for p in by_id[cur].prerequisites)
    return problems


def load_course(folder: Path | None = None) -> list[Exercise]:
    """Every *.yaml exercise of a folder (the built-in course by default), by day then id."""
    root = folder or builtin_dir()
    if not root.is_dir():
        raise InputError(f"{root} is not a folder of exercises")
    exercises = [load_exercise(p) for p in sorted(root.glob("*.yaml"))]
    if not exercises:
        raise InputError(f"{root} holds no *.yaml exercises")
    problems = check_course(exercises)
    if problems:
        raise ExerciseError(str(root), problems)
    return sorted(exercises, key=lambda e: e.day)  # stable: files in name order


def find_exercise(exercises: list[Exercise], eid: str) -> Exercise:
    for ex in exercises:
        if ex.id == eid:
            return ex
    raise InputError(f"no exercise {eid!r} (see `darkrange course list`)")


def _args(args: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in args.items():
        if isinstance(value, str) and value.startswith("$"):
            if value[1:] not in facts:
                raise InputError(f"argument {key} uses {value}, which is not a fact")
            value = facts[value[1:]]
        out[key] = value
    return out


def resolve_source(world: WorldView, source: Source, facts: Mapping[str, Any]) -> Any:
    """The value a source gives in one world."""
    if source.truth is not None:
        return run_query(world, source.truth, facts)
    if source.resolver is not None:
        return resolve_named(world, source.resolver, _args(source.args, facts))
    return source.value


def resolve_facts(ex: Exercise, world: WorldView) -> dict[str, Any]:
    """Every fact of an exercise in one world, in the order they are defined."""
    facts: dict[str, Any] = {}
    for name, source in ex.facts.items():
        try:
            facts[name] = resolve_source(world, source, facts)
        except InputError as exc:
            raise FormatError(f"exercise {ex.id}, fact {name}: {exc}") from None
    return facts


def resolve_answer(ex: Exercise, qid: str, world: WorldView, facts: Mapping[str, Any]) -> Any:
    q = ex.question(qid)
    try:
        return resolve_source(world, q.answer, facts)
    except InputError as exc:
        raise FormatError(f"exercise {ex.id}, question {qid}: {exc}") from None


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(f"- `{v}`" for v in value)
    return str(value)


def render_brief(brief: str, facts: Mapping[str, Any]) -> str:
    """A brief with its {{fact}} placeholders filled in for one trainee's world."""
    return PLACEHOLDER.sub(lambda m: _show(facts[m.group(1)]), brief)
