"""CLI commands of darkrange.chain (filled in by its component)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach this component's commands to the root app."""
