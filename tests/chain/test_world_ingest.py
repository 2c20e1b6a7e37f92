"""Ingest a world's chain layout: counts, values, idempotence, bad layouts."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from darkrange.chain import ChainStore, ingest_world_chain, summarize
from darkrange.errors import FormatError, InputError
from tests.chain.worldfix import Spec, address, write_world


def small_world(folder: Path) -> list[list[Spec]]:
    fund = Spec("fund", [(Spec("coinbase0").txid, 0)],
                [(address("a"), 10**8), (address("b"), 2 * 10**8), (None, 0)])  # fmt: skip
    pay = Spec("pay", [(fund.txid, 0), (fund.txid, 1)], [(address("c"), 29 * 10**7)])
    blocks = [[], [fund], [pay]]
    write_world(folder, blocks)
    return blocks


def test_world_chain_ingests_with_counts_values_and_fees(tmp_path: Path) -> None:
    small_world(tmp_path / "world")
    with ChainStore.writer(tmp_path / "store") as store:
        report = ingest_world_chain(store, tmp_path / "world")
    assert (report.blocks_added, report.transactions_added) == (3, 5)
    got = summarize(ChainStore.open(tmp_path / "store"))
    # 3 coinbases + fund (1 in, 3 out) + pay (2 in, 1 out)
    value = 150 * 10**8 + 3 * 10**8 + 29 * 10**7
    assert got.as_json() == {"blocks": 3, "transactions": 5, "inputs": 6, "outputs": 7,
                             "total_output_value_sat": value}  # fmt: skip
    assert got.inputs_with_value == 3 and got.coinbase_inputs == 3
    con = ChainStore.open(tmp_path / "store").connect()
    fee, out_value = con.execute(
        "SELECT fee, output_value FROM transactions t JOIN blocks b ON b.hash = t.block_hash"
        " WHERE b.height = 2 AND NOT is_coinbase"
    ).fetchone() or (None, None)
    assert (fee, out_value) == (10**7, 29 * 10**7)
    kinds = con.execute("SELECT DISTINCT script_type FROM outputs ORDER BY 1").fetchall()
    assert kinds == [("nulldata",), ("p2wpkh",)]


def test_world_reingest_adds_nothing_and_new_blocks_are_added(tmp_path: Path) -> None:
    blocks = small_world(tmp_path / "world")
    with ChainStore.writer(tmp_path / "store") as store:
        ingest_world_chain(store, tmp_path / "world")
        again = ingest_world_chain(store, tmp_path / "world")
        assert (again.blocks_added, again.blocks_skipped, again.parts) == (0, 3, [])
        # the world grows by a block: only that block is added
        write_world(tmp_path / "world", [*blocks, []])
        grown = ingest_world_chain(store, tmp_path / "world")
        assert (grown.blocks_added, grown.transactions_added) == (1, 1)
    assert summarize(ChainStore.open(tmp_path / "store")).transactions == 6


def test_unknown_script_type_and_missing_files_are_clear_errors(tmp_path: Path) -> None:
    small_world(tmp_path / "world")
    outputs = pq.read_table(tmp_path / "world" / "outputs.parquet")
    column = pa.array(["p2qq"] * outputs.num_rows)
    pq.write_table(
        outputs.set_column(6, "script_type", column), tmp_path / "world" / "outputs.parquet"
    )
    with ChainStore.writer(tmp_path / "store") as store:
        with pytest.raises(FormatError, match=r"unknown script type.*p2qq"):
            ingest_world_chain(store, tmp_path / "world")
        (tmp_path / "world" / "inputs.parquet").unlink()
        with pytest.raises(InputError, match=r"inputs\.parquet is missing"):
            ingest_world_chain(store, tmp_path / "world")
    assert summarize(ChainStore.open(tmp_path / "store")).transactions == 0
