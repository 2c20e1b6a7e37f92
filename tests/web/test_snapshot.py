"""The web's one-read Snapshot answers exactly what darkrange.train answers per question."""

from __future__ import annotations

from pathlib import Path

from darkrange.train import Course, question_state, scoreboard, submit, take_hint
from darkrange.web._progress import CourseCache, owner
from darkrange.web._snapshot import read
from darkrange.web._snapshot import scoreboard as snap_scoreboard


def _play(course: Course) -> None:
    steps = [
        ("tom", "onion-length", "55"),
        ("tom", "onion-length", "56"),
        ("tom", "proxy-url", "socks5h://127.0.0.1:9050"),
        ("tess", "persona", "my agency e-mail account"),
        ("theo", "onion-length", "1"),
        ("theo", "onion-length", "2"),
        ("theo", "onion-length", "3"),
    ]
    for tid, qid, text in steps:
        submit(course, tid, "opsec-setup", qid, text)
    take_hint(course, "tess", "opsec-setup", "proxy-url", confirm=True)
    take_hint(course, "tess", "opsec-setup", "valid-onions", confirm=True)


def test_snapshot_matches_question_state_and_scoreboard(web_course: Path) -> None:
    course = Course(web_course)
    _play(course)
    snap = read(course)
    for trainee in course.trainees():
        for ex in course.exercises:
            for q in ex.questions():
                who = owner(trainee, q)
                assert snap.state(who, ex, q) == question_state(course, who, ex, q), (who, q.id)
    for teams in (False, True):
        assert snap_scoreboard(course, snap, teams) == scoreboard(course, teams=teams)


def test_cache_sees_every_new_answer(web_course: Path) -> None:
    cache = CourseCache(web_course)
    course = cache.course()
    assert course is not None
    before = cache.scoreboard(course, teams=False)
    assert all(r.total == 0 for r in before)
    submit(course, "tom", "opsec-setup", "onion-length", "56")
    after = {r.name: r.total for r in cache.scoreboard(course, teams=False)}
    assert after["tom"] == 5
    take_hint(course, "tom", "opsec-setup", "proxy-url", confirm=True)
    ex = next(e for e in course.exercises if e.id == "opsec-setup")
    assert cache.snapshot(course).state("trainee:tom", ex, ex.question("proxy-url")).hints == 1
