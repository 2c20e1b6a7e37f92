"""The explorer over a chain written by the world generator (tiny size), against its Parquet."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from darkrange.sites.explorer import ExplorerApp, explorer_app
from tests.sites.explorer.test_api import Rows, check_status, check_tx, get
from tests.sites.otherfix import tiny_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_world(tmp_path_factory)  # the one tiny world every site test shares


@pytest.fixture(scope="module")
def rows(world: Path) -> Rows:
    return Rows(world / "chain")


@pytest.fixture(scope="module")
def app(world: Path) -> ExplorerApp:
    return explorer_app(world / "chain")


def test_every_transaction_and_outspend(app: ExplorerApp, rows: Rows) -> None:
    assert len(rows.tx) > 1000
    for txid in rows.tx:
        check_tx(get(app, f"/tx/{txid}"), rows, None)
    for txid in list(rows.tx)[::7]:
        for out, row in zip(get(app, f"/tx/{txid}/outspends"), rows.outs[txid], strict=True):
            assert out.get("txid") == row["spent_by_txid"]
            assert out.get("vin") == row["spent_by_vin"]
            if out["spent"]:
                check_status(out["status"], rows, row["spent_by_txid"])


def test_busiest_addresses_page_and_add_up(app: ExplorerApp, rows: Rows) -> None:
    counts = Counter(r["address"] for r in rows.outputs if r["address"])
    for address, _ in counts.most_common(5) + counts.most_common()[-5:]:
        expected = rows.address_txids(address)
        stats = get(app, f"/address/{address}")["chain_stats"]
        funded = [r for r in rows.outputs if r["address"] == address]
        assert stats["tx_count"] == len(expected)
        assert stats["funded_txo_sum"] == sum(r["value"] for r in funded)
        spent = sum(r["value"] for r in funded if r["spent_by_txid"])
        assert stats["spent_txo_sum"] == spent
        seen = [t["txid"] for t in get(app, f"/address/{address}/txs")]
        while len(seen) < len(expected):
            seen += [t["txid"] for t in get(app, f"/address/{address}/txs/chain/{seen[-1]}")]
        assert seen == expected
        utxo = {(u["txid"], u["vout"]) for u in get(app, f"/address/{address}/utxo")}
        assert utxo == {(r["txid"], r["vout"]) for r in funded if r["spent_by_txid"] is None}


def test_blocks(app: ExplorerApp, rows: Rows) -> None:
    assert get(app, "/blocks/tip/hash") == rows.blocks[-1]["hash"]
    for block in rows.blocks[:: max(1, len(rows.blocks) // 50)]:
        answer = get(app, f"/block/{block['hash']}")
        assert (answer["height"], answer["tx_count"]) == (block["height"], block["n_tx"])
        assert answer["merkle_root"] == block["merkle_root"]
        assert get(app, f"/block-height/{block['height']}") == block["hash"]
