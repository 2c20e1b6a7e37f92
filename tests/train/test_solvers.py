"""Every built-in exercise is solvable with the toolkit alone: scripted solvers (solvers/) read
only what a trainee gets (rendered briefs, the range's sites, the public chain) and score full
marks; where a toolkit piece has not landed yet the test says which one and skips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from darkrange.chain import ChainStore
from darkrange.extract import find_selectors
from darkrange.train import (
    Exercise,
    WorldView,
    credit,
    find_exercise,
    load_course,
    render_brief,
    resolve_answer,
    resolve_facts,
)

from .solvers import brief as brief_solvers
from .solvers import chain as chain_solvers
from .solvers import desk, forum

TXID = re.compile(r"\b[0-9a-f]{64}\b")
NEEDS_RECORDS = (
    "needs the page-record parsers (darkrange.extract.records / `darkrange parse`) to read "
    "market listings and vendor pages; not landed yet"
)
NEEDS_LINK = "needs identity linking (darkrange.analyze.link / `darkrange link`); not landed yet"
SKIPPED = {
    "market-recon": NEEDS_RECORDS + " (mirror lists and the clone's signed mirror page)",
    "suspicious-listings": NEEDS_RECORDS + " (plus darkrange classify on the records)",
    "vendor-profiling": NEEDS_RECORDS,
    "account-linking": NEEDS_LINK,
    "evidence": NEEDS_RECORDS + " (the listing ids of captured pages)",
    "sharing": NEEDS_LINK + " (telling the group's accounts from bystanders)",
}


class Play:
    """One exercise in the session world: what the trainee sees, and the scorer."""

    def __init__(self, world: Path, eid: str) -> None:
        self.view = WorldView(world)
        self.ex: Exercise = find_exercise(load_course(), eid)
        self.facts = resolve_facts(self.ex, self.view)

    def brief(self, level: str) -> str:
        lv = next(lv for lv in self.ex.levels if lv.id == level)
        return render_brief(lv.brief, self.facts)

    def score(self, answers: dict[str, str]) -> dict[str, float]:
        return {
            qid: credit(
                self.ex.question(qid).answer,
                resolve_answer(self.ex, qid, self.view, self.facts),
                text,
            )
            for qid, text in answers.items()
        }


@pytest.fixture(scope="session")
def store(course_world: Path, tmp_path_factory: pytest.TempPathFactory) -> ChainStore:
    return chain_solvers.build_store(course_world, tmp_path_factory.mktemp("store") / "chain")


@pytest.fixture(scope="session")
def forum_pages(course_world: Path) -> dict[str, str]:
    play = Play(course_world, "forum-actors")
    [onion] = {s.normalized for s in find_selectors(play.brief("appeal")) if s.kind == "onion_v3"}
    weeks = json.loads((course_world / "world.json").read_text())["weeks"]
    return forum.crawl_forum(course_world, onion, weeks * 7 - 1)


def full_marks(play: Play, answers: dict[str, str]) -> None:
    scores = play.score(answers)
    assert scores == {qid: pytest.approx(1.0) for qid in answers}, scores
    # a wrong answer still scores nothing and a half-right set or path scores in between
    for q in play.ex.questions():
        if q.id in answers and q.answer.type in ("set", "path"):
            items = answers[q.id].split(",")
            if len(items) > 1:
                half = play.score({q.id: ",".join([*items[:1], "0" * 64])})[q.id]
                assert 0 < half < 1
        if q.id in answers and q.answer.type in ("text", "choice", "number"):
            assert play.score({q.id: "-1"})[q.id] == 0.0


def test_every_exercise_has_a_solver_or_a_reason() -> None:
    solved = {"opsec-setup", "forum-actors", "wallet-anatomy", "tracing", "legal-request"}
    solved |= {"interagency"}
    assert {ex.id for ex in load_course()} == solved | set(SKIPPED)


def test_opsec_setup(course_world: Path) -> None:
    play = Play(course_world, "opsec-setup")
    full_marks(play, brief_solvers.opsec_setup(play.brief("check-addresses")))


def test_forum_actors(course_world: Path, forum_pages: dict[str, str]) -> None:
    full_marks(Play(course_world, "forum-actors"), forum.forum_actors(forum_pages))


def test_wallet_anatomy(course_world: Path, store: ChainStore, forum_pages: dict[str, str]) -> None:
    play = Play(course_world, "wallet-anatomy")
    found = forum.forum_actors(forum_pages)["addresses"].split(",")
    [first] = {s.normalized for s in find_selectors(play.brief("address")) if s.kind == "btc"}
    donations = [first, *[a for a in found if a != first]]
    full_marks(play, chain_solvers.wallet_anatomy(store, donations))


def test_tracing(course_world: Path, store: ChainStore) -> None:
    play = Play(course_world, "tracing")
    [wallet] = [s.normalized for s in find_selectors(play.brief("cash-out")) if s.kind == "btc"]
    path, deposit = chain_solvers.cash_out(store, wallet)
    mixer_brief = play.brief("mixer")
    [order] = TXID.findall(mixer_brief)
    group = [s.normalized for s in find_selectors(mixer_brief) if s.kind == "btc"]
    mix = chain_solvers.back_through_mixer(store, order, group)
    answers = {"cashout-path": ",".join(path), "deposit": deposit, "mix-path": ",".join(mix)}
    full_marks(play, answers)
    reversed_path = play.score({"cashout-path": ",".join(reversed(path))})["cashout-path"]
    assert 0.8 < reversed_path < 1.0  # every hop, wrong order


def test_legal_request(course_world: Path) -> None:
    play = Play(course_world, "legal-request")
    text = play.brief("request")
    [deposit] = [s.normalized for s in find_selectors(text) if s.kind == "btc"]
    [exchange] = [s.normalized for s in find_selectors(text) if s.kind == "onion_v3"]
    answers = {**desk.legal_request(course_world, exchange, deposit)}
    answers |= brief_solvers.quiz("legal-request")
    full_marks(play, answers)


def test_interagency(course_world: Path, store: ChainStore, forum_pages: dict[str, str]) -> None:
    """The joint money trail needs the customs brief (orders) and the security brief (wallet)."""
    play = Play(course_world, "interagency")
    customs, security = play.brief("parcels"), play.brief("intelligence")
    orders = TXID.findall(customs)
    group = [s.normalized for s in find_selectors(security) if s.kind == "btc"]
    trail = [tx for order in orders for tx in chain_solvers.back_through_mixer(store, order, group)]
    answers = {
        "appeal-author": forum.forum_actors(forum_pages)["author"],
        "money-trail": ",".join(trail),
        **brief_solvers.quiz("interagency"),
    }
    full_marks(play, answers)
    # security's part alone (the wallet) does not give the trail: customs' orders are needed
    assert len(orders) == 2 and not set(trail) & set(TXID.findall(security))


@pytest.mark.parametrize("eid", sorted(SKIPPED))
def test_waiting_for_toolkit(eid: str, course_world: Path) -> None:
    play = Play(course_world, eid)
    static = brief_solvers.quiz(eid)
    if static:
        assert set(play.score(static).values()) == {1.0}
    pytest.skip(f"{eid}: {SKIPPED[eid]}")
