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
    "darkrange.web.commands",
)

# Which component provides each top-level command, so `darkrange crawl ...` imports only the
# crawler (start-up drops from seconds to a fraction); `--help` and unknown names load them all.
# tests/test_cli.py fails when this map and what the components register disagree.
COMMANDS: dict[str, str] = {
    "world": "darkrange.world.commands",
    "range": "darkrange.network.commands",
    "extract": "darkrange.extract.commands",
    "parse": "darkrange.extract.commands",
    "chain": "darkrange.chain.commands",
    "crawl": "darkrange.collect.commands",
    "captcha": "darkrange.collect.commands",
    "evidence": "darkrange.collect.commands",
    "classify": "darkrange.analyze.commands",
    "link": "darkrange.analyze.commands",
    "watch": "darkrange.analyze.commands",
    "search": "darkrange.analyze.commands",
    "case": "darkrange.case.commands",
    "user": "darkrange.case.commands",
    "audit": "darkrange.case.commands",
    "share": "darkrange.share.commands",
    "course": "darkrange.train.commands",
    "web": "darkrange.web.commands",
}


_registered: list[str] = []


def _register(only: str | None = None) -> None:
    """Attach the components' commands (one component, or all), each once per process."""
    import importlib

    for name in (only,) if only else COMPONENTS:
        if name not in _registered:
            importlib.import_module(name).register(app)
            _registered.append(name)


def _component_for(argv: list[str]) -> str | None:
    """The one component the command line needs, or None when all are needed (help, typos)."""
    words = [a for a in argv if not a.startswith("-")]
    return COMMANDS.get(words[0]) if words else None


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"darkrange {__version__}")
        raise typer.Exit(0)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a DarkrangeError becomes one line on stderr and its exit code."""
    _register(_component_for(sys.argv[1:] if argv is None else argv))
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
    except Exception as exc:
        # click's usage errors (typer >= 0.29 vendors its own click, so match by shape)
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
