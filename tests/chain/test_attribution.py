"""Attribution: real TagPacks and OFAC lists, selector tags, exposure, paths, the taxonomy map."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.compute as pc
import pytest

from darkrange.chain import ChainStore, ingest_world_chain
from darkrange.chain._exposure import Attribution, exposure
from darkrange.chain._graph import load_graph
from darkrange.chain._path import find_paths
from darkrange.chain._tags import import_tags, load_tags, read_tag_files
from darkrange.chain._taxonomy import ABUSES, CATEGORIES
from darkrange.chain._trace import Start
from darkrange.chain._wallets import graph_clusters
from darkrange.cli import main
from darkrange.errors import FormatError
from tests.chain.worldfix import Spec, address, write_world

RANSOM = "1Lud76Q98VRHCUiyK7XUs7AgFofrqXeP78"  # ransomware.yaml: 7ev3n, cluster definer
EXCHANGE = "1129A9dFqy4ABDsGQ8RGusbMWYBoZc4myc"  # walletexplorer.yaml: Bitfinex.com, exchange
SANCTIONED = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX"  # OFAC, sanctioned_addresses_XBT.txt
BTC = 10**8


def _chain(folder: Path) -> dict[str, Spec]:
    cb = Spec("coinbase0")
    fund = Spec("fund", [(cb.txid, 0)], [(address("v1"), 10 * BTC), (address("v2"), 5 * BTC),
                                         (address("r2"), BTC)])  # fmt: skip
    ransom = Spec("ransom", [(fund.txid, 0)], [(RANSOM, 3 * BTC), (address("v1c"), 6 * BTC)])
    cashout = Spec("cashout", [(ransom.txid, 0), (fund.txid, 2)], [(EXCHANGE, 39 * BTC // 10)])
    sanction = Spec("sanction", [(fund.txid, 1)], [(SANCTIONED, BTC), (address("v2c"), 3 * BTC)])
    write_world(folder, [[], [fund], [ransom, sanction], [cashout]], script_type="p2pkh")
    return {s.name: s for s in (fund, ransom, cashout, sanction)}


@pytest.fixture(scope="module")
def intel_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    root = tmp_path_factory.mktemp("attr")
    _chain(root / "w")
    with ChainStore.writer(root / "s") as store:
        ingest_world_chain(store, root / "w")
    intel = shared_data / "intel"
    assert main(["chain", "tags", "import", "--store", str(root / "s"),
                 str(intel / "graphsense-tagpacks"), str(intel / "ofac")]) == 0  # fmt: skip
    return root / "s"


def test_real_packs_and_ofac_import_with_both_taxonomies(
    intel_store: Path, shared_data: Path
) -> None:
    tags = load_tags(intel_store)
    assert tags.num_rows > 20_000
    currencies = set(tags.column("currency").to_pylist())
    assert {"BTC", "ETH", "LTC"} <= currencies  # other currencies are kept
    ofac = tags.filter(pc.equal(tags.column("label"), "OFAC SDN"))
    assert ofac.num_rows >= 600 and set(ofac.column("abuse").to_pylist()) == {"sanction"}
    ex = tags.filter(pc.equal(tags.column("address"), EXCHANGE)).to_pylist()
    assert any(t["category"] == "exchange" and t["dwva_entity"] == "exchange" for t in ex)
    mixers = tags.filter(pc.equal(tags.column("category"), "mixing_service"))
    assert set(mixers.column("dwva_entity").to_pylist()) == {"tumbler"}
    before = tags.num_rows
    with ChainStore.writer(intel_store) as store:  # importing again adds nothing
        report = import_tags(store, [shared_data / "intel" / "ofac"])
    assert report.added == 0 and load_tags(intel_store).num_rows == before


def test_unknown_values_are_kept_with_a_warning(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    header = "title: t\ncreator: me\ncurrency: BTC\ncategory: bogus_kind\n"
    pack.write_text(
        f"{header}source: https://example.org\ntags:\n- address: {RANSOM}\n  label: odd\n"
    )
    table, warnings, _ = read_tag_files([pack])
    assert table.num_rows == 1 and table.column("category")[0].as_py() == "bogus_kind"
    assert any("bogus_kind" in w for w in warnings)
    bad = tmp_path / "bad.yaml"
    bad.write_text("tags: [{label: no address}]\n")
    with pytest.raises(FormatError, match="no address"):
        read_tag_files([bad])


def test_taxonomy_map_uses_real_dwva_ids(shared_data: Path) -> None:
    folder = shared_data / "intel" / "interpol-dwva-taxonomy"
    text = (folder / "entities.csv").read_text(encoding="cp1252", errors="replace")
    rows = csv.reader(io.StringIO(text), delimiter=";")
    ids = {row[0].strip().strip('"').strip() for row in rows if row}
    assert {v for v in CATEGORIES.values() if v} <= ids
    with open(folder / "abuses.csv", newline="") as fh:
        abuse_ids = {row["id"] for row in csv.DictReader(fh)}
    assert {v for v in ABUSES.values() if v} <= abuse_ids


def test_tagged_addresses_found_and_cluster_definers_label_the_cluster(
    intel_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["chain", "tags", "list", "--store", str(intel_store), "--format", "json"]
    assert main(args) == 0
    found = {r["address"] for r in json.loads(capsys.readouterr().out)}
    assert {RANSOM, EXCHANGE, SANCTIONED} <= found
    # r2 was spent with the ransom address: the cluster-definer tag names it too
    assert main([*args, "--address", address("r2")]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["label"] == "7ev3n" and r["via"].startswith("cluster") for r in rows)
    graph = load_graph(ChainStore.open(intel_store))
    att = Attribution.build(graph, graph_clusters(graph), load_tags(intel_store))
    assert "abuse:ransomware" in att.keys(graph.address_index(address("r2")))
    assert att.keys(graph.address_index(address("v1c"))) == set()


def test_exposure_direct_indirect_and_cli(
    intel_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = load_graph(ChainStore.open(intel_store))
    att = Attribution.build(graph, graph_clusters(graph), load_tags(intel_store))
    out = exposure(graph, att, Start("address", address("v1")), hops=3, direction="out")
    by_key = {r.key: r for r in out.rows}
    assert by_key["abuse:ransomware"].direct_sat == pytest.approx(3 * BTC)
    assert "category:exchange" not in by_key  # the money stops at the first tagged cluster
    into = exposure(graph, att, Start("address", EXCHANGE), hops=2, direction="in")
    got = {r.key: r for r in into.rows}
    # 3 of the 4 BTC spent came from the ransomware cluster's tagged address
    assert got["abuse:ransomware"].direct_sat > 2.5 * BTC
    fund = exposure(graph, att, Start("address", address("v2")), hops=1, direction="out")
    assert "abuse:sanction" in {r.key for r in fund.rows}  # other packs tag it too
    png = tmp_path / "e.png"
    assert main(["chain", "exposure", "--store", str(intel_store), "--address", address("v1"),
                 "--hops", "2", "--format", "csv", "--png", str(png)]) == 0  # fmt: skip
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert {r["key"] for r in rows} >= {"abuse:ransomware"}
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["chain", "exposure", "--store", str(intel_store)]) != 0
    assert "exactly one" in capsys.readouterr().err


def test_paths_between_clusters(intel_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = load_graph(ChainStore.open(intel_store))
    root = graph_clusters(graph)
    a, b = (int(root[graph.address_index(x)]) for x in (address("v1"), EXCHANGE))
    paths = {p.kind: p for p in find_paths(graph, root, a, b, 4)}
    assert set(paths) == {"shortest", "strongest"}
    assert len(paths["shortest"].values) == 2
    assert paths["strongest"].clusters[0] == a and paths["strongest"].clusters[-1] == b
    assert paths["strongest"].strength == pytest.approx(3 * BTC)
    assert find_paths(graph, root, b, a, 4) == []  # money never went back
    assert main(["chain", "path", "--store", str(intel_store), "--from", address("v1"),
                 "--to", EXCHANGE, "--format", "json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert [p["kind"] for p in data["paths"]] == ["shortest", "strongest"]


def test_selector_csv_tags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _chain(tmp_path / "w")
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_world_chain(store, tmp_path / "w")
    page = tmp_path / "vendor.html"
    page.write_text(f"<p>send payment to {address('v2c')} thanks</p>")
    assert main(["extract", str(page), "--format", "csv"]) == 0
    (tmp_path / "sel.csv").write_text(capsys.readouterr().out)
    assert main(["chain", "tags", "import", "--store", str(tmp_path / "s"),
                 str(tmp_path / "sel.csv")]) == 0  # fmt: skip
    assert "1 BTC address(es) tagged are in the chain" in capsys.readouterr().out
    tags = load_tags(tmp_path / "s").to_pylist()
    assert tags[0]["address"] == address("v2c") and tags[0]["label"].startswith("seen on ")
