"""Against a world's truth: clustering precision, and plot payments traced through services."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from darkrange.chain import ChainStore, cluster_addresses, ingest_world_chain
from darkrange.chain._graph import TxGraph, load_graph
from darkrange.chain._quality import pair_scores
from darkrange.chain._service import Services
from darkrange.chain._trace import Start, trace
from darkrange.chain._wallets import graph_clusters


def test_pair_scores_count_pairs() -> None:
    # owners: A A A B B; clusters: {0,1} {2} {3,4}
    s = pair_scores(np.array([0, 0, 1, 2, 2]), np.array([7, 7, 7, 9, 9]))
    assert s.precision == 1.0
    assert s.recall == pytest.approx(2 / 4)  # AA pairs 3 + BB 1; found 1 + 1
    assert s.wallet_recall == pytest.approx(4 / 5)
    merged = pair_scores(np.zeros(5, dtype=int), np.array([7, 7, 7, 9, 9]))
    assert merged.precision == pytest.approx(4 / 10) and merged.recall == 1.0


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TxGraph]:
    # tests may read the world (the toolkit never does)
    generate = pytest.importorskip("darkrange.world.generate").generate
    root = tmp_path_factory.mktemp("world")
    generate(3, "tiny", root / "world")
    with ChainStore.writer(root / "s") as store:
        ingest_world_chain(store, root / "world" / "chain")
    return root / "world", load_graph(ChainStore.open(root / "s"))


def test_cluster_precision_against_truth(world: tuple[Path, TxGraph]) -> None:
    folder, graph = world
    with open(folder / "truth" / "addresses.csv", newline="") as fh:
        owner = {r["address"]: r["owner_id"] for r in csv.DictReader(fh)}
    root = graph_clusters(graph)
    addresses = graph.addresses.to_pylist()
    known = [i for i, a in enumerate(addresses) if a in owner]
    assert len(known) > 0.95 * len(addresses)
    names = {o: k for k, o in enumerate(sorted(set(owner.values())))}
    truth = np.array([names[owner[addresses[i]]] for i in known])
    scores = pair_scores(root[np.array(known)], truth)
    assert scores.precision >= 0.99
    assert 0 < scores.recall <= 1


def test_hashed_clustering_equals_exact(world: tuple[Path, TxGraph]) -> None:
    store = ChainStore.open(world[0].parent / "s")
    fast, fast_report = cluster_addresses(store)
    exact, exact_report = cluster_addresses(store, exact=True)
    assert fast_report.hashed and not exact_report.hashed
    assert fast.equals(exact)
    assert fast_report.coinjoins and fast_report.merging_transactions > 0
    exact_report.hashed = True
    assert fast_report == exact_report


def test_plot_payments_found_through_services(world: tuple[Path, TxGraph]) -> None:
    folder, graph = world
    services = Services(graph, graph_clusters(graph))
    with open(folder / "truth" / "payments.csv", newline="") as fh:
        plot_payments = [r for r in csv.DictReader(fh) if r["plot"]]
    assert any(r["route"] in ("mixer", "escrow") for r in plot_payments)
    through, found = 0, 0
    for row in plot_payments:
        hops = row["txids"].split(";")
        got = trace(graph, Start("tx", hops[0]), hops=4, services=services, max_txs=20_000)
        reached = got.txids()
        assert hops[0] in reached and (row["route"] != "escrow" or hops[1] in reached)
        if row["route"] not in ("mixer", "escrow"):
            assert set(hops) <= reached, row["payment_id"]  # linked on the chain
            continue
        through += 1
        scored = [h for h in got.hops if h.txid == hops[-1] and h.heuristic == "service"]
        found += bool(scored)
        assert all(0 < h.confidence < 1 and h.candidates >= 1 for h in scored)
    # a mixer deposit spent as an ordinary 1-in-2-out payment gives no sign of a service
    assert through and found >= through / 2, f"{found} of {through} service payouts found"
