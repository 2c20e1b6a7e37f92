"""Watchlists on a new crawl's records: matching, deduplication across runs, webhooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from darkrange.analyze.watch import parse_watchlist, run_watch
from darkrange.errors import FormatError, NetworkError
from tests.analyze.test_linkfix import ONION_A, ONION_B, btc, key, listing, vendor, write_records

PGP = key(70)
ADDRESS = btc(7)
WATCHLIST = f"""
name: course-demo
selectors: [{ADDRESS}, {PGP.fingerprint}]
handles: [DonGarden]
keywords: [ammonium nitrate]
patterns:
  - name: glock-model
    regex: 'glock\\s*\\d+'
rules:
  - name: precursor-kit
    strings:
      $a: ammonium nitrate
      $b: '/alumin(i)?um\\s+powder/i'
      $c: fuel oil
    condition: 2 of them
"""


def _crawl(folder: Path, extra: list[dict[str, Any]] | None = None) -> Path:
    listings = [
        listing(1, ONION_A, "донгарден", "Glock 19 Gen4", "Clean history.", 900),
        listing(2, ONION_A, "chem_depot", "Ammonium nitrate 25kg", "Also aluminum powder.", 120),
        listing(3, ONION_B, "quiet_owl", "Green tea", "Nothing to see here.", 10),
        *(extra or []),
    ]
    return write_records(
        folder,
        listings=listings,
        vendors=[vendor(1, ONION_B, "payee", PGP, terms=f"Send BTC to {ADDRESS} only.")],
    )


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    path = tmp_path / "watch.yaml"
    path.write_text(WATCHLIST, encoding="utf-8")
    return path


def test_every_kind_of_entry_matches_and_names_where(watchlist: Path, tmp_path: Path) -> None:
    run = run_watch(watchlist, records=_crawl(tmp_path / "crawl1"))
    got = {(a.kind, a.rule, a.where["id"]) for a in run.new}
    assert ("handle", "DonGarden", "1") in got  # the Cyrillic spelling of the handle
    assert ("pattern", "glock-model", "1") in got
    assert ("keyword", "ammonium nitrate", "2") in got
    assert ("rule", "precursor-kit", "2") in got
    assert ("selector", ADDRESS, "payee") in got
    assert ("selector", PGP.fingerprint, "payee") in got
    assert not any(a.where["id"] == "3" for a in run.new)  # the tea listing matches nothing
    rule = next(a for a in run.new if a.kind == "rule")
    assert rule.matched == ("$a", "$b")
    assert rule.where["pointer"]["file"] == "crawl-0001.warc.gz"
    assert rule.where["pointer"]["record_id"] == "<urn:uuid:0000-0002>"
    assert "Ammonium nitrate" in rule.snippet


def test_alerts_are_deduplicated_across_runs(watchlist: Path, tmp_path: Path) -> None:
    first = run_watch(watchlist, records=_crawl(tmp_path / "crawl1"))
    extra = [listing(9, ONION_B, "newcomer", "Glock 17 Gen5", "Fresh stock.", 950)]
    second = run_watch(watchlist, records=_crawl(tmp_path / "crawl2", extra))
    assert len(first.new) == 6
    assert [(a.kind, a.where["id"]) for a in second.new] == [("pattern", "9")]
    assert second.repeated == 6
    lines = (tmp_path / "watch.state" / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 7 and all(json.loads(line)["raised_at"] for line in lines)


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def hook() -> Iterator[str]:
    _Hook.received, _Hook.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts"
    server.shutdown()
    server.server_close()


def test_webhook_gets_each_alert_once_and_retries_failures(
    watchlist: Path, tmp_path: Path, hook: str
) -> None:
    records = _crawl(tmp_path / "crawl1")
    _Hook.status = 503
    run = run_watch(watchlist, records=records, webhooks=(hook,))
    assert run.failures and "HTTP 503" in run.failures[0]
    _Hook.status = 200
    again = run_watch(watchlist, records=records, webhooks=(hook,))
    assert again.new == [] and again.delivered == {hook: 6}  # the failed batch is sent again
    assert _Hook.received[-1]["watchlist"] == "course-demo"
    assert len(_Hook.received[-1]["alerts"]) == 6
    third = run_watch(watchlist, records=records, webhooks=(hook,))
    assert third.delivered == {hook: 0} and len(_Hook.received) == 2


def test_unreachable_webhook_is_a_network_error_in_the_cli(watchlist: Path, tmp_path: Path) -> None:
    from darkrange.cli import main

    records = _crawl(tmp_path / "crawl1")
    code = main(
        [
            "watch",
            "run",
            "--watchlist",
            str(watchlist),
            "--records",
            str(records),
            "--webhook",
            "http://127.0.0.1:9/nothing",
        ]
    )
    assert code == NetworkError.exit_code
    assert (tmp_path / "watch.state" / "alerts.jsonl").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"keywords": ["x"], "colour": "red"}, "unknown keys colour"),
        ({"patterns": [{"regex": "("}]}, "bad regular expression"),
        ({"rules": [{"strings": {"$a": "x"}, "condition": "3 of them"}]}, "needs 3 of 1"),
        ({"rules": [{"strings": {"$a": "x"}, "condition": "$a and $b"}]}, "is not 'any|all"),
        ({"name": "empty"}, "nothing to watch"),
    ],
)
def test_bad_watchlists_are_refused_clearly(data: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_watchlist(data)


def test_new_blocks_of_a_chain_store_are_watched_once(tmp_path: Path) -> None:
    from darkrange.cli import main
    from tests.sites.explorer.chainfix import build_chain

    chain = build_chain(tmp_path / "world-chain")
    store = tmp_path / "store"
    assert main(["chain", "ingest", "--store", str(store), "--world-chain", str(chain.folder)]) == 0
    path = tmp_path / "chain.yaml"
    path.write_text(f"name: money\nselectors: [{chain.reused}]\n", encoding="utf-8")
    first = run_watch(path, chain=store)
    assert len(first.new) > 25  # the reused address receives and spends again and again
    assert {a.where["direction"] for a in first.new} == {"received", "spent"}
    assert all(a.kind == "chain" and a.rule == chain.reused for a in first.new)
    assert all(a.where["txid"] and a.where["height"] >= 0 for a in first.new)
    second = run_watch(path, chain=store)
    assert second.new == []  # no new blocks since: nothing again
    state = json.loads((tmp_path / "chain.state" / "chain.json").read_text(encoding="utf-8"))
    (height,) = state.values()
    assert height == 11  # the fixture's 12 blocks: the next run starts after the last one
