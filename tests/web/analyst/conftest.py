"""Fixtures of the analyst pages: a real tiny world captured, parsed, linked, indexed and its
chain ingested (once per session), a crawl folder with a CAPTCHA waiting, a watch state with
alerts, a signed evidence package; and per test a case store with a case and a running app."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from darkrange.analyze.link import link_records
from darkrange.analyze.search import build_index
from darkrange.analyze.watch import run_watch
from darkrange.case import Store, add_account, add_evidence, add_member, add_trace, create_case
from darkrange.chain import ChainStore, ingest_world_chain
from darkrange.cli import main
from darkrange.collect.crawl._state import CrawlState
from darkrange.collect.evidence import build_package, generate_key, load_private_key
from darkrange.web import WebConfig, create_app
from tests.collect.evidence_site import crawl
from tests.extract.test_records_capture import capture
from tests.web.conftest import Server, sign_in

# a valid 1x1 PNG: the CAPTCHA image the crawler saved
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class Data:
    world: Path
    records: Path
    index: Path
    links: Path
    chain: Path
    crawl: Path
    watch: Path
    package: Path


@pytest.fixture(scope="session")
def analyst_data(web_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Data:
    base = tmp_path_factory.mktemp("analyst")
    capture(web_world, 20, base / "warc")
    assert main(["parse", "--warc", str(base / "warc"), "--out", str(base / "records")]) == 0
    link_records(base / "records", base / "links")
    build_index(base / "records", base / "index")
    with ChainStore.writer(base / "chain") as store:
        ingest_world_chain(store, web_world / "chain")
    crawl_dir = base / "crawl"
    crawl_dir.mkdir()
    state = CrawlState(crawl_dir)
    (crawl_dir / "captchas").mkdir()
    ident = state.add_captcha("x" * 56 + ".onion", "http://x.onion/captcha.png", "")
    (crawl_dir / "captchas" / f"{ident}.png").write_bytes(PNG)
    state.db.execute(
        "UPDATE captchas SET image = ? WHERE id = ?",
        (str(crawl_dir / "captchas" / f"{ident}.png"), ident),
    )
    state.db.close()
    watch = base / "watch"
    watch.mkdir()
    (watch / "w.yaml").write_text("name: stealthy\nkeywords: [stealth]\n", encoding="utf-8")
    run = run_watch(
        watch / "w.yaml", records=base / "records", now=datetime(2030, 1, 2, tzinfo=UTC)
    )
    assert run.new
    evidence = base / "evidence"
    crawl(evidence / "crawl")
    key, _ = generate_key(evidence / "agency.key")
    build_package(evidence / "crawl", evidence / "site.wacz", load_private_key(key))
    return Data(
        web_world, base / "records", base / "index", base / "links", base / "chain",
        crawl_dir, watch / "w.state", evidence / "site.wacz",
    )  # fmt: skip


@dataclass
class Setup:
    server: Server
    case_id: int
    evidence_id: int
    trace_id: int
    data: Data
    store: Store
    clients: list[httpx.Client]

    def client(self, username: str) -> httpx.Client:
        client = self.server.client()
        self.clients.append(client)
        assert sign_in(client, username).status_code == 303
        return client


def seed_case(store: Store, package: Path, vault: Path) -> tuple[int, int, int]:
    """A case of ana's with sue as member: an account, a trace and an evidence item."""
    with store.acting("ana") as actor:
        case = create_case(
            actor, "Vendor xXRabbitXx", "Investigate hash sales by xXRabbitXx on two markets",
            "Code of Criminal Procedure, art. 126 (order 2030/17)", "Customs",
        )  # fmt: skip
        add_member(actor, case.id, "sue", "supervises the case")
        add_account(actor, case.id, "a" * 56 + ".onion", "xXRabbitXx")
        trace = add_trace(
            actor, case.id, "test buy to the vendor",
            [
                {"txid": "aa" * 32, "time": "2030-01-01T10:00:00Z", "amount": 1_500_000,
                 "from_address": None, "to_address": "bc1qbuyer", "heuristic": "start",
                 "confidence": 1.0},
                {"txid": "bb" * 32, "time": "2030-01-01T11:00:00Z", "amount": 1_490_000,
                 "from_address": "bc1qbuyer", "to_address": "bc1qvendor",
                 "heuristic": "outspend", "confidence": 1.0},
            ],
        )  # fmt: skip
        item = add_evidence(actor, case.id, package, vault)
        return case.id, item.id, trace.id


@pytest.fixture
def analyst(
    analyst_data: Data,
    web_config: WebConfig,
    web_store: Store,
    serve: Callable[[FastAPI], Server],
    tmp_path: Path,
) -> Iterator[Setup]:
    web_config.index = analyst_data.index
    web_config.links = tmp_path / "links"
    # the link folder gets decisions written into it: a copy per test
    web_config.links.mkdir()
    for name in ("identities.json", "identities.csv"):
        (web_config.links / name).write_bytes((analyst_data.links / name).read_bytes())
    web_config.chain = analyst_data.chain
    # the CAPTCHA queue and the alerts get answered and acknowledged: copies per test
    web_config.crawls = [Path(shutil.copytree(analyst_data.crawl, tmp_path / "crawl"))]
    web_config.watch = Path(shutil.copytree(analyst_data.watch, tmp_path / "watch.state"))
    case_id, evidence_id, trace_id = seed_case(web_store, analyst_data.package, tmp_path / "vault")
    setup = Setup(
        serve(create_app(web_config, web_store)), case_id, evidence_id, trace_id, analyst_data,
        web_store, [],
    )  # fmt: skip
    yield setup
    for client in setup.clients:
        client.close()
