"""The store: the real block ingested, idempotence, killed ingests, locks, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from darkrange.chain import Block, ChainStore, ingest_raw_blocks, summarize
from darkrange.cli import main
from darkrange.errors import FormatError, StateError
from tests.chain.conftest import BLOCK_HASH


def test_real_block_ingests_with_counts_and_values(
    tmp_path: Path, raw_block_file: Path, real_block: Block
) -> None:
    with ChainStore.writer(tmp_path / "s") as store:
        report = ingest_raw_blocks(store, [raw_block_file])
    assert (report.blocks_added, report.transactions_added) == (1, 1557)
    got = summarize(ChainStore.open(tmp_path / "s"))
    assert got.blocks == 1 and got.transactions == 1557
    assert got.inputs == sum(len(t.inputs) for t in real_block.txs)
    assert got.outputs == sum(len(t.outputs) for t in real_block.txs)
    assert got.total_output_value_sat == sum(o.value for t in real_block.txs for o in t.outputs)
    assert got.coinbase_inputs == 1 and got.min_height == got.max_height == 413_567
    # only spends of outputs made in this very block resolve to a value
    in_block = {t.txid for t in real_block.txs}
    local = sum(i.prev_txid in in_block for t in real_block.txs for i in t.inputs)
    assert got.inputs_with_value == local > 0
    con = ChainStore.open(tmp_path / "s").connect()
    block = con.execute("SELECT hash, height, n_tx, network FROM blocks").fetchall()
    assert block == [(BLOCK_HASH, 413_567, 1557, "mainnet")]
    coinbase = real_block.txs[0]
    row = con.execute(
        "SELECT txid, is_coinbase, fee, output_value FROM transactions WHERE position = 0"
    ).fetchone()
    assert row == (coinbase.txid, True, 0, sum(o.value for o in coinbase.outputs))
    spk = real_block.txs[1].outputs[0].script_pubkey.hex()
    stored = con.execute(
        "SELECT script_pubkey FROM outputs WHERE txid = ? AND vout = 0", [real_block.txs[1].txid]
    ).fetchone()
    assert stored == (spk,)


def test_reingest_adds_nothing(tmp_path: Path, raw_block_file: Path) -> None:
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_raw_blocks(store, [raw_block_file])
        again = ingest_raw_blocks(store, [raw_block_file, raw_block_file])
    assert (again.blocks_added, again.blocks_skipped, again.parts) == (0, 2, [])
    assert summarize(ChainStore.open(tmp_path / "s")).transactions == 1557
    assert sorted(p.name for p in (tmp_path / "s" / "transactions").iterdir()) == [
        "part-000001.parquet"
    ]


def test_killed_ingest_leaves_nothing_visible_and_is_cleaned(
    tmp_path: Path, raw_block_file: Path
) -> None:
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_raw_blocks(store, [raw_block_file])
    before = summarize(ChainStore.open(tmp_path / "s"))
    # what a kill between renames and the manifest commit leaves behind
    for table in ("blocks", "transactions", "inputs"):
        shutil.copy(tmp_path / "s" / table / "part-000001.parquet",
                    tmp_path / "s" / table / "part-000002.parquet")  # fmt: skip
    (tmp_path / "s" / "outputs" / ".tmp-part-000002.parquet").write_bytes(b"PAR1 half")
    assert summarize(ChainStore.open(tmp_path / "s")) == before  # readers see committed parts only
    with ChainStore.writer(tmp_path / "s") as store:
        assert ingest_raw_blocks(store, [raw_block_file]).blocks_added == 0
    leftovers = sorted(p.name for p in (tmp_path / "s").glob("*/*part-000002*"))
    assert leftovers == []
    assert summarize(ChainStore.open(tmp_path / "s")) == before


def test_damaged_file_adds_nothing_and_keeps_what_is_stored(
    tmp_path: Path, raw_block_file: Path, shared_data: Path
) -> None:
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_raw_blocks(store, [raw_block_file])
    cut = tmp_path / "cut.raw"
    cut.write_bytes(raw_block_file.read_bytes()[:500_000])
    genesis = tmp_path / "genesis.raw"
    text = (shared_data / "chain" / "tx-hex" / "genesis_block.txt").read_text().strip()
    genesis.write_bytes(bytes.fromhex(text))
    with ChainStore.writer(tmp_path / "s") as store, pytest.raises(FormatError, match=r"cut\.raw"):
        ingest_raw_blocks(store, [genesis, cut])
    got = summarize(ChainStore.open(tmp_path / "s"))
    assert (got.blocks, got.transactions) == (2, 1558)  # the good file before it stays


def test_one_writer_at_a_time_and_foreign_folders_refused(tmp_path: Path) -> None:
    with (
        ChainStore.writer(tmp_path / "s"),
        pytest.raises(StateError, match="another ingest"),
        ChainStore.writer(tmp_path / "s"),
    ):
        pass
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with (
        pytest.raises(StateError, match="neither empty nor a chain store"),
        ChainStore.writer(tmp_path / "other"),
    ):
        pass
    with pytest.raises(StateError, match="not a chain store"):
        ChainStore.open(tmp_path / "missing")


def test_cli_ingest_summary_json_and_errors(
    tmp_path: Path, raw_block_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    assert main(["chain", "ingest", "--store", store, "--raw-block", str(raw_block_file)]) == 0
    capsys.readouterr()
    assert main(["chain", "summary", "--store", store, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["blocks", "transactions", "inputs", "outputs", "total_output_value_sat"]
    assert data["blocks"] == 1 and data["transactions"] == 1557
    assert main(["chain", "summary", "--store", store]) == 0
    assert "inputs with spent value known" in capsys.readouterr().out
    bad = tmp_path / "bad.raw"
    bad.write_bytes(b"\x01" * 10)
    assert main(["chain", "ingest", "--store", store, "--raw-block", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "block too short" in err and "Traceback" not in err
    assert main(["chain", "ingest", "--store", store]) == 2
    assert main(["chain", "summary", "--store", str(tmp_path / "none")]) == 3
