"""`darkrange world describe DIR`: a readable summary of a world, for trainers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

from darkrange.errors import InputError
from darkrange.world.truth import read_csv, read_plots


def load_summary(world: Path) -> dict[str, Any]:
    manifest_path = world / "world.json"
    if not manifest_path.is_file():
        raise InputError(f"{world} is not a darkrange world (no world.json)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        sites = json.loads((world / "sites.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{world}: unreadable world files ({exc})") from None
    listings = read_csv(world, "listings.csv")
    persons = read_csv(world, "persons.csv")
    by_cat_lang = Counter((r["category"], r["language"]) for r in listings)
    tx = pq.read_metadata(world / "chain" / "transactions.parquet").num_rows
    return {
        "manifest": manifest,
        "sites": sites,
        "roles": Counter(p["role"] for p in persons),
        "listings": by_cat_lang,
        "transactions": tx,
        "plots": read_plots(world),
    }


def _sites_table(sites: list[dict[str, Any]]) -> Table:
    t = Table()
    for col in ("kind", "name", "software", "lang", "onion", "mirrors", "fate"):
        t.add_column(col)
    for s in sites:
        fate = "" if s["fate"] == "none" else f"{s['fate']} (week {s['fate_week']})"
        if s.get("clone_of"):
            fate = f"clone of {s['clone_of'][:12]}..."
        t.add_row(
            s["kind"],
            s["name"],
            s["software"],
            s["language"],
            s["onion"],
            str(len(s["mirrors"])),
            fate,
        )
    return t


def _listings_table(counts: Counter[tuple[str, str]]) -> Table:
    langs = sorted({lang for _, lang in counts})
    t = Table()
    t.add_column("category")
    for lang in langs:
        t.add_column(lang, justify="right")
    t.add_column("total", justify="right")
    for cat in sorted({c for c, _ in counts}):
        row = [counts.get((cat, lang), 0) for lang in langs]
        t.add_row(cat, *map(str, row), str(sum(row)))
    return t


def print_summary(world: Path, console: Console | None = None) -> None:
    console = console or Console()
    s = load_summary(world)
    m = s["manifest"]
    c = m["counts"]
    console.print(
        f"[bold]darkrange world[/] seed {m['seed']}, size {m['size']}, "
        f"{m['weeks']} weeks, {m['generator']}"
    )
    console.print("[bold]Sites[/]")
    console.print(_sites_table(s["sites"]))
    actors = Table()
    actors.add_column("role")
    actors.add_column("persons", justify="right")
    for role, n in sorted(s["roles"].items()):
        actors.add_row(role, str(n))
    console.print("[bold]Actors[/]")
    console.print(actors)
    console.print("[bold]Listings by category and language[/]")
    console.print(_listings_table(s["listings"]))
    console.print(
        f"Accounts {c['accounts']}, PGP keys {c['pgp_keys']}, reviews {c['reviews']}, "
        f"threads {c['threads']}, posts {c['posts']}, pastes {c['pastes']}"
    )
    console.print(
        f"Chain: {c['blocks']} blocks, {s['transactions']} transactions, "
        f"{c['payments']} payments of the world's economy"
    )
    plots = Table()
    plots.add_column("plot")
    plots.add_column("story")
    for p in s["plots"]:
        plots.add_row(p["plot"], p.get("story", _plot_line(p)))
    console.print("[bold]Plots[/]")
    console.print(plots)


def _plot_line(p: dict[str, Any]) -> str:
    if "migrations" in p:
        return f"{p['name']} closes in week {p['week']}; {len(p['migrations'])} vendor moves"
    for key in ("clones", "rotations", "crews"):
        if key in p:
            return f"{len(p[key])} {key}"
    return ""
