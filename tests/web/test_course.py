"""Trainee pages over a real server and a real course: what opens, answers, hints, scores,
and what a trainee can never see."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import httpx

from darkrange.extract import find_selectors
from tests.train.solvers import brief as brief_solvers
from tests.web.conftest import csrf_of

Client = Callable[[str], httpx.Client]


def _answer(client: httpx.Client, eid: str, qid: str, text: str) -> str:
    token = csrf_of(client, f"/course/{eid}")
    sent = client.post(f"/course/{eid}/{qid}/answer", data={"answer": text, "csrf_token": token})
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/course/{eid}#q-{qid}"
    return client.get(f"/course/{eid}").text


def test_course_lists_open_and_locked_exercises(course_client: Client) -> None:
    page = course_client("tom").get("/course")
    assert page.status_code == 200
    assert 'href="/course/opsec-setup"' in page.text
    assert 'href="/course/market-recon"' not in page.text  # locked: opsec-setup.quiz first
    assert "opens after opsec-setup.quiz" in page.text
    locked = course_client("tess").get("/course/market-recon")
    assert locked.status_code == 403
    assert "opens after opsec-setup.quiz" in locked.text


def test_trainee_solves_opsec_setup_and_the_next_exercise_opens(course_client: Client) -> None:
    client = course_client("tom")
    page = client.get("/course/opsec-setup").text
    onions = [s.normalized for s in find_selectors(html.unescape(page)) if s.kind == "onion_v3"]
    assert onions, "the brief lists the trainee's lookalike addresses"
    answers = brief_solvers.opsec_setup(html.unescape(page))
    wrong = _answer(client, "opsec-setup", "onion-length", "55")
    assert "Wrong." in wrong and "2 attempts left" in wrong
    for qid, text in answers.items():
        page = _answer(client, "opsec-setup", qid, text)
        assert "Correct." in page, qid
    assert page.count("Solved.") == 4
    listing = client.get("/course").text
    assert 'href="/course/market-recon"' in listing
    # 5 + 5 + 5 + 10 points; the one wrong answer carries no penalty in this exercise
    assert "score 25" in listing


def test_partial_credit_on_a_set_answer(course_client: Client) -> None:
    client = course_client("theo")
    page = html.unescape(client.get("/course/opsec-setup").text)
    valid = brief_solvers.opsec_setup(page)["valid-onions"].split(",")
    # one right address and one that is not on the list: F1 between 0 and 1
    result = _answer(client, "opsec-setup", "valid-onions", f"{valid[0]},{'a' * 56}.onion")
    assert "Partly right" in result and "attempts" in result


def test_hint_shows_its_cost_before_it_is_taken(course_client: Client) -> None:
    client = course_client("tess")
    offer = client.get("/course/opsec-setup/proxy-url/hint")
    assert offer.status_code == 200
    assert "costs <strong>2 points</strong>" in offer.text
    assert "remote" not in offer.text.lower()  # the text is not shown before paying
    token = csrf_of(client, "/course/opsec-setup")
    assert client.post("/course/opsec-setup/proxy-url/hint").status_code == 403  # no token
    taken = client.post("/course/opsec-setup/proxy-url/hint", data={"csrf_token": token})
    assert taken.status_code == 303
    page = client.get("/course/opsec-setup").text
    assert "Hint 1: The scheme ending in h means the proxy resolves host names." in page
    assert "hint 1 taken (2 points)" in page


def test_trainee_never_sees_truth_or_trainer_pages(course_client: Client) -> None:
    client = course_client("tom")
    for path in (
        "/trainer",
        "/trainer/progress",
        "/trainer/scoreboard",
        "/trainer/analytics",
        "/trainer/analytics.json",
        "/trainer/trainees/tess",
        "/trainer/trainees/tom",
    ):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "Tess Bay" not in answer.text
    page = client.get("/course/opsec-setup").text
    # the answers of the quiz are never on the page (the choice options are, by design)
    assert "socks5h://" not in page
    assert not re.search(r"\b56\b", page)
    for path in ("/static/../../world.json", "/static/vendor/x/../../package.json"):
        assert client.get(path).status_code == 404


def test_another_trainees_answers_are_not_reachable(course_client: Client) -> None:
    tom = course_client("tom")
    _answer(tom, "opsec-setup", "onion-length", "12345")
    tess = course_client("tess")
    assert "12345" not in tess.get("/course/opsec-setup").text
    assert tess.get("/trainer/trainees/tom").status_code == 403
    # a trainee who is not in the course gets a clear refusal, not another's state
    assert "attempts 0" in tess.get("/course/opsec-setup").text


def test_non_trainees_cannot_play(course_client: Client) -> None:
    assert course_client("ana").get("/course").status_code == 403
    assert course_client("tia").get("/course/opsec-setup").status_code == 403
