"""CLI: `darkrange chain tags import | tags list`, `chain exposure`, `chain path`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import typer

from darkrange.chain._attrib_report import (
    exposure_png,
    exposure_text,
    paths_png,
    paths_text,
    tags_text,
)
from darkrange.chain._exposure import Attribution, exposure
from darkrange.chain._graph import TxGraph, load_graph
from darkrange.chain._path import find_paths
from darkrange.chain._store import ChainStore
from darkrange.chain._tags import import_tags, load_tags, normalize_address
from darkrange.chain._trace import Start
from darkrange.chain._wallets import graph_clusters
from darkrange.errors import InputError

tags_app = typer.Typer(help="Attribution tags: TagPacks, OFAC lists, selectors from pages.")
_FORMATS = ("json", "csv", "text")


def _fmt(fmt: str) -> None:
    if fmt not in _FORMATS:
        raise InputError(f"--format must be json, csv or text, not {fmt!r}")


@tags_app.command("import")
def tags_import(
    store: Annotated[Path, typer.Option("--store", help="Store folder.")],
    paths: Annotated[
        list[Path],
        typer.Argument(help="TagPack YAML, OFAC .txt, selectors CSV, or folders of them."),
    ],
) -> None:
    """Import tags into the store (all currencies kept; BTC ones meet the chain)."""
    ChainStore.open(store)  # must already be a store
    with ChainStore.writer(store) as chain:
        report = import_tags(chain, paths)
    for w in report.warnings:
        typer.echo(f"warning: {w}", err=True)
    currencies = ", ".join(f"{c} {n}" for c, n in report.by_currency.most_common(6))
    typer.echo(
        f"read {report.tags} tag(s) from {report.files} file(s) ({currencies}); "
        f"{report.added} new; {report.btc_in_store} BTC address(es) tagged are in the chain"
    )


def _tag_rows(tags: Any, via: str) -> list[dict[str, Any]]:
    return [{**r, "via": via} for r in tags.to_pylist()]


@tags_app.command("list")
def tags_list(
    store: Annotated[Path, typer.Option("--store", help="Store folder.")],
    address: Annotated[
        str | None,
        typer.Option("--address", help="One address: its tags and those its cluster inherits."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json, csv or text.")] = "text",
) -> None:
    """List the BTC tags of the addresses in the chain, or of one address and its cluster."""
    _fmt(fmt)
    chain = ChainStore.open(store)
    tags = load_tags(chain.root)
    btc = tags.filter(pc.equal(tags.column("currency"), "BTC"))
    graph = load_graph(chain)
    if address is None:
        seen = pc.is_in(btc.column("address"), value_set=graph.addresses)
        rows = _tag_rows(btc.filter(seen), "address")
    else:
        a = graph.address_index(normalize_address(address, "BTC"))
        root = graph_clusters(graph)
        c = int(root[a])
        mates = graph.addresses.take(
            pa.array(np.flatnonzero((root == c) & (np.arange(len(root)) != a)))
        )
        own = btc.filter(pc.equal(btc.column("address"), graph.address(a)))
        definers = btc.filter(btc.column("is_cluster_definer"))
        others = definers.filter(pc.is_in(definers.column("address"), value_set=mates))
        rows = _tag_rows(own, "address") + _tag_rows(others, f"cluster {graph.address(c)}")
    typer.echo(tags_text(rows, fmt), nl=False)


def _attribution(chain: ChainStore) -> tuple[TxGraph, Attribution]:
    graph = load_graph(chain)
    root = graph_clusters(graph)
    return graph, Attribution.build(graph, root, load_tags(chain.root))


def _start(address: str | None, cluster: str | None) -> Start:
    if (address is None) == (cluster is None):
        raise InputError("give exactly one of --address, --cluster")
    return Start("address", address) if address is not None else Start("cluster", str(cluster))


def exposure_command(
    store: Annotated[Path, typer.Option("--store", help="Store folder.")],
    address: Annotated[str | None, typer.Option("--address", help="An address.")] = None,
    cluster: Annotated[str | None, typer.Option("--cluster", help="A cluster id.")] = None,
    hops: Annotated[int, typer.Option("--hops", help="How far (1: direct only).")] = 3,
    direction: Annotated[str, typer.Option("--direction", help="in, out or both.")] = "both",
    fmt: Annotated[str, typer.Option("--format", help="json, csv or text.")] = "text",
    png: Annotated[Path | None, typer.Option("--png", help="Write a bar chart (PNG).")] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="embedded, or spark (PySpark, for a chain too big).")
    ] = "embedded",
    clusters: Annotated[
        Path | None,
        typer.Option("--clusters", help="With --engine spark: `chain cluster` CSV to reuse."),
    ] = None,
) -> None:
    """Exposure of an address or cluster to each tagged category and abuse."""
    _fmt(fmt)
    start = _start(address, cluster)
    if engine not in ("embedded", "spark"):
        raise InputError(f"--engine must be embedded or spark, not {engine!r}")
    if engine == "spark":
        from darkrange.chain._spark_exposure import exposure_spark

        opened = ChainStore.open(store)
        result = exposure_spark(opened, start, hops=hops, direction=direction, clusters=clusters)
    else:
        graph, att = _attribution(ChainStore.open(store))
        result = exposure(graph, att, start, hops=hops, direction=direction)
    if png is not None:
        exposure_png(result, png)
    typer.echo(exposure_text(result, fmt), nl=False)


def path_command(
    store: Annotated[Path, typer.Option("--store", help="Store folder.")],
    source: Annotated[str, typer.Option("--from", help="An address or cluster id.")],
    target: Annotated[str, typer.Option("--to", help="An address or cluster id.")],
    max_hops: Annotated[int, typer.Option("--max-hops", help="Longest path searched.")] = 6,
    fmt: Annotated[str, typer.Option("--format", help="json, csv or text.")] = "text",
    png: Annotated[Path | None, typer.Option("--png", help="Write a picture (PNG).")] = None,
) -> None:
    """Shortest and strongest (max-min flow) paths between two clusters."""
    _fmt(fmt)
    graph = load_graph(ChainStore.open(store))
    root = graph_clusters(graph)
    a = int(root[graph.address_index(source)])
    b = int(root[graph.address_index(target)])
    paths = find_paths(graph, root, a, b, max_hops)
    if png is not None:
        paths_png(graph, paths, png)
    typer.echo(paths_text(graph, paths, fmt), nl=False)


def register_attribution(app: typer.Typer) -> None:
    app.add_typer(tags_app, name="tags")
    app.command("exposure")(exposure_command)
    app.command("path")(path_command)
