"""Incremental clustering: new blocks unioned with the saved clusters equal a full re-run."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from darkrange.chain import ChainStore, ingest_world_chain, load_merges, write_clusters
from darkrange.cli import main
from tests.chain.worldfix import Spec, address, write_world


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="") as fh:
        return list(csv.reader(fh))


def _blocks() -> list[list[Spec]]:
    names = ["a1", "a2", "a3", "a4", "a1", "a3", "b1"]
    fund = Spec("fund", [(Spec("coinbase0").txid, 0)], [(address(n), 10**8) for n in names])
    pay1 = Spec("pay1", [(fund.txid, 0), (fund.txid, 1)], [(address("x1"), 19 * 10**7)])
    pay2 = Spec("pay2", [(fund.txid, 2), (fund.txid, 3)], [(address("x2"), 19 * 10**7)])
    # new blocks: one joins the two saved wallets, one joins a saved wallet and a new address
    join = Spec("join", [(fund.txid, 4), (fund.txid, 5)], [(address("c1"), 10**7)])
    fresh = Spec("fresh", [(fund.txid, 6), (join.txid, 0)], [(address("d1"), 10**7)])
    return [[], [fund], [pay1, pay2], [join], [fresh]]


def test_incremental_equals_full_and_records_merges(tmp_path: Path) -> None:
    blocks = _blocks()
    write_world(tmp_path / "early", blocks[:3])
    write_world(tmp_path / "all", blocks)
    store = tmp_path / "s"
    with ChainStore.writer(store) as chain:
        ingest_world_chain(chain, tmp_path / "early")
    before = write_clusters(ChainStore.open(store), tmp_path / "c0.csv")
    assert not before.incremental and len(load_merges(store)) == 0
    with ChainStore.writer(store) as chain:
        ingest_world_chain(chain, tmp_path / "all")
    args = ["chain", "cluster", "--store", str(store), "--out", str(tmp_path / "inc.csv")]
    assert main([*args, "--incremental"]) == 0
    with ChainStore.writer(tmp_path / "f") as chain:
        ingest_world_chain(chain, tmp_path / "all")
    full = write_clusters(ChainStore.open(tmp_path / "f"), tmp_path / "full.csv")
    assert _rows(tmp_path / "inc.csv") == _rows(tmp_path / "full.csv")
    got = dict(_rows(tmp_path / "inc.csv")[1:])
    wallet = sorted(address(n) for n in ("a1", "a2", "a3", "a4"))
    assert {got[a] for a in wallet} == {wallet[0]}
    assert got[address("c1")] == got[address("b1")] == min(address("c1"), address("b1"))
    merges = load_merges(store).to_pylist()
    # only the join of two saved clusters is a merge; a new address joining one is growth
    assert len(merges) == 1
    assert merges[0]["txid"] == blocks[3][0].txid and merges[0]["block_height"] == 3
    a12 = min(address("a1"), address("a2"))
    a34 = min(address("a3"), address("a4"))
    assert {merges[0]["cluster_a"], merges[0]["cluster_b"]} == {a12, a34}
    assert merges[0]["cluster_id"] == wallet[0]
    assert full.clusters == len(set(got.values()))


def test_incremental_without_new_blocks_changes_nothing(tmp_path: Path) -> None:
    write_world(tmp_path / "w", _blocks())
    with ChainStore.writer(tmp_path / "s") as chain:
        ingest_world_chain(chain, tmp_path / "w")
    first = write_clusters(ChainStore.open(tmp_path / "s"), tmp_path / "a.csv")
    again = write_clusters(
        ChainStore.open(tmp_path / "s"), tmp_path / "b.csv", incremental_run=True
    )
    assert again.incremental and again.merges == 0 and again.transactions == 0
    assert _rows(tmp_path / "a.csv") == _rows(tmp_path / "b.csv")
    assert (first.addresses, first.clusters) == (again.addresses, again.clusters)


def test_incremental_without_saved_clusters_runs_in_full(tmp_path: Path) -> None:
    write_world(tmp_path / "w", _blocks())
    with ChainStore.writer(tmp_path / "s") as chain:
        ingest_world_chain(chain, tmp_path / "w")
    report = write_clusters(
        ChainStore.open(tmp_path / "s"), tmp_path / "a.csv", incremental_run=True
    )
    assert not report.incremental and report.merging_transactions == 4


def test_bad_engine_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_world(tmp_path / "w", _blocks())
    with ChainStore.writer(tmp_path / "s") as chain:
        ingest_world_chain(chain, tmp_path / "w")
    args = ["chain", "cluster", "--store", str(tmp_path / "s"), "--out", str(tmp_path / "c.csv")]
    assert main([*args, "--engine", "hadoop"]) != 0
    assert "--engine must be embedded or spark" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()
