"""CLI: `darkrange chain ingest | summary | cluster`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from darkrange.chain._attrib_commands import register_attribution
from darkrange.chain._esplora import (
    EsploraClient,
    ingest_esplora_address,
    ingest_esplora_blocks,
    ingest_esplora_tx,
)
from darkrange.chain._incremental import write_clusters
from darkrange.chain._ingest import IngestReport, ingest_raw_blocks, ingest_world_chain
from darkrange.chain._linked import write_linked_clusters
from darkrange.chain._rpc import ingest_rpc
from darkrange.chain._script import NETWORKS
from darkrange.chain._store import ChainStore
from darkrange.chain._summary import summarize
from darkrange.chain._trace_commands import register_trace
from darkrange.errors import InputError

chain_app = typer.Typer(help="Follow the money: ingest, summarise, cluster, suggest change, trace.")
_err = Console(stderr=True, highlight=False)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    with Progress(console=_err, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _parse_range(text: str) -> tuple[int, int]:
    try:
        lo, hi = (int(x) for x in text.split(":"))
    except ValueError:
        raise InputError(f"--blocks wants H1:H2 (two heights), got {text!r}") from None
    return lo, hi


def _check_network(network: str | None) -> None:
    if network is not None and network not in NETWORKS:
        raise InputError(f"unknown network {network!r} (one of {', '.join(NETWORKS)})")


@chain_app.command()
def ingest(
    store: Annotated[Path, typer.Option("--store", help="Store folder (created if missing).")],
    raw_block: Annotated[
        list[Path] | None,
        typer.Option(
            "--raw-block", help="Raw block file: one block, or blk*.dat records. Repeatable."
        ),
    ] = None,
    world_chain: Annotated[
        Path | None, typer.Option("--world-chain", help="A world's chain/ folder.")
    ] = None,
    rpc: Annotated[
        str | None, typer.Option("--rpc", help="Bitcoin Core RPC URL (user:pass@host).")
    ] = None,
    height_from: Annotated[int | None, typer.Option("--from", help="First height (RPC).")] = None,
    height_to: Annotated[int | None, typer.Option("--to", help="Last height (RPC).")] = None,
    esplora: Annotated[str | None, typer.Option("--esplora", help="Esplora API base URL.")] = None,
    proxy: Annotated[
        str | None, typer.Option("--proxy", help="Proxy, e.g. socks5h://127.0.0.1:9050.")
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Esplora: an address's txs.")
    ] = None,
    tx: Annotated[str | None, typer.Option("--tx", help="Esplora: one transaction.")] = None,
    blocks: Annotated[str | None, typer.Option("--blocks", help="Esplora: heights H1:H2.")] = None,
    network: Annotated[
        str | None,
        typer.Option(
            "--network", help="mainnet, testnet, testnet4, signet or regtest (raw, Esplora)."
        ),
    ] = None,
) -> None:
    """Ingest blocks or transactions into the store; what is already there is skipped."""
    _check_network(network)
    sources = [bool(raw_block), world_chain is not None, rpc is not None, esplora is not None]
    if sum(sources) != 1:
        raise InputError("give exactly one of --raw-block, --world-chain, --rpc, --esplora")
    if esplora is not None and sum(x is not None for x in (address, tx, blocks)) != 1:
        raise InputError("--esplora needs exactly one of --address, --tx, --blocks")
    with ChainStore.writer(store) as chain, _progress("ingesting") as progress:
        report = IngestReport()
        if raw_block:
            report = ingest_raw_blocks(chain, raw_block, network, progress)
        elif world_chain is not None:
            report = ingest_world_chain(chain, world_chain, progress)
        elif rpc is not None:
            report = ingest_rpc(chain, rpc, height_from, height_to, progress)
        elif esplora is not None:
            client = EsploraClient(esplora, proxy=proxy)
            net = network or "mainnet"
            try:
                if blocks is not None:
                    lo, hi = _parse_range(blocks)
                    report = ingest_esplora_blocks(chain, client, lo, hi, net, progress)
                elif tx is not None:
                    report = ingest_esplora_tx(chain, client, tx, net)
                elif address is not None:
                    report = ingest_esplora_address(chain, client, address, net, progress)
            finally:
                client.close()
    typer.echo(
        f"added {report.blocks_added} block(s), {report.transactions_added} transaction(s); "
        f"skipped {report.blocks_skipped} block(s) already stored"
    )


@chain_app.command()
def summary(
    store: Annotated[Path, typer.Option("--store", help="Store folder.")],
    fmt: Annotated[str, typer.Option("--format", help="json or table.")] = "table",
) -> None:
    """Counts and total output value of the store."""
    if fmt not in ("json", "table"):
        raise InputError(f"--format must be json or table, not {fmt!r}")
    result = summarize(ChainStore.open(store))
    if fmt == "json":
        typer.echo(json.dumps(result.as_json()))
        return
    table = Table(title=f"chain store {store}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in result.as_json().items():
        table.add_row(key, f"{value:,}")
    spent = result.inputs - result.coinbase_inputs
    table.add_row("heights", f"{result.min_height}..{result.max_height}")
    table.add_row("inputs with spent value known", f"{result.inputs_with_value:,} of {spent:,}")
    table.add_row("inputs with address known", f"{result.inputs_with_address:,} of {spent:,}")
    Console(highlight=False).print(table)
    Console(highlight=False).print(
        "Inputs learn the spent output's value and address from the source (RPC verbosity 3,"
        " Esplora, world chains) or, at query time, from the previous transaction if it is in"
        " the store; P2PKH/P2SH/P2WPKH/P2WSH inputs also show their address in their scripts."
    )


@chain_app.command()
def cluster(
    store: Annotated[Path, typer.Option("--store", help="Store folder.")],
    out: Annotated[Path, typer.Option("--out", help="CSV to write: address,cluster_id.")],
    incremental: Annotated[
        bool,
        typer.Option("--incremental", help="Start from the saved clusters; read only what is new."),
    ] = False,
    engine: Annotated[str, typer.Option("--engine", help="embedded (DuckDB) or spark.")] = (
        "embedded"
    ),
    with_change: Annotated[
        float | None,
        typer.Option(
            "--with-change",
            help="Also link change suggestions scoring >= SCORE (guarded; `method` column).",
        ),
    ] = None,
) -> None:
    """Multi-input clustering (CoinJoins and multisig inputs excluded)."""
    if engine not in ("embedded", "spark"):
        raise InputError(f"--engine must be embedded or spark, not {engine!r}")
    if with_change is not None:
        if incremental or engine != "embedded":
            raise InputError("--with-change runs on the embedded engine, without --incremental")
        linked = write_linked_clusters(ChainStore.open(store), out, with_change)
        refused = ", ".join(f"{k} {v}" for k, v in sorted(linked.refused.items())) or "none"
        typer.echo(
            f"{linked.merged} change link(s) of {linked.suggestions} at {linked.method} merged "
            f"({linked.linked_addresses} addresses; largest cluster {linked.largest}); "
            f"refused: {refused}"
        )
        return
    if engine == "spark" and incremental:
        raise InputError("--incremental runs on the embedded engine only")
    if engine == "spark":
        from darkrange.chain._spark import write_clusters_spark

        report = write_clusters_spark(ChainStore.open(store), out)
    else:
        report = write_clusters(ChainStore.open(store), out, incremental_run=incremental)
    if report.incremental:
        typer.echo(f"incremental: {report.merges} merge(s) of saved clusters by new transactions")
    joins = ", ".join(f"{k} {v}" for k, v in sorted(report.coinjoins.items())) or "none"
    typer.echo(
        f"{report.addresses} addresses in {report.clusters} clusters (largest {report.largest}); "
        f"{report.merging_transactions} of {report.transactions} transactions merged inputs; "
        f"CoinJoins skipped: {joins}; multisig inputs skipped: {report.multisig_inputs}; "
        f"inputs with unknown address: {report.inputs_without_address}"
    )


register_trace(chain_app)
register_attribution(chain_app)


def register(app: typer.Typer) -> None:
    """Attach `darkrange chain ...` to the root app."""
    app.add_typer(chain_app, name="chain")
