"""Browser tests (Playwright driving Debian's chromium): a trainee walks through two exercises
end to end, answering with what the toolkit finds; a trainer starts a course and reads the
scoreboard. With DARKRANGE_SCREENSHOTS=1 the main pages are saved to docs/images/."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from darkrange.case import Store
from darkrange.extract import find_selectors
from darkrange.train import builtin_dir, start_course
from darkrange.web import WebConfig, create_app
from tests.train.solvers import brief as brief_solvers
from tests.train.solvers import chain as chain_solvers
from tests.train.solvers import forum as forum_solvers
from tests.web.conftest import CLASS, PASSWORD, Server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as play:
        launched = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def shot(page: Any, name: str) -> None:
    if os.environ.get("DARKRANGE_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def answer(page: Any, qid: str, text: str) -> str:
    box = page.locator(f"#q-{qid}")
    if box.locator("input[type=radio]").count():
        box.locator(f"input[type=radio][value='{text}']").check()
    else:
        box.locator("input[name=answer]").fill(text)
    box.locator("button[type=submit]").click()
    return str(page.locator(f"#q-{qid} .feedback").inner_text())


@pytest.fixture
def two_exercise_course(tmp_path: Path, web_world: Path) -> Path:
    """opsec-setup, then wallet-anatomy opening after it (a trainer's own course folder)."""
    folder = tmp_path / "exercises"
    folder.mkdir()
    shutil.copyfile(builtin_dir() / "01-opsec-setup.yaml", folder / "01-opsec-setup.yaml")
    text = (builtin_dir() / "07-wallet-anatomy.yaml").read_text(encoding="utf-8")
    text = text.replace("prerequisites: [forum-actors.appeal]", "prerequisites: [opsec-setup]")
    (folder / "07-wallet-anatomy.yaml").write_text(text, encoding="utf-8")
    spec = tmp_path / "class.yaml"
    spec.write_text(CLASS, encoding="utf-8")
    course = start_course(tmp_path / "course", 10, spec, exercises_dir=folder)
    (course.root / "worlds").mkdir()
    for seed in {10} | {t.seed for t in course.trainees()}:
        (course.root / "worlds" / str(seed)).symlink_to(web_world, target_is_directory=True)
    return course.root


def wallet_answers(world: Path, brief: str, tmp: Path) -> dict[str, str]:
    """What the toolkit finds: the forum's appeal addresses, then the chain store's outputs."""
    from tests.train.test_solvers import Play

    forum = Play(world, "forum-actors")
    [onion] = {s.normalized for s in find_selectors(forum.brief("appeal")) if s.kind == "onion_v3"}
    weeks = json.loads((world / "world.json").read_text())["weeks"]
    pages = forum_solvers.crawl_forum(world, onion, weeks * 7 - 1)
    found = forum_solvers.forum_actors(pages)["addresses"].split(",")
    [first] = {s.normalized for s in find_selectors(brief) if s.kind == "btc"}
    store = chain_solvers.build_store(world, tmp / "chain")
    return chain_solvers.wallet_anatomy(store, [first, *[a for a in found if a != first]])


def test_trainee_walks_two_exercises_and_trainer_watches(
    browser: Any,
    web_config: WebConfig,
    web_store: Store,
    web_world: Path,
    two_exercise_course: Path,
    tmp_path: Path,
    serve: Callable[[FastAPI], Server],
) -> None:
    web_config.course = two_exercise_course
    web_config.world = web_world
    base = serve(create_app(web_config, web_store)).url
    page = browser.new_page()
    sign_in(page, base, "tom")
    assert page.url == base + "/course"
    assert page.locator("a[href='/course/wallet-anatomy']").count() == 0  # locked
    shot(page, "course")
    page.click("a[href='/course/opsec-setup']")
    answers = brief_solvers.opsec_setup(page.locator("main").inner_text())
    assert "Wrong." in answer(page, "onion-length", "55")
    page.click("#q-proxy-url a.hintlink")
    assert "costs 2 points" in page.locator("main").inner_text()
    shot(page, "hint")
    page.click("button[type=submit]:has-text('Take the hint')")
    assert "Hint 1:" in page.locator("#q-proxy-url").inner_text()
    for qid, text in answers.items():
        assert answer(page, qid, text).startswith("Correct."), qid
    shot(page, "exercise")
    page.goto(base + "/course")
    page.click("a[href='/course/wallet-anatomy']")
    brief = page.locator("#level-address .brief").inner_text()
    # the toolkit's crawl runs its own event loop: off the thread Playwright's loop runs on
    with ThreadPoolExecutor(1) as pool:
        wallet = pool.submit(wallet_answers, web_world, brief, tmp_path).result()
    assert "Partly right" in answer(page, "payers", wallet["payers"].split(",")[0])
    for qid, text in wallet.items():
        assert answer(page, qid, text).startswith("Correct."), qid
    page.goto(base + "/course")
    assert "score" in page.locator("main").inner_text()

    trainer = browser.new_page()
    sign_in(trainer, base, "tia")
    trainer.goto(base + "/trainer/progress")
    row = trainer.locator("#live tr:has-text('Tom Ash')").inner_text()
    assert "wallet-anatomy / " in row and "correct" in row
    shot(trainer, "trainer-progress")
    trainer.goto(base + "/trainer/scoreboard")
    first = trainer.locator("#people tbody tr").first.inner_text()
    assert "Tom Ash" in first
    shot(trainer, "scoreboard")
    trainer.goto(base + "/trainer/trainees/tom")
    assert "55" in trainer.locator("#answers").inner_text()


def test_trainer_starts_a_course_and_reads_the_scoreboard(
    browser: Any,
    web_config: WebConfig,
    web_store: Store,
    tmp_path: Path,
    serve: Callable[[FastAPI], Server],
) -> None:
    web_config.course = tmp_path / "course"
    base = serve(create_app(web_config, web_store)).url
    page = browser.new_page()
    sign_in(page, base, "tia")
    assert page.url == base + "/trainer"
    page.fill(
        "textarea[name=trainees]",
        "tom, Tom Ash, security_service\ntess, Tess Bay, customs\ntheo, Theo Cole, prosecutor",
    )
    page.fill("input[name=seed]", "21")
    shot(page, "trainer")
    page.click("#start-course button[type=submit]")
    assert "world seed 21" in page.locator("main").inner_text()
    page.click("a[href='/trainer/scoreboard']")
    teams = page.locator("#teams tbody tr")
    assert teams.count() == 3
    assert page.locator("#people tbody tr").count() == 3
    assert page.locator("svg.bars").count() == 2
    # the page runs with its strict CSP: no inline script or style was needed
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
