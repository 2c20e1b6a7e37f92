"""CLI command `darkrange extract PATH...`: selectors from text, HTML and WARC files."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from darkrange.errors import InputError
from darkrange.extract._model import KINDS, Selector
from darkrange.extract._scan import find_selectors
from darkrange.extract._sources import read_documents

_FIELDS = ("kind", "value", "normalized", "valid", "reason", "network", "source", "offset")


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


def register(app: typer.Typer) -> None:
    """Attach this component's commands to the root app."""
    app.command("extract")(extract)
    __import__("darkrange.extract.parse_cmd", fromlist=["register_parse"]).register_parse(app)


_KIND_HELP = f"Only these kinds (repeatable): {', '.join(KINDS)}."


def extract(
    paths: Annotated[
        list[str],
        typer.Argument(help="Text, HTML or WARC (.warc, .warc.gz) files; '-' reads stdin."),
    ],
    output: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="jsonl (one JSON object a line), csv or table."),
    ] = OutputFormat.jsonl,
    valid_only: Annotated[
        bool, typer.Option("--valid-only", help="Leave out invalid look-alikes.")
    ] = False,
    kinds: Annotated[list[str] | None, typer.Option("--kind", "-k", help=_KIND_HELP)] = None,
) -> None:
    """Find selectors (onion, BTC, LTC, XMR, ETH, PGP keys, contacts) and check each one."""
    kinds = kinds or []
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise InputError(f"unknown kind {', '.join(unknown)} (see --kind in --help)")
    selectors = [
        s
        for s in _extract_all(paths)
        if (s.valid or not valid_only) and (not kinds or s.kind in kinds)
    ]
    if output is OutputFormat.jsonl:
        for selector in selectors:
            sys.stdout.write(json.dumps(asdict(selector), ensure_ascii=False) + "\n")
    elif output is OutputFormat.csv:
        _write_csv(selectors)
    else:
        _write_table(selectors)
    sys.stdout.flush()


def _extract_all(paths: list[str]) -> list[Selector]:
    """Read every path before writing anything, so a bad file leaves no partial output."""
    found: list[Selector] = []
    with Progress(
        console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()
    ) as progress:
        task = progress.add_task("extracting", total=len(paths))
        for path in paths:
            for document in read_documents(path):
                found.extend(find_selectors(document.text, document.source))
            progress.advance(task)
    return found


def _write_csv(selectors: Iterable[Selector]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([*_FIELDS, "extra"])
    for s in selectors:
        row = [getattr(s, name) for name in _FIELDS]
        writer.writerow([*row, json.dumps(s.extra, ensure_ascii=False)])


def _write_table(selectors: list[Selector]) -> None:
    table = Table(show_lines=False)
    for column in ("kind", "value", "valid", "network / note", "source", "offset"):
        table.add_column(column, overflow="fold")
    for s in selectors:
        value = s.value if len(s.value) <= 70 else s.value[:67] + "..."
        note = " ".join(x for x in (s.network or "", s.reason) if x)
        table.add_row(s.kind, value, "yes" if s.valid else "NO", note, s.source, str(s.offset))
    # Piped into a file the table must not fold values: give it the room it needs.
    width = None if sys.stdout.isatty() else 400
    Console(highlight=False, width=width).print(table)
    Console(stderr=True, highlight=False).print(f"{len(selectors)} selectors")
