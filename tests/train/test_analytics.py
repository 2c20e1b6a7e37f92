"""Instructor analytics from a played course: counts, median times, wrong answers (trainer
only), hints, team questions and per-trainee timelines; the CLI's table, JSON and chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkrange.cli import main
from darkrange.train import (
    Compliance,
    Course,
    analytics,
    find_exercise,
    record_compliance,
    resolve_answer,
    resolve_facts,
    submit,
    take_hint,
)

T0 = 1_700_000_000.0  # explicit times, before the compliance record (stamped now)
PROXY = "socks5h://127.0.0.1:9050"
PERSONA = "a separate research persona in an isolated browser profile"


def play(course: Course) -> None:
    """t1 solves the quiz after a hint and a wrong try; t2 fumbles; t3 only looks; t4 idles."""
    take_hint(course, "t1", "opsec-setup", "proxy-url", True, now=T0)
    submit(course, "t1", "opsec-setup", "proxy-url", "socks5://127.0.0.1:9050", now=T0 + 60)
    submit(course, "t1", "opsec-setup", "proxy-url", PROXY, now=T0 + 120)
    submit(course, "t1", "opsec-setup", "onion-length", "56", now=T0 + 180)
    submit(course, "t1", "opsec-setup", "persona", PERSONA, now=T0 + 240)
    submit(course, "t2", "opsec-setup", "proxy-url", "SOCKS5://127.0.0.1:9050 ", now=T0 + 10)
    submit(course, "t2", "opsec-setup", "onion-length", "16", now=T0 + 20)
    submit(course, "t2", "opsec-setup", "onion-length", "56", now=T0 + 620)
    submit(course, "t2", "opsec-setup", "persona", "my agency e-mail account", now=T0 + 630)
    take_hint(course, "t3", "opsec-setup", "proxy-url", True, now=T0 + 30)
    record_compliance(course, "t1", Compliance(checks=4, passed=3))


def test_counts_times_and_wrong_answers_per_question(course: Course) -> None:
    play(course)
    result = analytics(course)
    assert [e.exercise for e in result.exercises] == [ex.id for ex in course.exercises]
    opsec = result.exercises[0]
    assert (opsec.exercise, opsec.started, opsec.solved) == ("opsec-setup", 3, 0)
    proxy = {q.question: q for q in opsec.questions}["proxy-url"]
    assert (proxy.started, proxy.solved, proxy.attempts, proxy.wrong, proxy.hints) == (
        3,
        1,
        3,
        2,
        2,
    )
    assert proxy.median_solve_s == 120.0  # from t1's hint to the right answer
    # the same wrong answer typed twice in different case and spacing counts once, twice
    assert proxy.common_wrong == [("socks5://127.0.0.1:9050", 2)]
    length = {q.question: q for q in opsec.questions}["onion-length"]
    # t1: 180 s after the first hint; t2: 610 s after the first submission; the median between
    assert (length.solved, length.wrong, length.median_solve_s) == (2, 1, 395.0)
    untouched = result.exercises[-1]
    assert (untouched.started, untouched.solved, untouched.median_solve_s) == (0, 0, None)


def test_an_exercise_counts_as_solved_with_every_open_question(course: Course) -> None:
    play(course)
    submit(course, "t1", "opsec-setup", "valid-onions", "x", now=T0 + 300)
    assert analytics(course).exercises[0].solved == 0  # valid-onions is still wrong
    ex = find_exercise(course.exercises, "opsec-setup")
    world = course.world(course.seed_for(course.trainee("t1"), ex))
    valid = resolve_answer(ex, "valid-onions", world, resolve_facts(ex, world))
    assert isinstance(valid, list)
    submit(course, "t1", "opsec-setup", "valid-onions", ",".join(valid), now=T0 + 900)
    opsec = analytics(course).exercises[0]
    assert (opsec.solved, opsec.median_solve_s, opsec.wrong) == (1, 900.0, 5)


def test_timelines_list_each_trainees_events_in_time_order(course: Course) -> None:
    play(course)
    lines = analytics(course).timelines
    assert set(lines) == {"t1", "t2", "t3", "t4"}
    assert lines["t4"] == []
    kinds = [(e.kind, e.question, e.credit) for e in lines["t1"]]
    assert kinds[:3] == [
        ("hint", "proxy-url", None),
        ("submit", "proxy-url", 0.0),
        ("submit", "proxy-url", 1.0),
    ]
    assert kinds[-1] == ("compliance", "", 75.0)
    assert [e.time for e in lines["t2"]] == sorted(e.time for e in lines["t2"])
    assert lines["t3"][0].cost == 2.0


def test_cli_prints_tables_json_and_writes_a_chart(
    course: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    play(course)
    state = str(course.root)
    assert main(["course", "analytics", "--state", state]) == 0
    out = capsys.readouterr().out
    assert "opsec-setup" in out and "socks5://127.0.0.1:9050 x2" in out
    chart = tmp_path / "progress.png"
    assert main(["course", "analytics", "--state", state, "--json", "--chart", str(chart)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exercises"][0]["questions"][0]["common_wrong"] == [["socks5://127.0.0.1:9050", 2]]
    assert data["timelines"]["t1"][0]["kind"] == "hint"
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and chart.stat().st_size > 5000
    assert main(["course", "analytics", "--state", state, "--chart", str(tmp_path / "c.svg")]) == 2
