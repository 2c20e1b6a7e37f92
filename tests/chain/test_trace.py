"""Tracing: taint models, forward and backward hops, reports, CLI, and the world's payment paths."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest

from darkrange.chain import ChainStore, ingest_world_chain
from darkrange.chain._graph import load_graph
from darkrange.chain._taint import fifo_map, spread
from darkrange.chain._trace import Start, trace
from darkrange.chain._wallets import Wallets, graph_clusters
from darkrange.cli import main
from darkrange.errors import InputError
from tests.chain.worldfix import Spec, address, write_world


def test_taint_models_split_a_mixed_transaction() -> None:
    # inputs 60 (40 tainted) and 40 clean; outputs 50, 30, fee 20
    values, taints, outs = [60, 40], [40.0, 0.0], [50, 30]
    assert spread("poison", values, taints, outs) == [50.0, 30.0]
    assert spread("haircut", values, taints, outs) == pytest.approx([20.0, 12.0])
    assert spread("fifo", values, taints, outs) == [40.0, 0.0]  # tainted sats come first
    assert fifo_map([10, 10], [0.0, 10.0], [5, 10, 5]) == [0.0, 5.0, 5.0]
    assert spread("haircut", values, [0.0, 0.0], outs) == [0.0, 0.0]


def _chain(folder: Path) -> dict[str, Spec]:
    cb = Spec("coinbase0")
    fund = Spec("fund", [(cb.txid, 0)], [(address("a"), 30 * 10**8), (address("x"), 20 * 10**8)])
    hop1 = Spec("hop1", [(fund.txid, 0)], [(address("b"), 10 * 10**8), (address("a2"), 19 * 10**8)])
    other = Spec("other", [(fund.txid, 1)], [(address("y"), 19 * 10**8)])
    hop2 = Spec("hop2", [(hop1.txid, 0), (other.txid, 0)], [(address("c"), 28 * 10**8)])
    write_world(folder, [[], [fund], [hop1, other], [hop2]])
    return {s.name: s for s in (fund, hop1, other, hop2)}


@pytest.fixture
def chain_store(tmp_path: Path) -> tuple[Path, dict[str, Spec]]:
    specs = _chain(tmp_path / "w")
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_world_chain(store, tmp_path / "w")
    return tmp_path / "s", specs


def test_forward_and_backward_hops_with_taint(chain_store: tuple[Path, dict[str, Spec]]) -> None:
    root, specs = chain_store
    graph = load_graph(ChainStore.open(root))
    fwd = trace(graph, Start("address", address("a")), hops=2, model="haircut")
    by_tx = {h.txid: h for h in fwd.hops}
    assert {specs["hop1"].txid, specs["hop2"].txid} <= set(by_tx)
    assert specs["other"].txid not in by_tx  # never touched the traced coins
    assert by_tx[specs["hop1"].txid].heuristic == "outspend"
    # hop2 spends 10 BTC of b (all traced) + 19 clean: 28/29 of the 10 BTC reach c
    hop2 = [h for h in fwd.hops if h.txid == specs["hop2"].txid]
    assert hop2[0].taint == 10 * 10**8 and hop2[0].hop == 2
    back = trace(graph, Start("tx", specs["hop2"].txid), direction="backward", hops=2,
                 model="poison")  # fmt: skip
    assert {specs["fund"].txid, specs["hop1"].txid, specs["other"].txid} <= back.txids()
    assert back.reached(0)[0].txid == specs["hop2"].txid
    fifo = trace(graph, Start("tx", specs["fund"].txid), hops=1, model="fifo")
    assert {h.txid for h in fifo.reached(1)} == {specs["hop1"].txid, specs["other"].txid}


def test_fanout_cap_follows_the_biggest_flows(tmp_path: Path) -> None:
    # a batch payout to 8 payees, each spending on: with a cap of 3 transactions a hop, the
    # three biggest payouts are followed, the cap is reported, and nothing else changes
    cb = Spec("coinbase0")
    batch = Spec("batch", [(cb.txid, 0)], [(address(f"p{i}"), (i + 1) * 10**7) for i in range(8)])
    spends = [Spec(f"s{i}", [(batch.txid, i)], [(address(f"q{i}"), (i + 1) * 10**7 - 1000)])
              for i in range(8)]  # fmt: skip
    write_world(tmp_path / "w", [[], [batch], spends])
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_world_chain(store, tmp_path / "w")
    graph = load_graph(ChainStore.open(tmp_path / "s"))
    full = trace(graph, Start("tx", batch.txid), hops=2, fanout=0)
    capped = trace(graph, Start("tx", batch.txid), hops=2, fanout=3)
    assert {h.txid for h in full.reached(1)} == {s.txid for s in spends} and not full.capped
    assert {h.txid for h in capped.reached(1)} == {s.txid for s in spends[5:]}
    assert capped.capped == [(1, 5)]
    assert capped.reached(1) == [h for h in full.reached(1) if h.txid in capped.txids()]
    back = trace(graph, Start("address", address("q7")), direction="backward", hops=2, fanout=1)
    assert {spends[7].txid, batch.txid} <= back.txids() and not back.capped


def test_trace_cli_json_csv_png_and_errors(
    chain_store: tuple[Path, dict[str, Spec]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, specs = chain_store
    args = ["chain", "trace", "--store", str(root), "--tx", specs["fund"].txid, "--hops", "2"]
    assert main([*args, "--format", "json", "--png", str(tmp_path / "t.png")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["direction"] == "forward" and data["model"] == "haircut"
    assert {link["txid"] for link in data["links"]} >= {specs["hop2"].txid}
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main([*args, "--format", "csv", "--model", "fifo"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert rows and set(rows[0]) >= {"hop", "txid", "time", "amount", "heuristic", "confidence"}
    assert main([*args, "--format", "text"]) == 0
    assert "Hop 2" in capsys.readouterr().out
    assert main(["chain", "trace", "--store", str(root), "--tx", "00" * 32]) != 0
    assert "not in the store" in capsys.readouterr().err
    assert main([*args, "--model", "lifo"]) != 0
    graph = load_graph(ChainStore.open(root))
    with pytest.raises(InputError, match="not a cluster id"):
        trace(graph, Start("cluster", max(address("b"), address("y"))),
              clusters=graph_clusters(graph))  # fmt: skip


@pytest.mark.slow
def test_world_payment_paths_on_the_chain_are_found(tmp_path: Path) -> None:
    """Every hop linked on the chain (outspend) is found from the first hop of each plot payment."""
    # tests may read the world (the toolkit never does)
    generate = pytest.importorskip("darkrange.world.generate").generate
    world = tmp_path / "world"
    generate(3, "tiny", world)
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_world_chain(store, world / "chain")
    graph = load_graph(ChainStore.open(tmp_path / "s"))
    wallets = Wallets(graph, graph_clusters(graph))
    with open(world / "truth" / "payments.csv", newline="") as fh:
        plot_payments = [r for r in csv.DictReader(fh) if r["plot"]]
    assert plot_payments
    for row in plot_payments:
        hops = row["txids"].split(";")
        got = trace(graph, Start("tx", hops[0]), hops=5, model="poison", wallets=wallets).txids()
        linked = [hops[0]]
        for a, b in itertools.pairwise(hops):
            spends = {graph.txid(int(graph.out_spender[r])) for r in
                      graph.outputs(graph.tx_index(a)) if graph.out_spender[r] >= 0}  # fmt: skip
            if b not in spends:
                break  # a service paid with other coins: a wallet hop, not an outspend
            linked.append(b)
        assert set(linked) <= got, row["payment_id"]
