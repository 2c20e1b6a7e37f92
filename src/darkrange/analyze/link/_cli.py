"""CLI: `darkrange link` (accounts into identities) and `link confirm|reject` (people decide)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from darkrange.errors import InputError

__all__ = ["register_link"]

_err = Console(stderr=True, highlight=False)

link_app = typer.Typer(
    help="Group accounts (site, handle) into identities, with the evidence for every link.",
    no_args_is_help=True,
    invoke_without_command=True,
)


def register_link(app: typer.Typer) -> None:
    """Attach `link` to the root app."""
    app.add_typer(link_app, name="link")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


@link_app.callback()
def link(
    ctx: typer.Context,
    records: Annotated[
        Path | None, typer.Option("--records", help="Records folder from `darkrange parse`.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for identities.csv and identities.json.")
    ] = None,
    chain: Annotated[
        Path | None,
        typer.Option("--chain", help="`chain cluster` CSV or a chain store: same-cluster links."),
    ] = None,
    decisions: Annotated[
        Path | None,
        typer.Option("--decisions", help="Decisions file (default: OUT/decisions.csv)."),
    ] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="A linker model JSON (default: shipped).")
    ] = None,
) -> None:
    """Link the accounts in a records folder into identities."""
    if ctx.invoked_subcommand is not None:
        return
    from darkrange.analyze.link import link_records, load_model

    if records is None or out is None:
        raise InputError("link needs --records DIR and --out DIR")
    chosen = load_model(model) if model is not None else None
    with _progress() as progress:
        task = progress.add_task("linking", total=None)

        def advance(step: str, done: int, total: int) -> None:
            progress.update(task, description=step, completed=done, total=total)

        result = link_records(records, out, chain, decisions, chosen, advance)
    groups = result.clustering.groups
    multi = sum(1 for g in groups if len(g) > 1)
    _err.print(
        f"{len(result.prepared.profiles)} accounts in {len(groups)} identities "
        f"({multi} with several accounts); {len(result.clustering.merged)} suggested links, "
        f"{len(result.confirmed)} confirmed, {len(result.rejected)} rejected -> {out}"
    )
    if result.ignored_decisions:
        _err.print(f"{result.ignored_decisions} decisions name accounts not in these records")


_BY = typer.Option("--by", help="Name of the person deciding.")
_REASON = typer.Option("--reason", help="Why (kept with the decision).")


def _decide(
    decision: str, out: Path, a: str, b: str, by: str, reason: str, decisions: Path | None
) -> None:
    from darkrange.analyze.link import append_decision, parse_account

    acc_a, acc_b = parse_account(a), parse_account(b)
    listed = out / "identities.csv"
    if listed.is_file():
        import csv

        with listed.open(encoding="utf-8", newline="") as f:
            known = {(r["site"].lower(), r["handle"]) for r in csv.DictReader(f)}
        for acc in (acc_a, acc_b):
            if acc not in known:
                raise InputError(f"account {acc[0]}:{acc[1]} is not in {listed}")
    path = decisions or out / "decisions.csv"
    d = append_decision(path, decision, acc_a, acc_b, by, reason)
    _err.print(
        f"{d.decision}ed by {d.by} at {d.at}: {a} ~ {b} (kept in {path}); "
        "run `darkrange link` again to apply it"
    )


@link_app.command("confirm")
def confirm(
    out: Annotated[Path, typer.Option("--out", help="The link output folder.")],
    a: Annotated[str, typer.Option("--a", help="SITE:HANDLE")],
    b: Annotated[str, typer.Option("--b", help="SITE:HANDLE")],
    by: Annotated[str, _BY],
    reason: Annotated[str, _REASON],
    decisions: Annotated[Path | None, typer.Option("--decisions")] = None,
) -> None:
    """Confirm that two accounts are one person: the link is forced on every later run."""
    _decide("confirm", out, a, b, by, reason, decisions)


@link_app.command("reject")
def reject(
    out: Annotated[Path, typer.Option("--out", help="The link output folder.")],
    a: Annotated[str, typer.Option("--a", help="SITE:HANDLE")],
    b: Annotated[str, typer.Option("--b", help="SITE:HANDLE")],
    by: Annotated[str, _BY],
    reason: Annotated[str, _REASON],
    decisions: Annotated[Path | None, typer.Option("--decisions")] = None,
) -> None:
    """Reject a link: these two accounts are never put together again."""
    _decide("reject", out, a, b, by, reason, decisions)
