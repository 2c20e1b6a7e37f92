"""CLI command `darkrange share validate FILE`: is a STIX bundle or MISP event fit to share?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from darkrange.errors import FormatError


def register(app: typer.Typer) -> None:
    """Attach this component's commands to the root app."""
    share = typer.Typer(
        help="Sharing formats: check what goes to or comes from partners.", no_args_is_help=True
    )
    share.command("validate")(validate)
    app.add_typer(share, name="share")


def validate(
    file: Annotated[Path, typer.Argument(help="A STIX 2.1 bundle or a MISP event (JSON).")],
) -> None:
    """Check a STIX bundle (stix2-validator, TLP 2.0 markings on every object, suggested links
    kept low) or a MISP event (readable, with its items), and say what it holds."""
    from darkrange.share._stix_validate import load_json, validate_stix

    data = load_json(file)
    if data.get("type") == "bundle":
        problems = validate_stix(data)
        if problems:
            for line in problems:
                typer.echo(f"problem: {line}", err=True)
            raise FormatError(f"{file}: {len(problems)} problems, not fit to share")
        typer.echo(f"{file}: valid STIX 2.1 bundle, {len(data['objects'])} objects")
        return
    if isinstance(data.get("Event"), dict) or "info" in data:
        typer.echo(f"{file}: valid MISP event, {_misp_summary(data)}")
        return
    raise FormatError(f"{file} is neither a STIX bundle nor a MISP event")


def _misp_summary(data: dict[str, Any]) -> str:
    from darkrange.share._misp import from_misp

    snap = from_misp(data)
    return (
        f"{len(snap.persons)} persons, {len(snap.accounts)} accounts, "
        f"{len(snap.selectors)} selectors, {len(snap.evidence)} evidence items"
    )
