"""CLI: `darkrange watch run` applies a watchlist to a new crawl's records and new blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from darkrange.errors import NetworkError

__all__ = ["register_watch"]

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

watch_app = typer.Typer(
    help="Watchlists: alerts on selectors, handles, keywords and rules.", no_args_is_help=True
)


def register_watch(app: typer.Typer) -> None:
    """Attach `watch` to the root app."""
    app.add_typer(watch_app, name="watch")


@watch_app.command("run")
def run(
    watchlist: Annotated[Path, typer.Option("--watchlist", help="Watchlist YAML file.")],
    records: Annotated[
        Path | None, typer.Option("--records", help="Records folder of a new crawl.")
    ] = None,
    chain: Annotated[
        Path | None, typer.Option("--chain", help="Chain store: payments in new blocks.")
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="State folder (default: WATCHLIST.state beside the file)."),
    ] = None,
    webhook: Annotated[
        list[str] | None, typer.Option("--webhook", help="Also POST alerts to this URL.")
    ] = None,
    jsonl: Annotated[
        Path | None, typer.Option("--jsonl", help="Append the new alerts to this JSONL file.")
    ] = None,
) -> None:
    """Raise alerts never raised before (deduplicated by the state folder) and deliver them."""
    from darkrange.analyze.watch import run_watch

    result = run_watch(watchlist, records, chain, state, tuple(webhook or ()))
    if jsonl is not None:
        with jsonl.open("a", encoding="utf-8") as f:
            for a in result.new:
                f.write(json.dumps(a.to_json(), ensure_ascii=False) + "\n")
    table = Table(title=f"{result.watchlist}: {len(result.new)} new alerts")
    for col in ("kind", "rule", "matched", "where", "snippet"):
        table.add_column(col, overflow="fold")
    for a in result.new:
        where = a.where
        site = where.get("site_name") or where.get("site")
        place = (
            f"{site} {where['record']} {where.get('id')}"
            if where["record"] != "transaction"
            else f"tx {where['txid'][:16]}... block {where['height']}"
        )
        pointer = where.get("pointer") or {}
        if pointer.get("file"):
            place += f"\n{pointer['file']}@{pointer['offset']}"
        table.add_row(a.kind, a.rule, ", ".join(a.matched), place, a.snippet)
    _out.print(table)
    _err.print(f"{len(result.new)} new alerts, {result.repeated} already raised before")
    for url, n in result.delivered.items():
        _err.print(f"webhook {url}: {n} alerts delivered")
    if result.failures:
        raise NetworkError(
            "webhook delivery failed (will retry next run): " + "; ".join(result.failures)
        )
