"""CLI: `darkrange search index` and `darkrange search query`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from darkrange.errors import InputError

__all__ = ["register_search"]

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

search_app = typer.Typer(
    help="Full-text and selector search over page records.", no_args_is_help=True
)


def register_search(app: typer.Typer) -> None:
    """Attach `search` to the root app."""
    app.add_typer(search_app, name="search")


@search_app.command("index")
def index_cmd(
    records: Annotated[Path, typer.Option("--records", help="Records folder (darkrange parse).")],
    index: Annotated[Path, typer.Option("--index", help="Folder for the search index.")],
) -> None:
    """Build (or rebuild) the search index of a records folder."""
    from darkrange.analyze.search import build_index

    count = build_index(records, index)
    _err.print(f"{count} records indexed into {index}")


def _date(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@search_app.command("query")
def query_cmd(
    index: Annotated[Path, typer.Option("--index", help="Folder of the search index.")],
    text: Annotated[str, typer.Argument(help="Words to find (all must match).")] = "",
    site: Annotated[str | None, typer.Option("--site", help="Site onion or name.")] = None,
    category: Annotated[str | None, typer.Option("--category")] = None,
    language: Annotated[str | None, typer.Option("--language", help="en or ru.")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help="Vendor or author.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="listings, posts, ...")] = None,
    since: Annotated[str | None, typer.Option("--from", help="From this date (UTC).")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Before this date (UTC).")] = None,
    selector: Annotated[
        str | None, typer.Option("--selector", help="Pages mentioning this address or key.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Ranked search with filters; every hit names its record and WARC capture."""
    from darkrange.analyze.search import Query, search

    q = Query(
        text=text,
        site=site,
        category=category,
        language=language,
        vendor=vendor,
        kind=kind,
        since=_date(since, "--from"),
        until=_date(until, "--to"),
        selector=selector,
        limit=limit,
    )
    hits = search(index, q)
    if as_json:
        for h in hits:
            sys.stdout.write(json.dumps(h.to_json(), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(hits)} hits")
    for col in ("score", "kind", "site", "record", "vendor", "snippet"):
        table.add_column(col, overflow="fold")
    for h in hits:
        table.add_row(
            f"{h.score:.2f}",
            h.kind,
            h.site_name or h.site[:16],
            h.record_id,
            h.vendor or "",
            h.snippet or h.title,
        )
    _out.print(table)
