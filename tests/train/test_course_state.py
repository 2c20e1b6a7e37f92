"""Running a course: start, submissions, hints, lockout, prerequisites, teams, scoreboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkrange.cli import main
from darkrange.errors import InputError, StateError
from darkrange.train import (
    Course,
    find_exercise,
    question_state,
    resolve_answer,
    resolve_facts,
    scoreboard,
    start_course,
    submit,
    take_hint,
)

from .conftest import make_course


def truth(course: Course, eid: str, qid: str) -> object:
    ex = find_exercise(course.exercises, eid)
    world = course.world(course.seed_for(course.trainee("t1"), ex))
    return resolve_answer(ex, qid, world, resolve_facts(ex, world))


def as_text(value: object) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def open_recon(course: Course, tid: str = "t1") -> None:
    """Meet market-recon's prerequisite (opsec-setup.quiz)."""
    submit(course, tid, "opsec-setup", "proxy-url", "socks5h://127.0.0.1:9050")
    submit(course, tid, "opsec-setup", "onion-length", "56")
    submit(course, tid, "opsec-setup", "persona", "my agency e-mail account")  # locks it


def test_start_records_variant_seeds(course: Course) -> None:
    seeds = {t.id: t.seed for t in course.trainees()}
    assert seeds == {"t1": 11, "t2": 12, "t3": 13, "t4": 14}
    assert course.teams()["customs"] == "Customs"
    ex = find_exercise(course.exercises, "interagency")
    assert course.seed_for(course.trainee("t2"), ex) == 10
    assert len(list((course.root / "exercises").glob("*.yaml"))) == len(course.exercises)


