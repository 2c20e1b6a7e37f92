"""The analyst pages in a real browser (Debian's chromium through Playwright), cut off from
every network but 127.0.0.1: the link graph draws from npm's Cytoscape.js and a click on an
edge shows its evidence; the evidence replay runs no script. With DARKRANGE_SCREENSHOTS=1 the
pages are saved to docs/images/analyst-*.png."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.analyst.conftest import Setup
from tests.web.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
NODE_MODULES = Path(__file__).resolve().parents[3] / "node_modules" / "cytoscape"
IMAGES = Path(__file__).resolve().parents[3] / "docs" / "images"
WHY = "browser walk-through"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as play:
        launched = play.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


def open_page(browser: Any, setup: Setup, problems: list[str]) -> Any:
    page = browser.new_page(viewport={"width": 1300, "height": 900})

    # offline: anything not on this app is refused (and counted)
    def route(r: Any) -> None:
        if r.request.url.startswith(setup.server.url):
            r.continue_()
        else:
            problems.append(f"outside request {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (problems.append(f"a script ran: {d.message}"), d.dismiss()))
    page.goto(setup.server.url + "/login")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def shot(page: Any, name: str) -> None:
    if os.environ.get("DARKRANGE_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMAGES / f"analyst-{name}.png"), full_page=True)


@pytest.mark.skipif(not NODE_MODULES.is_dir(), reason="Cytoscape.js not installed (npm ci)")
def test_the_graph_draws_offline_and_an_edge_click_shows_its_evidence(
    analyst: Setup, browser: Any
) -> None:
    problems: list[str] = []
    page = open_page(browser, analyst, problems)
    with page.expect_response(lambda r: "/graph.json" in r.url, timeout=90_000) as got:
        page.goto(f"{analyst.server.url}/graph?why=browser+walk-through")
    assert got.value.status == 200, problems
    page.wait_for_function("document.querySelector('#graph canvas') !== null", timeout=90_000)
    # where Cytoscape drew the first link between two accounts, then a real mouse click there
    point = page.evaluate(
        """() => {
          const cy = document.getElementById('graph')._cyreg.cy;
          const near = (p) => cy.nodes().some((n) => {
            const q = n.renderedPosition();
            return Math.hypot(p.x - q.x, p.y - q.y) < 20;
          });
          const edge = cy.edges("[kind = 'link']").filter((e) => !near(e.renderedMidpoint()))[0];
          const box = document.getElementById('graph').getBoundingClientRect();
          const mid = edge.renderedMidpoint();
          return {x: box.left + mid.x, y: box.top + mid.y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    detail = page.inner_text("#detail")
    assert "Link between accounts" in detail and "score" in detail
    assert any(word in detail for word in ("same PGP key", "same", "handles"))
    shot(page, "graph")
    assert problems == []


def test_evidence_replays_in_a_sandbox_without_running_scripts(
    analyst: Setup, browser: Any
) -> None:
    problems: list[str] = []
    page = open_page(browser, analyst, problems)
    page.goto(f"{analyst.server.url}/evidence/{analyst.evidence_id}?why=court+file")
    frame = page.frame_locator("iframe.replay")
    assert "darkrange replay" in frame.locator("body").inner_text()
    page.wait_for_timeout(300)  # an inline script would have raised its dialog by now
    shot(page, "evidence")
    # the captured page's own scripts are refused by the replay's policy: console errors from
    # the frame are expected, a dialog (a script that ran) or an outside request is not
    assert not [p for p in problems if p.startswith(("a script ran", "outside request"))]
