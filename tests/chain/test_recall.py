"""Change-linked clusters: the guard, the `method` column, and recall against a world's truth."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from darkrange.chain import (
    ChainStore,
    LinkGuard,
    ingest_world_chain,
    link_change,
    linked_table,
    wallet_shares,
)
from darkrange.chain._change import ChangeSuggestions, suggest_change
from darkrange.chain._graph import TxGraph, load_graph
from darkrange.chain._quality import pair_scores
from darkrange.chain._wallets import graph_clusters
from darkrange.cli import main
from tests.chain.worldfix import Spec, address, write_world

A, B = 70, 60  # addresses of the two wallets that a wrong change link would join


@pytest.fixture(scope="module")
def two_wallets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TxGraph]:
    """Wallet A (71 addresses) pays x and sends 'change' to b0 of wallet B (60 addresses)."""
    root = tmp_path_factory.mktemp("two")
    names = [f"a{i}" for i in range(A)] + [f"b{i}" for i in range(B)] + ["a0"]  # a0 twice
    fund = Spec("fund", [(Spec("coinbase0").txid, 0)], [(address(n), 10**6) for n in names])
    cons_a = Spec("consA", [(fund.txid, i) for i in range(A)], [(address("a-sink"), A * 10**6)])
    cons_b = Spec("consB", [(fund.txid, A + i) for i in range(B)], [(address("b-sink"), 10**7)])
    pay = Spec("pay", [(cons_a.txid, 0), (fund.txid, A + B)],
               [(address("x"), 10**7), (address("b0"), 5 * 10**7)])  # fmt: skip
    write_world(root / "w", [[], [fund], [cons_a, cons_b], [pay]])
    with ChainStore.writer(root / "s") as store:
        ingest_world_chain(store, root / "w")
    return root / "s", load_graph(ChainStore.open(root / "s"))


def _pay_change(g: TxGraph) -> ChangeSuggestions:
    """A confident (wrong) suggestion: the output to b0 is the payer's change."""
    tx = g.tx_index(Spec("pay").txid)
    row = int(g.tx_out_ptr[tx]) + 1
    assert g.address(int(g.out_addr[row])) == address("b0")
    return ChangeSuggestions(np.array([tx]), np.array([row]), np.array([0.95]), ["self"])


def _cluster_of(g: TxGraph, labels: np.ndarray, name: str) -> int:
    return int(labels[g.address_index(address(name))])


def test_guard_refuses_joining_two_large_clusters(two_wallets: tuple[Path, TxGraph]) -> None:
    _, g = two_wallets
    root = graph_clusters(g)
    assert np.bincount(root).max() == A + 1  # multi-input alone: A and B apart
    guard = LinkGuard(service_shape=False)
    labels, linked, report = link_change(g, root, _pay_change(g), 0.9, guard)
    assert report.refused == {"two large": 1} and report.merged == 0
    assert np.array_equal(labels, root) and not linked.any()
    # the same link is taken once a cluster of 60 no longer counts as large
    wider = LinkGuard(large=100, service_shape=False)
    labels, linked, report = link_change(g, root, _pay_change(g), 0.9, wider)
    assert report.merged == 1 and report.largest == A + 1 + B
    assert _cluster_of(g, labels, "a0") == _cluster_of(g, labels, "b0")
    # B's addresses are the ones the change link brought; A (the larger part) is the anchor
    brought = {g.address(int(i)) for i in np.flatnonzero(linked)}
    assert brought == {address(f"b{i}") for i in range(B)}


