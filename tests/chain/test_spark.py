"""`chain cluster --engine spark` gives exactly the embedded engine's clusters (local[2])."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from darkrange.chain import ChainStore, ingest_world_chain, write_clusters
from darkrange.cli import main
from tests.chain.worldfix import Spec, address, write_world

# one local[2] session per test process: cluster_spark gets or creates it and never stops it
pytestmark = pytest.mark.slow


def test_spark_clusters_equal_embedded(tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java, which is not on this machine")
    if not os.environ.get("CI"):  # CI installs the dev extra, pyspark with it: never skip there
        pytest.importorskip("pyspark", reason="pyspark is in the dev extra")
    names = ["a1", "a2", "a2", "a3", *[f"c{i}" for i in range(5)], "j1", "j2", "j3", "b9"]
    fund = Spec("fund", [(Spec("coinbase0").txid, 0)], [(address(n), 10**8) for n in names])
    pay1 = Spec("pay1", [(fund.txid, 0), (fund.txid, 1)], [(address("b1"), 19 * 10**7)])
    pay2 = Spec("pay2", [(fund.txid, 2), (fund.txid, 3)], [(address("b2"), 19 * 10**7)])
    pool = Spec("pool", [(fund.txid, 4 + i) for i in range(5)],
                [(address(f"w{i}"), 1_000_000) for i in range(5)])  # fmt: skip
    join = Spec("join", [(fund.txid, 9 + i) for i in range(3)],
                [*((address(f"k{i}"), 2_000_000) for i in range(3)),
                 (address("j1c"), 97_000_000), (address("j2c"), 97_000_001)])  # fmt: skip
    chain = Spec("chain", [(pay1.txid, 0), (pay2.txid, 0), (fund.txid, 12)],
                 [(address("z"), 10**7)])  # fmt: skip
    write_world(tmp_path / "w", [[], [fund], [pay1, pay2, pool, join], [chain]])
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_world_chain(store, tmp_path / "w")
    embedded = write_clusters(ChainStore.open(tmp_path / "s"), tmp_path / "e.csv")
    args = ["chain", "cluster", "--store", str(tmp_path / "s"), "--out", str(tmp_path / "p.csv")]
    assert main([*args, "--engine", "spark"]) == 0
    assert (tmp_path / "p.csv").read_bytes() == (tmp_path / "e.csv").read_bytes()
    assert embedded.coinjoins == {"joinmarket": 1, "whirlpool": 1}
    rows = dict(line.split(",") for line in (tmp_path / "p.csv").read_text().split()[1:])
    for names in (("a1", "a2", "a3"), ("b1", "b2", "b9")):  # a2 reused; `chain` spends b*
        wallet = sorted(address(n) for n in names)
        assert {rows[a] for a in wallet} == {wallet[0]}
    assert rows[address("a1")] != rows[address("b1")]
