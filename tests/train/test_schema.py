"""Exercise definitions: the built-in course, validation errors and the format document."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from darkrange.cli import main
from darkrange.train import (
    Answer,
    Exercise,
    ExerciseError,
    Hint,
    Level,
    Question,
    Source,
    builtin_dir,
    load_course,
    load_exercise,
    parse_exercise,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "exercise.md"

GOOD: dict[str, Any] = {
    "id": "demo",
    "title": "Demo",
    "day": 1,
    "objectives": ["learn"],
    "facts": {"market": {"truth": "sites[kind=market].site:first"}},
    "levels": [
        {
            "id": "one",
            "kind": "task",
            "title": "One",
            "brief": "Look at {{market}}.",
            "questions": [
                {
                    "id": "q1",
                    "text": "Which?",
                    "answer": {"type": "text", "truth": "sites[site=$market].name:first"},
                }
            ],
        }
    ],
}


def with_(path: str, value: Any) -> dict[str, Any]:
    """GOOD with one key (dotted path, list indexes as numbers) replaced or added."""
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    node = data
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data  # type: ignore[no-any-return]


def test_builtin_course_is_valid_and_covers_the_brief() -> None:
    course = load_course()
    ids = [ex.id for ex in course]
    assert len(course) >= 10
    for needed in (
        "opsec-setup",
        "market-recon",
        "suspicious-listings",
        "vendor-profiling",
        "account-linking",
        "forum-actors",
        "wallet-anatomy",
        "tracing",
        "legal-request",
        "evidence",
        "sharing",
        "interagency",
    ):
        assert needed in ids
    assert [ex.day for ex in course] == sorted(ex.day for ex in course)
    final = next(ex for ex in course if ex.id == "interagency")
    audiences = {a for lv in final.levels for a in lv.audience}
    assert audiences == {"security_service", "prosecutor", "customs"}
    assert any(q.scope == "team" for q in final.questions())
    assert final.variant == "course"


def test_good_definition_parses() -> None:
    ex = parse_exercise(GOOD)
    assert ex.question("q1").points == 10
    assert ex.points() == 10


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (with_("colour", "red"), "colour: Extra inputs are not permitted"),
        ({k: v for k, v in GOOD.items() if k != "title"}, "title: Field required"),
        (with_("day", 0), "day: Input should be greater than or equal to 1"),
        (with_("levels.0.kind", "quiz"), "levels.0.kind: Input should be 'info'"),
        (with_("levels.0.questions.0.answer.type", "fuzzy"), "answer.type"),
        (with_("levels.0.questions.0.answer.truth", "planets[x]"), "unknown source 'planets'"),
        (with_("levels.0.questions.0.answer.truth", "plots[x"), "cannot read"),
        (
            with_("levels.0.questions.0.answer", {"type": "text", "resolver": "magic"}),
            "unknown resolver 'magic'",
        ),
        (
            with_("levels.0.questions.0.answer", {"type": "text", "value": "a", "truth": "plots"}),
            "exactly one of value, truth, resolver",
        ),
        (with_("levels.0.brief", "See {{nowhere}}"), "brief uses {{nowhere}}, not a fact"),
        (
            with_("levels.0.questions.0.answer.truth", "sites[site=$other].name"),
            "answer uses $other, not a fact",
        ),
        (with_("levels.0.questions.0.scope", "team"), "team questions need variant: course"),
        (with_("levels.0.audience", ["police"]), "audience 'police'"),
        (with_("levels.0.questions.0.hints", [{"text": "h", "cost": 11}]), "hints cost more"),
        (
            with_(
                "levels.0.questions.0",
                {
                    "id": "q1",
                    "text": "t",
                    "options": ["a", "b"],
                    "answer": {"type": "choice", "value": "c"},
                },
            ),
            "choice answer must be a static value among the options",
        ),
        (with_("levels.0.kind", "info"), "an info level has no questions"),
        (with_("levels.0.questions.0.answer", {"type": "regex", "value": "("}), "does not compile"),
        (["not", "a", "mapping"], "one mapping"),
    ],
)
def test_bad_definitions_give_clear_errors(data: Any, message: str) -> None:
    with pytest.raises(ExerciseError) as err:
        parse_exercise(data, "ex.yaml")
    assert any(message in p for p in err.value.problems), err.value.problems
    assert str(err.value).startswith("ex.yaml: ")


def test_facts_must_be_defined_before_use() -> None:
    facts = {"name": {"truth": "sites[site=$market].name"}, "market": {"truth": "sites"}}
    with pytest.raises(ExerciseError, match=r"uses \$market before it is defined"):
        parse_exercise(with_("facts", facts))


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n")
    with pytest.raises(ExerciseError, match="line"):
        load_exercise(bad)


def test_validate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "validate", str(builtin_dir())]) == 0
    assert "12 exercise file(s) valid" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(with_("levels.0.questions.0.answer.type", "fuzzy")))
    assert main(["course", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: levels.0.questions.0.answer.type" in err
    assert "error: 1 problem(s) in 1 file(s)" in err


def test_list_prints_one_exercise_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(load_course())
    assert lines[0].split("\t") == ["opsec-setup", "day 1", "Safe setup and operational security"]


def test_show_never_prints_answers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "show", "legal-request"]) == 0
    out = capsys.readouterr().out
    assert "account" in out and "exchange_account" not in out and "plots[" not in out


def _fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def test_every_schema_field_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", doc))
    for model in (Exercise, Level, Question, Answer, Hint, Source):
        missing = _fields(model) - documented
        assert not missing, f"{model.__name__} fields not in {DOC.name}: {sorted(missing)}"
    for kind in ("text", "regex", "set", "path", "number", "choice", "info", "task", "assessment"):
        assert f"`{kind}`" in doc