def test_start_refuses_a_used_folder_and_bad_trainees(tmp_path: Path, course_world: Path) -> None:
    make_course(tmp_path, course_world)
    with pytest.raises(StateError, match="not an empty folder"):
        start_course(tmp_path / "course", 1, tmp_path / "class.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("trainees:\n  - {id: a, team: x}\n  - {id: a, team: y}\n")
    with pytest.raises(InputError, match="appears twice"):
        start_course(tmp_path / "other", 1, bad)
    with pytest.raises(InputError, match="size"):
        start_course(tmp_path / "other", 1, tmp_path / "class.yaml", size="huge")
    assert not (tmp_path / "other").exists()


def test_right_wrong_and_partial_answers(course: Course) -> None:
    open_recon(course)
    mirrors = truth(course, "market-recon", "mirrors")
    assert isinstance(mirrors, list) and mirrors
    r = submit(course, "t1", "market-recon", "clone", "not-a-clone.onion")
    assert (r.credit, r.message, r.state.score) == (0.0, "wrong", 0.0)
    partial = ",".join([*mirrors, "extra.onion"])
    r = submit(course, "t1", "market-recon", "mirrors", partial)
    assert 0 < r.credit < 1 and r.message.startswith("partly right")
    r = submit(course, "t1", "market-recon", "mirrors", ",".join(mirrors))
    assert r.credit == 1.0 and r.state.score == 10.0 and r.state.solved
    with pytest.raises(StateError, match="already solved"):
        submit(course, "t1", "market-recon", "mirrors", ",".join(mirrors))
    clone = str(truth(course, "market-recon", "clone"))
    r = submit(course, "t1", "market-recon", "clone", clone.upper())
    assert r.credit == 1.0
    assert r.state.score == 15.0 - 2.0  # one wrong answer earlier at 2 points


def test_hints_cascade_and_cost(course: Course) -> None:
    open_recon(course)
    n, cost, text = take_hint(course, "t1", "market-recon", "clone", confirm=False)
    assert (n, cost, text) == (1, 5.0, None)
    n, cost, text = take_hint(course, "t1", "market-recon", "clone", confirm=True)
    assert n == 1 and text and "mirror" in text
    with pytest.raises(StateError, match="no more hints"):
        take_hint(course, "t1", "market-recon", "clone", confirm=True)
    clone = str(truth(course, "market-recon", "clone"))
    assert submit(course, "t1", "market-recon", "clone", clone).state.score == 10.0


def test_max_attempts_lock_the_question(course: Course) -> None:
    open_recon(course)
    for _ in range(3):
        submit(course, "t1", "market-recon", "clone", "wrong")
    ex = find_exercise(course.exercises, "market-recon")
    st = question_state(course, "trainee:t1", ex, ex.question("clone"))
    assert st.locked and st.attempts == 3 and st.score == 0.0
    with pytest.raises(StateError, match="no attempts left"):
        submit(course, "t1", "market-recon", "clone", str(truth(course, "market-recon", "clone")))


def test_prerequisites_gate_an_exercise(course: Course) -> None:
    with pytest.raises(StateError, match=r"opens after opsec-setup\.quiz"):
        submit(course, "t1", "market-recon", "exit-scam", "x")
    open_recon(course)
    assert submit(course, "t1", "market-recon", "exit-scam", "x").credit == 0.0


def test_audience_and_team_questions(course: Course) -> None:
    with pytest.raises(StateError, match="for customs only"):
        submit(course, "t1", "interagency", "listings", "x")
    # interagency opens after tracing and forum-actors: give up on them for t1 and t3
    for tid in ("t1", "t3"):
        open_recon(course, tid)
    ex_names = {
        "market-recon": ["mirrors", "clone", "exit-scam", "exit-week"],
        "forum-actors": ["thread", "addresses", "author"],
        "wallet-anatomy": ["script-type", "received", "payers"],
        "tracing": ["cashout-path", "deposit", "mix-path"],
    }
    for tid in ("t1", "t3"):
        for eid, qids in ex_names.items():
            for qid in qids:
                submit(course, tid, eid, qid, as_text(truth(course, eid, qid)))
    sellers = truth(course, "interagency", "seller-accounts")
    assert isinstance(sellers, list)
    r = submit(course, "t1", "interagency", "seller-accounts", sellers[0])
    assert 0 < r.credit < 1
    r = submit(course, "t3", "interagency", "seller-accounts", ",".join(sellers))
    assert r.credit == 1.0 and r.state.attempts == 2  # one answer box per team
    with pytest.raises(StateError, match="already solved"):
        submit(course, "t1", "interagency", "seller-accounts", ",".join(sellers))
    rows = {r.name: r for r in scoreboard(course)}
    assert rows["t1"].team_points == rows["t3"].team_points == 20.0
    assert rows["t2"].team_points == 0.0
    teams = {r.name: r for r in scoreboard(course, teams=True)}
    assert teams["security_service"].team_points == 20.0
    assert teams["security_service"].own == pytest.approx((rows["t1"].own + rows["t3"].own) / 2)


def test_cli_round_trip(
    tmp_path: Path, course_world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = make_course(tmp_path, course_world)
    state = str(course.root)
    base = ["--state", state, "--trainee", "t1", "--exercise", "opsec-setup"]
    assert main(["course", "submit", *base, "--question", "onion-length", "56"]) == 0
    assert "correct: credit 1.00, score 5" in capsys.readouterr().out
    assert main(["course", "submit", *base, "--question", "proxy-url", "socks5://x"]) == 0
    assert "wrong" in capsys.readouterr().out
    assert main(["course", "hint", *base, "--question", "proxy-url"]) == 0
    assert "costs 2 points" in capsys.readouterr().out
    assert main(["course", "hint", *base, "--question", "proxy-url", "--confirm"]) == 0
    assert "hint 1 (-2)" in capsys.readouterr().out
    assert main(["course", "submit", *base, "--question", "nope", "x"]) == 2
    assert "has no question 'nope'" in capsys.readouterr().err
    audit = tmp_path / "audit.json"
    audit.write_text(json.dumps([{"time": 5, "action": "crawl", "case": "C"}]))
    assert main(["course", "compliance", str(audit), "--state", state, "--trainee", "t1"]) == 0
    assert "compliance 50" in capsys.readouterr().out
    assert main(["course", "scoreboard", "--state", state]) == 0
    out = capsys.readouterr().out
    assert "t1" in out and "Ana" in out and "50" in out
    assert main(["course", "scoreboard", "--state", state, "--teams"]) == 0
    assert "Security service" in capsys.readouterr().out
    assert main(["course", "show", "opsec-setup", "--state", state, "--trainee", "t1"]) == 0
    out = capsys.readouterr().out
    assert "hint: The scheme ending in h" in out and ".onion" in out
    assert main(["course", "scoreboard", "--state", str(tmp_path)]) == 3
