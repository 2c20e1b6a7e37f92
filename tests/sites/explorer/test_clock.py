"""The explorer follows the range clock: only blocks mined by the end of the clock's day exist.

Checked against the tiny world's Parquet at two clock positions (day 2 and day 9), and moving
the clock between them as `range advance` does.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from darkrange.network import RangeClock, SiteContext, load_sites
from darkrange.sites.explorer import ExplorerApp, build_app
from tests.sites.explorer.test_api import Rows, check_tx, get
from tests.sites.otherfix import serve, tiny_world

DAY = 86_400
EARLY, LATE = 2, 9


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_world(tmp_path_factory)


@pytest.fixture(scope="module")
def rows(world: Path) -> Rows:
    return Rows(world / "chain")


def start_of(world: Path) -> int:
    return int(json.loads((world / "world.json").read_text("utf-8"))["start"])


def app_at(world: Path, days: int) -> tuple[ExplorerApp, RangeClock]:
    site = next(s for s in load_sites(world) if s.kind == "explorer")
    clock = RangeClock(days)
    app = build_app(SiteContext(world, site, clock))
    assert isinstance(app, ExplorerApp)
    return app, clock


class Cut:
    """What the Parquet says exists at the end of a clock day."""

    def __init__(self, rows: Rows, start: int, days: int) -> None:
        moment = start + (days + 1) * DAY - 1
        self.tip = max(b["height"] for b in rows.blocks if b["time"] <= moment)
        self.rows = rows
        self.mined = {t for t, row in rows.tx.items() if row["block_height"] <= self.tip}

    def history(self, address: str) -> list[str]:
        return [t for t in self.rows.address_txids(address) if t in self.mined]

    def stats(self, address: str) -> dict[str, int]:
        funded = [
            r for r in self.rows.outputs if r["address"] == address and r["txid"] in self.mined
        ]
        spent = [r for r in funded if r["spent_by_txid"] in self.mined]
        return {
            "funded_txo_count": len(funded),
            "funded_txo_sum": sum(r["value"] for r in funded),
            "spent_txo_count": len(spent),
            "spent_txo_sum": sum(r["value"] for r in spent),
            "tx_count": len(self.history(address)),
        }

    def utxo(self, address: str) -> set[tuple[str, int]]:
        return {
            (r["txid"], r["vout"])
            for r in self.rows.outputs
            if r["address"] == address
            and r["txid"] in self.mined
            and r["spent_by_txid"] not in self.mined
        }


def walk_history(app: ExplorerApp, address: str) -> list[str]:
    seen = [t["txid"] for t in get(app, f"/address/{address}/txs")]
    while seen:
        page = [t["txid"] for t in get(app, f"/address/{address}/txs/chain/{seen[-1]}")]
        if not page:
            break
        seen += page
    return seen


def busy_addresses(cut: Cut, later: Cut) -> list[str]:
    """Addresses whose history goes on after the cut: the interesting ones for a clock."""
    counts = Counter(r["address"] for r in cut.rows.outputs if r["address"])
    busy = [a for a, _ in counts.most_common(60) if len(later.history(a)) > len(cut.history(a))]
    assert len(busy) >= 5
    return busy[:8]


def test_tip_follows_the_clock(world: Path, rows: Rows) -> None:
    early, late = Cut(rows, start_of(world), EARLY), Cut(rows, start_of(world), LATE)
    assert 0 < early.tip < late.tip < len(rows.blocks) - 1
    for days, cut in ((EARLY, early), (LATE, late)):
        app, _ = app_at(world, days)
        assert get(app, "/blocks/tip/height") == str(cut.tip)
        assert get(app, "/blocks/tip/hash") == rows.blocks[cut.tip]["hash"]
        assert get(app, "/blocks")[0]["height"] == cut.tip
        assert get(app, f"/block-height/{cut.tip}") == rows.blocks[cut.tip]["hash"]
        future = rows.blocks[cut.tip + 1]
        assert get(app, f"/block-height/{cut.tip + 1}", 404) == "Block not found"
        assert get(app, f"/block/{future['hash']}", 404) == "Block not found"
        assert get(app, f"/blocks/{cut.tip + 1}", 404) == "Block not found"
        tip_hash = rows.blocks[cut.tip]["hash"]
        assert get(app, f"/block/{tip_hash}/status")["next_best"] is None
        home = app.respond("GET", "/", "").body.decode()
        assert f"Tip height {cut.tip}," in home and future["hash"] not in home


def test_unmined_transactions_do_not_exist_yet(world: Path, rows: Rows) -> None:
    cut = Cut(rows, start_of(world), EARLY)
    app, _ = app_at(world, EARLY)
    last = [t for t in rows.txs if t["block_height"] == cut.tip][-1]["txid"]
    check_tx(get(app, f"/tx/{last}"), rows, None)
    unmined = [t["txid"] for t in rows.txs if t["block_height"] == cut.tip + 1]
    for txid in unmined:
        assert get(app, f"/tx/{txid}", 404) == "Transaction not found"
        assert get(app, f"/tx/{txid}/outspends", 404) == "Transaction not found"
        assert get(app, f"/tx/{txid}/status") == {"confirmed": False}
        assert app.respond("GET", f"/tx/{txid}", "").status == 404  # the HTML view too
    # outputs mined before the cut but spent after it are still unspent
    spent_later = [
        r
        for r in rows.outputs
        if r["txid"] in cut.mined and r["spent_by_txid"] and r["spent_by_txid"] not in cut.mined
    ]
    assert spent_later
    for r in spent_later[:30]:
        assert get(app, f"/tx/{r['txid']}/outspend/{r['vout']}") == {"spent": False}
        assert get(app, f"/tx/{r['txid']}/outspends")[r["vout"]] == {"spent": False}


def test_address_histories_cut_at_the_tip(world: Path, rows: Rows) -> None:
    start = start_of(world)
    early, late = Cut(rows, start, EARLY), Cut(rows, start, LATE)
    for days, cut in ((EARLY, early), (LATE, late)):
        app, _ = app_at(world, days)
        for address in busy_addresses(early, late):
            assert get(app, f"/address/{address}")["chain_stats"] == cut.stats(address)
            assert walk_history(app, address) == cut.history(address)
            utxo = {(u["txid"], u["vout"]) for u in get(app, f"/address/{address}/utxo")}
            assert utxo == cut.utxo(address)
            unmined = late.history(address)[0]
            if days == EARLY:  # paging from a transaction not mined yet: nothing, as electrs
                assert get(app, f"/address/{address}/txs/chain/{unmined}") == []


def test_advancing_the_clock_makes_new_blocks_appear(world: Path, rows: Rows) -> None:
    start = start_of(world)
    early, late = Cut(rows, start, EARLY), Cut(rows, start, LATE)
    app, clock = app_at(world, EARLY)
    future = rows.blocks[early.tip + 1]["hash"]
    txid = next(t["txid"] for t in rows.txs if t["block_height"] == early.tip + 1)
    assert get(app, f"/block/{future}", 404) == "Block not found"
    assert get(app, f"/tx/{txid}", 404) == "Transaction not found"
    clock.set_days(LATE)  # what a worker does on `range advance`
    assert get(app, "/blocks/tip/height") == str(late.tip)
    assert get(app, f"/block/{future}")["height"] == early.tip + 1
    check_tx(get(app, f"/tx/{txid}"), rows, None)


def test_served_over_http_at_two_days(world: Path, rows: Rows) -> None:
    start = start_of(world)
    tips = []
    for days in (EARLY, LATE):
        app, _ = app_at(world, days)
        with serve(app) as base:
            answer = httpx.get(f"{base}/api/blocks/tip/height")
            head = httpx.head(f"{base}/api/blocks/tip/height")
        assert answer.status_code == 200 and answer.headers["content-type"] == "text/plain"
        assert head.status_code == 200 and head.content == b""
        tips.append(int(answer.text))
    assert tips == [Cut(rows, start, EARLY).tip, Cut(rows, start, LATE).tip]


def test_without_a_clock_the_whole_chain(rows: Rows, world: Path) -> None:
    from darkrange.sites.explorer import explorer_app

    app = explorer_app(world / "chain")
    assert get(app, "/blocks/tip/height") == str(len(rows.blocks) - 1)
    last: dict[str, Any] = rows.txs[-1]
    assert get(app, f"/tx/{last['txid']}")["status"]["block_height"] == last["block_height"]
