"""`darkrange range up|status|down|advance`: start and steer the range for a world."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from darkrange.network._range import range_advance, range_down, range_status, range_up

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

WorldOpt = typer.Option(..., "--world", help="The world folder (with sites.json).")


def _up(
    world: Path = WorldOpt,
    transport: str = typer.Option("direct", help="direct (SOCKS gateway) or tor (private Tor)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    workers: int = typer.Option(1, min=1, max=16, help="Processes serving the sites."),
    socks_port: int = typer.Option(0, min=0, max=65535, help="SOCKS port (0: any free port)."),
    timeout: float = typer.Option(180.0, min=1.0, help="Seconds to wait for every site."),
) -> None:
    """Start the range in the background and wait until every site answers."""
    say = None if json_out else (lambda msg: _err.print(f"[dim]{msg}[/dim]"))
    state = range_up(world, transport, workers, socks_port, timeout, say)
    if json_out:
        typer.echo(json.dumps(state.public()))
        return
    _out.print(f"SOCKS     {state.socks}  (socks5h://{state.socks})")
    _out.print(f"explorer  {state.explorer or '-'}")
    for site in state.sites:
        _out.print(f"  {site.onion}  {site.kind:<9} {site.name}")
    if state.unserved:
        _err.print(f"not served yet (no app for their kind): {', '.join(state.unserved)}")


def _status(
    world: Path = WorldOpt,
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Show whether the range runs and which sites answer through the SOCKS port."""
    state, answers = range_status(world)
    if state is None:
        if json_out:
            typer.echo(json.dumps({"running": False}))
        else:
            _out.print(f"no range is running for {world}")
        return
    if json_out:
        doc = {"running": True, "transport": state.transport, **state.public()}
        for site in doc["sites"]:
            site["answering"] = answers.get(site["onion"], False)
        typer.echo(json.dumps(doc))
        return
    _out.print(
        f"running ({state.transport}), SOCKS {state.socks}, explorer {state.explorer or '-'}"
    )
    for site in state.sites:
        mark = "up" if answers.get(site.onion) else "DOWN"
        _out.print(f"  {mark:<4} {site.onion}  {site.kind:<9} {site.name}")


def _down(world: Path = WorldOpt) -> None:
    """Stop the range (also clears what a killed range left behind)."""
    stopped = range_down(world)
    _out.print("range stopped" if stopped else f"no range was running for {world}")


def _advance(
    world: Path = WorldOpt,
    days: int = typer.Option(..., "--days", help="Days to move the world's clock on."),
) -> None:
    """Trainer only: move the world's clock (new listings, closures, migrations)."""
    total = range_advance(world, days)
    _out.print(f"world clock: day {total}")


def register(app: typer.Typer) -> None:
    """Attach the `range` group to the root app."""
    group = typer.Typer(help="Serve a world as a dark web on this machine.", no_args_is_help=True)
    group.command("up")(_up)
    group.command("status")(_status)
    group.command("down")(_down)
    group.command("advance")(_advance)
    app.add_typer(group, name="range")
