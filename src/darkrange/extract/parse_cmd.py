"""CLI command `darkrange parse --warc DIR --out DIR`: page records from a crawl, as Parquet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from darkrange.extract.records import write_records

__all__ = ["parse", "register_parse"]


def register_parse(app: typer.Typer) -> None:
    """Attach `parse` to the root app."""
    app.command("parse")(parse)


def parse(
    warc: Annotated[
        Path,
        typer.Option("--warc", help="Folder holding the crawl's WARC files (searched deeply)."),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the Parquet files (created if needed).")
    ],
) -> None:
    """Read every HTML page of the WARC files; write listings, vendors, reviews, threads,
    posts, pastes, links and sites as Parquet, duplicates folded, each with WARC pointers."""
    err = Console(stderr=True, highlight=False)
    with Progress(
        TextColumn("parsing"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=not sys.stderr.isatty(),
    ) as bar:  # fmt: skip
        task = bar.add_task("parsing", total=None)
        summary = write_records(
            warc, out, lambda done, total: bar.update(task, completed=done, total=total)
        )
    table = Table(title=f"{summary.pages} pages in {summary.files} WARC files")
    table.add_column("table")
    table.add_column("records", justify="right")
    for name, count in summary.counts.items():
        table.add_row(name, str(count))
    console = Console(highlight=False)
    console.print(table)
    families = ", ".join(f"{k} {v}" for k, v in sorted(summary.families.items()))
    console.print(f"pages by family: {families or 'none'}")
    console.print(f"written to {out}")
    for line in summary.problems:
        err.print(f"warning: {line}")
    if summary.failed:
        err.print(f"warning: {summary.failed} pages could not be parsed (see above)")
