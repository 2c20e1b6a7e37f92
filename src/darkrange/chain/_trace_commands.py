"""CLI: `darkrange chain trace | change` (attached to the `chain` group by commands.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import pyarrow.csv as pacsv
import typer

from darkrange.chain._change import suggest_change, suggestions_table
from darkrange.chain._exposure import Attribution
from darkrange.chain._graph import TxGraph, load_graph
from darkrange.chain._report import as_csv, as_json, as_text, write_png
from darkrange.chain._service import Services
from darkrange.chain._store import ChainStore
from darkrange.chain._tags import load_tags
from darkrange.chain._trace import Start, trace
from darkrange.chain._wallets import Wallets, graph_clusters, merge_change
from darkrange.errors import InputError


def _start(address: str | None, tx: str | None, cluster: str | None) -> Start:
    given = [(k, v) for k, v in (("address", address), ("tx", tx), ("cluster", cluster)) if v]
    if len(given) != 1:
        raise InputError("give exactly one of --address, --tx, --cluster")
    return Start(*given[0])


def _wallets(graph: TxGraph, threshold: float) -> Wallets:
    root = graph_clusters(graph)
    labels, _ = merge_change(graph, root, suggest_change(graph), threshold=threshold)
    return Wallets(graph, labels)


def trace_command(
    store: Annotated[Path, typer.Option("--store", help="Store folder.")],
    address: Annotated[str | None, typer.Option("--address", help="Start at an address.")] = None,
    tx: Annotated[str | None, typer.Option("--tx", help="Start at a transaction.")] = None,
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Start at a cluster (its id).")
    ] = None,
    direction: Annotated[str, typer.Option("--direction", help="forward or backward.")] = "forward",
    hops: Annotated[int, typer.Option("--hops", help="How many hops.")] = 5,
    model: Annotated[str, typer.Option("--model", help="poison, haircut or fifo.")] = "haircut",
    fmt: Annotated[str, typer.Option("--format", help="json, csv or text.")] = "text",
    png: Annotated[Path | None, typer.Option("--png", help="Write a picture (PNG).")] = None,
    through_wallets: Annotated[
        bool,
        typer.Option(
            "--wallets/--no-wallets",
            help="Forward: also follow what a receiving wallet paid out (heuristic hops).",
        ),
    ] = True,
    max_txs: Annotated[int, typer.Option("--max-txs", help="Stop after this many txs.")] = 10_000,
    through_services: Annotated[
        bool,
        typer.Option(
            "--services/--no-services",
            help="Forward: follow deposits into services to payouts by amount and time (scored).",
        ),
    ] = True,
) -> None:
    """Follow the money k hops from an address, a transaction or a cluster."""
    if fmt not in ("json", "csv", "text"):
        raise InputError(f"--format must be json, csv or text, not {fmt!r}")
    start = _start(address, tx, cluster)
    chain = ChainStore.open(store)
    graph = load_graph(chain)
    wallets = _wallets(graph, 0.7) if through_wallets and direction == "forward" else None
    clusters = graph_clusters(graph)
    services = None
    if through_services and direction == "forward":
        tagged = Attribution.build(graph, clusters, load_tags(chain.root)).service_clusters()
        services = Services(graph, clusters, tagged=tagged)
    result = trace(graph, start, direction=direction, hops=hops, model=model,
                   clusters=clusters, wallets=wallets, services=services,
                   max_txs=max_txs)  # fmt: skip
    if png is not None:
        write_png(result, png)
    render = {"json": as_json, "csv": as_csv, "text": as_text}[fmt]
    typer.echo(render(result), nl=False)


def change_command(
    store: Annotated[Path, typer.Option("--store", help="Store folder.")],
    out: Annotated[Path, typer.Option("--out", help="CSV to write.")],
    min_score: Annotated[float, typer.Option("--min-score", help="Leave out lower.")] = 0.3,
) -> None:
    """Scored change-output suggestions (never merged into `chain cluster` output)."""
    if out.is_dir() or not out.parent.is_dir():
        raise InputError(f"cannot write {out}: give a CSV file in an existing folder")
    if not 0.0 <= min_score <= 1.0:
        raise InputError(f"--min-score must be between 0 and 1, not {min_score}")
    graph = load_graph(ChainStore.open(store))
    table = suggestions_table(graph, suggest_change(graph, min_score))
    tmp = out.with_name(f".tmp-{out.name}")
    pacsv.write_csv(table, tmp, write_options=pacsv.WriteOptions(quoting_style="needed"))
    os.replace(tmp, out)
    typer.echo(f"{table.num_rows} change suggestion(s) of {graph.n_tx} transactions -> {out}")


def register_trace(app: typer.Typer) -> None:
    app.command("trace")(trace_command)
    app.command("change")(change_command)
