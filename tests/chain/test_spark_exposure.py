"""Spark tagging and exposure give exactly the embedded path's results (local[2]).

The chain is built so that the embedded tracer's order effects matter: a transaction of a hop
that spends (forward) or funds (backward) another one of the same hop sees its taint at once
when its txid is larger, even through a tagged output; an input of unknown value; a cap on
transactions that stops the walk part-way through a hop.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from darkrange.chain import ChainStore, ingest_world_chain, write_clusters
from darkrange.chain._exposure import Attribution, Exposure, exposure
from darkrange.chain._graph import TxGraph, load_graph
from darkrange.chain._spark_exposure import exposure_spark, tag_addresses_spark
from darkrange.chain._spark_frames import ordered_sum
from darkrange.chain._tags import import_tags, load_tags
from darkrange.chain._trace import Start
from darkrange.chain._wallets import graph_clusters
from darkrange.errors import InputError
from tests.chain.worldfix import Spec, address, write_world

pytestmark = pytest.mark.slow

RANSOM = "1Lud76Q98VRHCUiyK7XUs7AgFofrqXeP78"  # ransomware.yaml: 7ev3n, cluster definer
EXCHANGE = "1129A9dFqy4ABDsGQ8RGusbMWYBoZc4myc"  # walletexplorer.yaml: Bitfinex.com
SANCTIONED = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX"  # OFAC, sanctioned_addresses_XBT.txt
BTC = 10**8
OUTSIDE = hashlib.sha256(b"a transaction outside the store").hexdigest()

PACK = f"""title: darkrange test pack
creator: test
currency: BTC
confidence: web_crawl
source: https://example.org/pack
tags:
- address: {address("mkt")}
  label: Market escrow
  category: market
  is_cluster_definer: true
- address: {address("odd")}
- address: {address("mix2")}
  label: Mixer one
  category: mixing_service
  abuse: scam
- address: {address("mix3")}
  label: Mixer two
  category: mixing_service
