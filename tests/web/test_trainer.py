"""Trainer pages over a real server: start a course, live progress, a trainee's answers and
audit trail, the scoreboard, and the range controls (a real range on a copy of the world)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi import FastAPI

from darkrange.case import Store, create_case
from darkrange.network import range_down
from darkrange.train import Course
from darkrange.web import WebConfig, create_app
from tests.web.conftest import Server, csrf_of, sign_in

Client = Callable[[str], httpx.Client]


def _post(client: httpx.Client, path: str, data: dict[str, str]) -> httpx.Response:
    token = csrf_of(client, "/trainer")
    return client.post(path, data={**data, "csrf_token": token})


def test_trainer_starts_a_course_for_trainee_accounts(
    web_config: WebConfig, web_store: Store, tmp_path: Path, serve: Callable[[FastAPI], Server]
) -> None:
    web_config.course = tmp_path / "course"
    server = serve(create_app(web_config, web_store))
    with server.client() as client:
        assert sign_in(client, "tia").status_code == 303
        page = client.get("/trainer").text
        assert "tom, tom, team" in page and "tess, tess, team" in page  # trainee accounts
        refused = _post(client, "/trainer/course/start", {"trainees": "ana, Ana, customs"})
        assert refused.status_code == 400 and "not a trainee account" in refused.text
        lines = "tom, Tom Ash, security_service\ntess, Tess Bay, customs\n"
        started = _post(client, "/trainer/course/start", {"trainees": lines, "seed": "40"})
        assert started.status_code == 303
        course = Course(tmp_path / "course")
        assert [(t.id, t.team, t.seed) for t in course.trainees()] == [
            ("tom", "security_service", 41),
            ("tess", "customs", 42),
        ]
        page = client.get("/trainer").text
        assert "world seed 40" in page and "/trainer/trainees/tess" in page
        again = _post(client, "/trainer/course/start", {"trainees": lines})
        assert again.status_code == 409  # a running course is never overwritten


def test_progress_detail_and_scoreboard(course_client: Client, web_store: Store) -> None:
    tom = course_client("tom")
    token = csrf_of(tom, "/course/opsec-setup")
    for qid, text in (("onion-length", "57"), ("onion-length", "56"), ("proxy-url", "nope")):
        tom.post(f"/course/opsec-setup/{qid}/answer", data={"answer": text, "csrf_token": token})
    # tom's case work, to be read back from the audit trail
    with web_store.acting("tom") as actor:
        case = create_case(
            actor,
            "Exercise case",
            "Training on the range",
            "Training exercise (no real data)",
            "Customs Investigation Service",
        )
    trainer = course_client("tia")
    live = trainer.get("/trainer/progress")
    assert live.status_code == 200
    assert "opsec-setup / proxy-url (wrong)" in live.text
    assert 'data-refresh="/trainer/progress?fragment=true"' in live.text
    fragment = trainer.get("/trainer/progress?fragment=true").text
    assert "<html" not in fragment and "Tom Ash" in fragment and "not started" in fragment
    detail = trainer.get("/trainer/trainees/tom").text
    assert "<code>57</code>" in detail and "<code>56</code>" in detail
    trail = detail.split('id="audit"')[1]
    assert f"case:{case.id}" in trail and "case opened: Training on the range" in trail
    board = trainer.get("/trainer/scoreboard").text
    assert '<svg class="bars"' in board and "Security service" in board
    rows = board.split('id="people"')[1]
    assert rows.index("Tom Ash") < rows.index("Tess Bay")  # tom has 5 points, tess none
    # analytics: tom started opsec-setup, answered 56 wrongly once and "nope" for the proxy
    numbers = trainer.get("/trainer/analytics.json").json()
    opsec = next(e for e in numbers["exercises"] if e["exercise"] == "opsec-setup")
    assert opsec["started"] == 1 and opsec["wrong"] == 2
    page = trainer.get("/trainer/analytics").text
    questions = page.split('id="questions"')[1]
    assert "<code>nope</code> (1)" in questions and '<svg class="bars"' in page


def test_trainee_audit_trail_lists_only_that_trainee(
    course_client: Client, web_store: Store
) -> None:
    with web_store.acting("theo") as actor:
        create_case(actor, "Theo case", "theo purpose", "Training exercise", "Customs")
    with web_store.acting("tom") as actor:
        create_case(actor, "Tom case", "tom purpose", "Training exercise", "Customs")
    trainer = course_client("tia")
    theo = trainer.get("/trainer/trainees/theo").text.split('id="audit"')[1]
    assert "case opened: theo purpose" in theo and "tom purpose" not in theo
    tom = trainer.get("/trainer/trainees/tom").text.split('id="audit"')[1]
    assert "case opened: tom purpose" in tom and "theo purpose" not in tom


def test_range_controls_run_in_the_background(
    web_config: WebConfig,
    web_store: Store,
    web_world: Path,
    tmp_path: Path,
    serve: Callable[[FastAPI], Server],
) -> None:
    world = tmp_path / "world"
    shutil.copytree(web_world, world)
    web_config.world = world
    app = create_app(web_config, web_store)
    server = serve(app)
    try:
        with server.client() as client:
            assert sign_in(client, "tia").status_code == 303
            assert "not running" in client.get("/trainer").text
            assert _post(client, "/trainer/range/advance", {"days": "2"}).status_code == 303
            _wait(app, "clock")
            assert "world day" in app.state.jobs.get("clock").message
            assert _post(client, "/trainer/range/up", {"transport": "direct"}).status_code == 303
            _wait(app, "range")
            job = app.state.jobs.get("range")
            assert job.state == "done", job.message
            page = client.get("/trainer").text
            assert "ready" in page and "direct transport" in page
            assert _post(client, "/trainer/range/down", {}).status_code == 303
            _wait(app, "range")
            assert app.state.jobs.get("range").message == "stopped"
            assert "not running" in client.get("/trainer").text
    finally:
        range_down(world)


def _wait(app: FastAPI, kind: str) -> None:
    done = threading.Event()
    for _ in range(3000):
        job = app.state.jobs.get(kind)
        if job is not None and job.state != "running":
            return
        done.wait(0.1)
    raise AssertionError(f"{kind} job did not finish")
