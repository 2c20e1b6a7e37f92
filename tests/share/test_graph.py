"""GraphML and CSV for Maltego and i2: parse, columns, Maltego types, pseudonyms."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx

from darkrange.share import ENTITY_COLUMNS, LINK_COLUMNS, to_csv, to_graphml
from tests.share._sample import VICTIM_HANDLE, VICTIM_NAME, sample_snapshot


def test_graphml_parses_with_networkx_and_carries_attributes() -> None:
    graph = nx.read_graphml(io.StringIO(to_graphml(sample_snapshot())))
    types = {d["type"] for _, d in graph.nodes(data=True)}
    assert {
        "maltego.Person",
        "maltego.Organization",
        "maltego.Alias",
        "maltego.Domain",
        "maltego.URL",
        "maltego.EmailAddress",
        "maltego.BTCAddress",
        "maltego.BTCTransaction",
        "maltego.CryptocurrencyOwner",
        "maltego.File",
        "maltego.Phrase",
    } <= types
    relations = {d["type"] for _, _, d in graph.edges(data=True)}
    assert {
        "owns",
        "hosts",
        "seller-of",
        "found-on",
        "includes",
        "sent",
        "received",
        "same-actor",
    } <= relations
    vendor = next(d for _, d in graph.nodes(data=True) if d["value"] == "Victor Vendor")
    assert vendor["evaluation"] == "B2" and vendor["handling"] == "H1"


def test_csv_columns_as_documented(tmp_path: Path) -> None:
    entities, links = to_csv(sample_snapshot(), tmp_path / "out")
    with entities.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == ENTITY_COLUMNS
    with links.open(newline="", encoding="utf-8") as fh:
        link_rows = list(csv.DictReader(fh))
    assert tuple(link_rows[0]) == LINK_COLUMNS
    ids = {r["id"] for r in rows}
    assert all(r["source"] in ids and r["target"] in ids for r in link_rows)
    text = entities.read_text(encoding="utf-8")
    assert VICTIM_NAME not in text and VICTIM_HANDLE not in text
    _, _ = to_csv(sample_snapshot(), tmp_path / "full", pseudonymise=False)
    assert VICTIM_NAME in (tmp_path / "full" / "entities.csv").read_text(encoding="utf-8")
