"""CLI: `darkrange case add-site|add-listing|add-trace`: what the toolkit found, into a case.

Traces come from `darkrange chain trace --format json` (its `links`), so the hops a court report
shows are exactly those the tracer wrote; a picture made with `--png` can travel with them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from darkrange.case._cli import Db, User, acting, out
from darkrange.case._cli_case import CaseId, case_app
from darkrange.errors import FormatError, InputError


@case_app.command("add-site")
def add_site(
    case: CaseId,
    onion: Annotated[str, typer.Option("--onion", help="Onion host of the site.")],
    name: Annotated[str, typer.Option("--name", help="The site's name.")] = "",
    kind: Annotated[str, typer.Option("--kind", help="market, forum, shop, exchange, ...")] = (
        "market"
    ),
    db: Db = None,
    user: User = None,
) -> None:
    """Record a site (a market, forum, shop...) by its onion address."""
    from darkrange.case._items import add_site as add

    with acting(db, user) as actor:
        site = add(actor, case, onion, name, kind)
    out.print(f"site {site.id} added")


def _seen(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--seen wants an ISO date such as 2030-03-01T12:00, not {value!r}"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # dark-web times are read as UTC


@case_app.command("add-listing")
def add_listing(
    case: CaseId,
    account: Annotated[int, typer.Option("--account", help="The vendor account's id.")],
    url: Annotated[str, typer.Option("--url", help="Where the listing was captured.")],
    title: Annotated[str, typer.Option("--title", help="The listing's title.")],
    category: Annotated[str, typer.Option("--category", help="Its category.")] = "",
    price: Annotated[str, typer.Option("--price", help="Its price as shown.")] = "",
    seen: Annotated[
        str | None, typer.Option("--seen", help="When it was seen (ISO; UTC unless stated).")
    ] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Record a listing of an account in the case."""
    from darkrange.case._items import add_listing as add

    when = _seen(seen)
    with acting(db, user) as actor:
        listing = add(actor, case, account, url, title, category, price, when)
    out.print(f"listing {listing.id} added")


def read_trace(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """A default title and the hops of a `chain trace --format json` file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{path}: not JSON ({exc})") from None
    links = data.get("links") if isinstance(data, dict) else None
    if not isinstance(links, list) or not all(isinstance(h, dict) for h in links):
        raise FormatError(f"{path}: not a trace (no list of links; use chain trace --format json)")
    for i, hop in enumerate(links):
        if not isinstance(hop.get("txid"), str):
            raise FormatError(f"{path}: link {i} has no txid")
    start = data.get("start") or {}
    title = f"{data.get('direction', 'trace')} trace of {start.get('kind', '')} "
    return title + str(start.get("value", "")), links


@case_app.command("add-trace")
def add_trace(
    case: CaseId,
    trace: Annotated[Path, typer.Argument(help="JSON from `darkrange chain trace --format json`.")],
    title: Annotated[str | None, typer.Option("--title", help="What the trace shows.")] = None,
    picture: Annotated[
        Path | None, typer.Option("--picture", help="The trace's picture (PNG), kept with it.")
    ] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Record a payment trace (each hop: transaction, time, amount, heuristic, confidence)."""
    from darkrange.case._items import add_trace as add

    default, hops = read_trace(trace)
    if picture is not None and not picture.is_file():
        raise InputError(f"{picture}: no such picture")
    with acting(db, user) as actor:
        saved = add(actor, case, title or default, hops, str(picture) if picture else None)
    out.print(f"trace {saved.id} added ({len(hops)} hops)")
