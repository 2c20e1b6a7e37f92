"""The `darkrange` command: one Typer app, each component adds its own sub-commands."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from darkrange import __version__
from darkrange.errors import DarkrangeError

app = typer.Typer(
    name="darkrange",
    help="A simulated dark web for training and a toolkit for real investigations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_err = Console(stderr=True, highlight=False, soft_wrap=True)


# Each component owns a `commands` module with `register(app)`; built-in components use the
# same hook a third-party one would.
COMPONENTS = (
    "darkrange.world.commands",
    "darkrange.network.commands",
    "darkrange.extract.commands",
    "darkrange.chain.commands",
    "darkrange.collect.commands",
    "darkrange.analyze.commands",
    "darkrange.case.commands",
    "darkrange.share.commands",
    "darkrange.train.commands",
)


_registered: list[str] = []


def _register() -> None:
    """Attach every component's commands, once per process."""
    import importlib

    for name in COMPONENTS:
        if name not in _registered:
            importlib.import_module(name).register(app)
            _registered.append(name)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"darkrange {__version__}")
        raise typer.Exit(0)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a DarkrangeError becomes one line on stderr and its exit code."""
    _register()
    try:
        app(args=argv, standalone_mode=False)
    except DarkrangeError as exc:
        _err.print(f"error: {exc}")
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        _err.print("error: aborted")
        return 130
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