def test_guard_caps_size_and_keeps_out_services(two_wallets: tuple[Path, TxGraph]) -> None:
    _, g = two_wallets
    root = graph_clusters(g)
    capped_guard = LinkGuard(max_size=100, large=100, service_shape=False)
    _, _, capped = link_change(g, root, _pay_change(g), 0.9, capped_guard)
    assert capped.refused == {"size": 1}
    # 70 deposits from outside into 70 addresses: A is shaped like a service
    _, _, shaped = link_change(g, root, _pay_change(g), 0.9, LinkGuard(large=100))
    assert shaped.refused == {"service": 1}
    b = int(root[g.address_index(address("b0"))])
    tagged = LinkGuard(large=100, service_shape=False, services=frozenset({b}))
    _, _, report = link_change(g, root, _pay_change(g), 0.9, tagged)
    assert report.refused == {"service": 1}  # B tagged as a service (cluster-definer tag)
    # below the threshold nothing is even considered
    _, _, low = link_change(g, root, _pay_change(g), 0.96, LinkGuard(service_shape=False))
    assert low.suggestions == 0 and low.merged == 0


def test_cli_with_change_writes_method_column(
    two_wallets: tuple[Path, TxGraph], tmp_path: Path
) -> None:
    store, g = two_wallets
    out = tmp_path / "c.csv"
    assert main(["chain", "cluster", "--store", str(store), "--out", str(out),
                 "--with-change", "0.5"]) == 0  # fmt: skip
    assert out.read_text().startswith("address,cluster_id,method\n")
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["address"] for r in rows] == g.addresses.to_pylist()
    assert {r["method"] for r in rows} <= {"multi-input", "change>=0.5"}
    plain = linked_table(g, graph_clusters(g), np.zeros(len(rows), dtype=bool), 0.5)
    assert plain.column("method").to_pylist() == ["multi-input"] * len(rows)
    assert main(["chain", "cluster", "--store", str(store), "--out", str(out),
                 "--with-change", "1.5"]) != 0  # fmt: skip
    assert main(["chain", "cluster", "--store", str(store), "--out", str(out),
                 "--with-change", "0.5", "--incremental"]) != 0  # fmt: skip


def test_wallet_shares() -> None:
    # owner 7: 3 addresses in clusters {0,0,1}; owner 9: 2 in {2,2}
    shares = wallet_shares(np.array([0, 0, 1, 2, 2]), np.array([7, 7, 7, 9, 9]))
    assert shares.tolist() == pytest.approx([2 / 3, 1.0])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[TxGraph, np.ndarray, np.ndarray]:
    """A tiny world's graph, the addresses the truth knows, and their owners (tests only)."""
    generate = pytest.importorskip("darkrange.world.generate").generate
    root = tmp_path_factory.mktemp("world")
    generate(3, "tiny", root / "world")
    with ChainStore.writer(root / "s") as store:
        ingest_world_chain(store, root / "world" / "chain")
    g = load_graph(ChainStore.open(root / "s"))
    with open(root / "world" / "truth" / "addresses.csv", newline="") as fh:
        owner = {r["address"]: r["owner_id"] for r in csv.DictReader(fh)}
    addresses = g.addresses.to_pylist()
    known = np.array([i for i, a in enumerate(addresses) if a in owner])
    owners = [owner[addresses[i]] for i in known]
    names = {o: k for k, o in enumerate(sorted(set(owners)))}
    return g, known, np.array([names[o] for o in owners])


@pytest.mark.parametrize("threshold", [0.5, 0.7])
def test_change_links_raise_recall_at_precision(
    world: tuple[TxGraph, np.ndarray, np.ndarray], threshold: float
) -> None:
    g, known, truth = world
    root = graph_clusters(g)
    labels, linked, report = link_change(g, root, suggest_change(g, 0.3), threshold)
    base, with_change = pair_scores(root[known], truth), pair_scores(labels[known], truth)
    assert report.merged > 0 and linked.sum() >= report.merged
    assert with_change.precision >= 0.99
    assert with_change.recall > base.recall
    assert with_change.wallet_recall > base.wallet_recall
    assert wallet_shares(labels[known], truth).mean() > wallet_shares(root[known], truth).mean()
    assert report.largest <= max(1_000, len(root) // 100) or report.largest == root.max() + 1
