"""`python -m darkrange.web ...`: the same as `darkrange web ...`."""

from __future__ import annotations

import typer

from darkrange.errors import DarkrangeError
from darkrange.web.commands import web


def main() -> None:
    app = typer.Typer(add_completion=False)
    app.command()(web)
    try:
        app(standalone_mode=True)
    except DarkrangeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
