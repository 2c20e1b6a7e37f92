"""`darkrange world generate|describe`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

world_app = typer.Typer(
    help="Generate and describe simulated dark-web worlds.", no_args_is_help=True
)


@world_app.command("generate")
def generate_cmd(
    out: Path = typer.Option(..., "--out", help="Folder to write the world to."),
    seed: int = typer.Option(7, "--seed", help="Same seed and size give byte-identical worlds."),
    size: str = typer.Option("demo", "--size", help="tiny, small, demo or large."),
    force: bool = typer.Option(False, "--force", help="Replace a world already in --out."),
) -> None:
    """Generate a world: sites, people, content, a chain and its hidden truth."""
    from darkrange.world.generate import generate

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("world", total=1)

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phase, completed=done, total=max(total, 1))

        manifest = generate(seed, size, out, force=force, progress=progress)
    c = manifest["counts"]
    typer.echo(
        f"world written to {out}: {c['sites']} sites, {c['persons']} persons, "
        f"{c['listings']} listings, {c['transactions']} transactions"
    )


@world_app.command("describe")
def describe_cmd(world: Path = typer.Argument(..., help="A world folder.")) -> None:
    """Summarise a world: sites, actors, listings by category and language, chain, plots."""
    from darkrange.world.describe import print_summary

    print_summary(world, Console(width=160))


def register(app: typer.Typer) -> None:
    app.add_typer(world_app, name="world")
