"""Every built-in exercise is solvable with the toolkit alone: scripted solvers (solvers/) read
only what a trainee gets (rendered briefs, the range's sites, the public chain) and score full
marks, and wrong or partial answers score what they should. The market exercises share one
weekly crawl of the session world (solvers/capture.py), parsed, classified and linked."""

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
from .solvers import desk, forum, markets

TXID = re.compile(r"\b[0-9a-f]{64}\b")


class Play:
    """One exercise in the session world: what the trainee sees, and the scorer."""

    def __init__(self, world: Path, eid: str) -> None:
        self.view = WorldView(world)
        self.ex: Exercise = find_exercise(load_course(), eid)
        self.facts = resolve_facts(self.ex, self.view)

    def brief(self, level: str) -> str:
        lv = next(lv for lv in self.ex.levels if lv.id == level)
        return render_brief(lv.brief, self.facts)

    def question(self, qid: str) -> str:
        return render_brief(self.ex.question(qid).text, self.facts)

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


@pytest.fixture(scope="session")
def weekly(course_world: Path, tmp_path_factory: pytest.TempPathFactory) -> markets.Weekly:
    """One weekly crawl of every market the directory lists (directory from the recon brief)."""
    play = Play(course_world, "market-recon")
    [directory] = {s.normalized for s in find_selectors(play.brief("map")) if s.kind == "onion_v3"}
    weeks = json.loads((course_world / "world.json").read_text())["weeks"]
    return markets.weekly_crawl(course_world, directory, weeks, tmp_path_factory.mktemp("weekly"))


def onions(text: str) -> list[str]:
    return [s.normalized for s in find_selectors(text) if s.kind == "onion_v3"]


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


def test_every_exercise_has_a_solver() -> None:
    solved = {"opsec-setup", "market-recon", "suspicious-listings", "vendor-profiling"}
    solved |= {"account-linking", "forum-actors", "wallet-anatomy", "tracing", "legal-request"}
    solved |= {"evidence", "sharing", "interagency"}
    assert {ex.id for ex in load_course()} == solved


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


def test_market_recon(course_world: Path, weekly: markets.Weekly) -> None:
    play = Play(course_world, "market-recon")
    [market] = onions(play.question("mirrors"))
    cloned_name = re.findall(r"poses as (.+) but is", play.question("clone"))[0]
    answers = markets.market_recon(weekly, market, cloned_name)
    full_marks(play, answers)
    # the clone offered as a mirror earns nothing; the genuine mirror is not the clone
    assert play.score({"mirrors": answers["clone"], "clone": answers["mirrors"]}) == {
        "mirrors": 0.0,
        "clone": 0.0,
    }
    assert play.score({"exit-week": str(int(answers["exit-week"]) + 1)})["exit-week"] == 0.0


def test_suspicious_listings(course_world: Path, weekly: markets.Weekly, tmp_path: Path) -> None:
    play = Play(course_world, "suspicious-listings")
    [market] = onions(play.brief("sweep"))
    answers = markets.suspicious_listings(weekly, market, tmp_path)
    full_marks(play, answers)
    # one category's listings for the other earn nothing; both together are half right
    both = ",".join([answers["explosives"], answers["weapons"]])
    swapped = play.score({"explosives": answers["weapons"], "weapons": both})
    assert swapped["explosives"] == 0.0 and 0 < swapped["weapons"] < 1


def test_vendor_profiling(course_world: Path, weekly: markets.Weekly) -> None:
    play = Play(course_world, "vendor-profiling")
    text = play.brief("profile")
    [vendor] = re.findall(r"\*\*(.+?)\*\*", text)
    [market] = onions(text)
    answers = markets.vendor_profile(weekly, market, vendor)
    full_marks(play, answers)
    # the fingerprint is read in any case; another vendor's key is wrong
    assert play.score({"fingerprint": answers["fingerprint"].lower()})["fingerprint"] == 1.0
    [(other,)] = weekly.rows(
        "SELECT pgp_fingerprint FROM {vendors} WHERE site = ? AND pgp_fingerprint <> ? LIMIT 1",
        [market, answers["fingerprint"]],
    )
    assert play.score({"fingerprint": str(other)})["fingerprint"] == 0.0


def test_account_linking(course_world: Path, weekly: markets.Weekly) -> None:
    play = Play(course_world, "account-linking")
    text = play.brief("same-key")
    vendor, market_name = re.findall(r"^(\S+) on (.+?) signs with", text, re.M)[0]
    [other_market] = onions(text)
    [(market,)] = weekly.rows(
        "SELECT site FROM {sites} WHERE site_name = ? AND len(onions) > 1", [market_name]
    )
    answers = markets.account_linking(weekly, vendor, str(market), other_market)
    full_marks(play, answers)
    # the vendor's own handle is not the other account's; every linked account of the closed
    # market's vendors (not only those who moved after it closed) is partly right
    assert play.score({"other-handle": vendor})["other-handle"] == 0.0
    everyone = markets.linked_elsewhere(weekly)
    assert set(answers["migrated"].split(",")) < everyone
    assert 0 < play.score({"migrated": ",".join(sorted(everyone))})["migrated"] < 1


def test_evidence(course_world: Path, weekly: markets.Weekly, tmp_path: Path) -> None:
    play = Play(course_world, "evidence")
    text = play.brief("capture")
    [vendor] = re.findall(r"\*\*(.+?)\*\*", text)
    [market] = onions(text)
    answers = markets.capture_vendor(course_world, market, vendor, weekly.days[-1], tmp_path)
    full_marks(play, {**answers, **brief_solvers.quiz("evidence")})
    # re-hashing a tampered record is the wrong choice; the digest is read in any spelling
    wrong = play.score({"tampered": "re-hash the record and carry on", "digest": "sha256"})
    assert wrong == {"tampered": 0.0, "digest": 1.0}


def test_sharing(course_world: Path, forum_pages: dict[str, str]) -> None:
    play = Play(course_world, "sharing")
    [thread] = re.findall(r"thread `([^`]+)`", play.brief("package"))
    answers = forum.bystanders(forum_pages, thread)
    full_marks(play, {**answers, **brief_solvers.quiz("sharing")})
    # naming the group's own author as a bystander halves the credit; the author alone: nothing
    author = forum.forum_actors(forum_pages)["author"]
    assert 0 < play.score({"bystanders": f"{answers['bystanders']},{author}"})["bystanders"] < 1
    assert play.score({"bystanders": author})["bystanders"] == 0.0