"""


def _pair(first: str, second: str, ascending: bool) -> tuple[str, str]:
    """Names for two transactions whose txids sort as asked (the embedded order matters)."""
    for n in range(100):
        a, b = f"{first}{n}", f"{second}{n}"
        if (Spec(a).txid < Spec(b).txid) == ascending:
            return a, b
    raise AssertionError("no names found")


def _chain(folder: Path) -> None:
    s1, s2 = address("s1"), address("s2")
    fund = Spec("fund", [(Spec("coinbase0").txid, 0)], [
        (s1, 10 * BTC), (s2, 5 * BTC), (s1, 4 * BTC), (s2, 3 * BTC), (s1, BTC), (s2, BTC),
        (SANCTIONED, 2 * BTC), (address("odd"), 2 * BTC),
    ])  # fmt: skip
    # forward: B spends A's output in the same hop; B1 after A1 (sees it), B2 before A2
    a1, b1 = (Spec(n) for n in _pair("a", "b", True))
    a2, b2 = (Spec(n) for n in _pair("a", "b", False))
    a1.inputs, a1.outputs = [(fund.txid, 0)], [(RANSOM, 3 * BTC), (address("c1"), 699 * BTC // 100)]
    a2.inputs, a2.outputs = (
        [(fund.txid, 2)],
        [(address("mix2"), BTC), (address("c2"), 299 * BTC // 100)],
    )
    # B is a JoinMarket-shaped CoinJoin, so the tagged input stays in its own cluster
    b1.inputs = [(fund.txid, 1), (a1.txid, 0)]
    b1.outputs = [
        (address("e1"), 2 * BTC),
        (address("e2"), 2 * BTC),
        (address("k1"), 399 * BTC // 100),
    ]
    b2.inputs = [(fund.txid, 3), (a2.txid, 0)]
    b2.outputs = [(address("e3"), 15 * BTC // 10), (address("e4"), 15 * BTC // 10),
                  (address("k2"), 99 * BTC // 100)]  # fmt: skip
    # backward: Y spends X's (tagged) change and pays the cluster; Y1 before X1, Y2 after X2
    y1, x1 = (Spec(n) for n in _pair("y", "x", True))
    y2, x2 = (Spec(n) for n in _pair("y", "x", False))
    x1.inputs, x1.outputs = (
        [(fund.txid, 6)],
        [(address("q1"), BTC), (address("mix3"), 99 * BTC // 100)],
    )
    y1.inputs, y1.outputs = [(x1.txid, 1)], [(address("q2"), 98 * BTC // 100)]
    x2.inputs, x2.outputs = (
        [(fund.txid, 7)],
        [(address("q3"), BTC), (address("mix2"), 99 * BTC // 100)],
    )
    y2.inputs, y2.outputs = [(x2.txid, 1)], [(address("q4"), 98 * BTC // 100)]
    hop2 = [
        Spec("c", [(b1.txid, 0)], [(EXCHANGE, 199 * BTC // 100)]),
        Spec("d", [(b2.txid, 0)], [(address("mkt"), 149 * BTC // 100)]),
        Spec("e", [(b1.txid, 2), (b2.txid, 2)], [(address("g"), 497 * BTC // 100)]),
    ]
    hop3 = [
        Spec("h", [(hop2[2].txid, 0)], [(RANSOM, 2 * BTC), (address("y"), 296 * BTC // 100)]),
        Spec("i", [(hop2[1].txid, 0)], [(address("past-market"), 148 * BTC // 100)]),
        # the cluster: s1, s2 and q1..q4 spent together
        Spec("merge", [(fund.txid, 4), (fund.txid, 5), (x1.txid, 0), (y1.txid, 0),
                       (x2.txid, 0), (y2.txid, 0)], [(address("z"), 589 * BTC // 100)]),
    ]  # fmt: skip
    write_world(folder, [[], [fund], [a1, a2, x1, x2], [b1, b2, y1, y2], hop2, hop3],
                script_type="p2pkh")  # fmt: skip
    # an input from outside the store (value unknown) and one whose value the source left out
    inputs = pq.read_table(folder / "inputs.parquet").to_pylist()
    for row in inputs:
        if row["txid"] == hop2[2].txid and row["vin"] == 1:
            row["value"] = None
    where = next(r for r in inputs if r["txid"] == x1.txid)
    inputs.append({**where, "vin": 1, "prev_txid": OUTSIDE, "prev_vout": 3, "address": None,
                   "value": None})  # fmt: skip
    schema = pq.read_schema(folder / "inputs.parquet")
    pq.write_table(pa.Table.from_pylist(inputs, schema=schema), folder / "inputs.parquet")


_TINY = {"spark.sql.adaptive.enabled": "false", "spark.sql.codegen.wholeStage": "false"}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="pyspark is the optional extra 'spark'")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java, which is not on this machine")
    from darkrange.chain._spark import spark_session

    # one local[2] session for the module, left running for other Spark tests; on a chain this
    # small, re-planning (AQE) and compiling (codegen) each query cost more than they save
    session = spark_session(partitions=2)
    before = {k: session.conf.get(k) for k in _TINY}
    for key, value in _TINY.items():
        session.conf.set(key, value)
    yield session
    for key, value in before.items():
        session.conf.set(key, value)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("spark-exposure")
    _chain(root / "w")
    (root / "pack.yaml").write_text(PACK)
    packs = shared_data / "intel" / "graphsense-tagpacks" / "packs"
    with ChainStore.writer(root / "s") as store:
        ingest_world_chain(store, root / "w")
        files = [packs / "ransomware.yaml", packs / "walletexplorer.yaml", root / "pack.yaml",
                 shared_data / "intel" / "ofac" / "sanctioned_addresses_XBT.txt"]  # fmt: skip
        import_tags(store, files)
    store = ChainStore.open(root / "s")
    write_clusters(store, root / "clusters.csv")
    graph = load_graph(store)
    att = Attribution.build(graph, graph_clusters(graph), load_tags(store.root))
    return {"store": store, "graph": graph, "att": att, "clusters": root / "clusters.csv"}


def _rows(e: Exposure) -> dict[tuple[str, str], tuple[float, float, list[str]]]:
    # exact floats: the Spark job sums the same numbers in the same order
    return {(r.direction, r.key): (r.direct_sat, r.indirect_sat, sorted(r.labels)) for r in e.rows}


def _cluster_of(graph: TxGraph, att: Attribution, name: str) -> str:
    return str(graph.address(int(att.root[graph.address_index(address(name))])))


def test_ordered_sum_is_pythons_sum(spark: Any) -> None:
    values = [1e16, 1.0, 1.0, 3.3, -1e16, 0.1, 0.2, 7e-3]  # order and rounding both show
    frame = spark.createDataFrame(
        [(1, k, x) for k, x in enumerate(values)], "g INT, k INT, x DOUBLE"
    )
    got = frame.groupBy("g").agg(ordered_sum("k", "x").alias("s")).collect()[0]["s"]
    assert got == sum(values) and got != sum(sorted(values))


def test_tags_equal_embedded(spark: Any, world: dict[str, Any]) -> None:
    graph, att = world["graph"], world["att"]
    tagged = tag_addresses_spark(spark, world["clusters"], load_tags(world["store"].root))
    got = {r["address"]: (r["keys"], r["labels"]) for r in tagged.collect()}
    want = {}
    for a, name in enumerate(graph.addresses.to_pylist()):
        if att.keys(a):
            want[name] = (sorted(att.keys(a)), sorted(att.labels(a)))
    assert got == want
    assert got[address("odd")] == (["category:unknown"], ["None"])
    assert got[address("mix2")][0] == ["abuse:scam", "category:mixing_service"]
    assert got[RANSOM][0] == ["abuse:ransomware"] and got[SANCTIONED][0] == ["abuse:sanction"]


def test_exposure_equals_embedded(spark: Any, world: dict[str, Any]) -> None:
    graph, att, store = world["graph"], world["att"], world["store"]
    cluster = _cluster_of(graph, att, "s1")
    assert cluster == min(address(n) for n in ("s1", "s2", "q1", "q2", "q3", "q4"))
    cases = [
        (Start("cluster", cluster), 4, "both"),
        (Start("address", EXCHANGE), 5, "in"),
        (Start("address", address("s2")), 1, "both"),
    ]
    for start, hops, direction in cases:
        want = exposure(graph, att, start, hops=hops, direction=direction)
        got = exposure_spark(store, start, hops=hops, direction=direction,
                             clusters=world["clusters"], spark=spark)  # fmt: skip
        assert got.total_sat == want.total_sat
        assert _rows(got) == _rows(want), (start, hops, direction)
    rows = _rows(exposure(graph, att, Start("cluster", cluster), hops=4, direction="both"))
    # backward, Y1 (smaller txid) funded X1's change first: X1's sanctioned input is funded
    # in full; X2 saw Y2's update only after, and the tagged change stopped it there
    assert rows[("in", "abuse:sanction")][0] == 2 * BTC
    assert 0 < rows[("in", "category:unknown")][0] < 1.1 * BTC
    # forward, B1 passed the ransom output's taint on in the same hop: all B1 paid is tainted;
    # B2 came before A2 and the tagged output stopped the rest: 3 of B2's 4 BTC are
    assert rows[("out", "category:exchange")][1] == 199 * BTC // 100
    assert rows[("out", "category:market")][1] == pytest.approx(0.75 * 149 * BTC // 100)
    assert rows[("out", "abuse:ransomware")][0] == 3 * BTC


def test_cap_stops_part_way_as_embedded(spark: Any, world: dict[str, Any]) -> None:
    graph, att, store = world["graph"], world["att"], world["store"]
    start = Start("cluster", _cluster_of(graph, att, "s1"))
    # backward: 3 of the 5 transactions paying the cluster; forward: 1 of the 5 spending it
    for cap, direction in ((3, "in"), (6, "out")):
        full = _rows(exposure(graph, att, start, hops=4, direction=direction))
        want = _rows(exposure(graph, att, start, hops=4, direction=direction, max_txs=cap))
        got = exposure_spark(store, start, hops=4, direction=direction, max_txs=cap,
                             clusters=world["clusters"], spark=spark)  # fmt: skip
        assert _rows(got) == want != full, cap


def test_clusters_as_a_table_and_errors_are_clear(spark: Any, world: dict[str, Any]) -> None:
    graph, att, store = world["graph"], world["att"], world["store"]
    start = Start("address", address("s2"))
    want = exposure(graph, att, start, hops=2, direction="out")
    table = pacsv.read_csv(world["clusters"])
    got = exposure_spark(store, start, hops=2, direction="out", clusters=table, spark=spark)
    assert _rows(got) == _rows(want) and got.total_sat == 9 * BTC
    clusters = world["clusters"]
    with pytest.raises(InputError, match="not in the store"):
        exposure_spark(store, Start("address", address("nowhere")), clusters=clusters, spark=spark)
    member = next(a for a in map(address, ("q1", "q2")) if a != _cluster_of(graph, att, "s1"))
    with pytest.raises(InputError, match="is not a cluster id"):
        exposure_spark(store, Start("cluster", member), clusters=clusters, spark=spark)
    with pytest.raises(InputError, match="--direction"):
        exposure_spark(store, start, direction="sideways", spark=spark)
    with pytest.raises(InputError, match="--hops"):
        exposure_spark(store, start, hops=0, spark=spark)


def test_cli_engine_spark_prints_what_the_embedded_engine_prints(
    spark: Any, world: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from darkrange.cli import main

    args = ["chain", "exposure", "--store", str(world["store"].root), "--address",
            address("s2"), "--hops", "2", "--direction", "out", "--format", "json"]  # fmt: skip
    assert main(args) == 0
    embedded = json.loads(capsys.readouterr().out)
    assert embedded["exposure"], "the start reaches tagged money"
    assert main([*args, "--engine", "spark", "--clusters", str(world["clusters"])]) == 0
    assert json.loads(capsys.readouterr().out) == embedded
    assert main([*args, "--engine", "gpu"]) != 0
    assert "--engine must be embedded or spark" in capsys.readouterr().err
