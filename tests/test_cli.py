"""The CLI loads only the component a command needs, and its command map stays complete."""

from __future__ import annotations

import importlib
import subprocess
import sys

import typer

from darkrange.cli import COMMANDS, COMPONENTS


def _provided(module: str) -> set[str]:
    probe = typer.Typer()
    importlib.import_module(module).register(probe)
    commands = probe.registered_commands
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in commands}
    return names | {g.name or "" for g in probe.registered_groups}


def test_command_map_matches_what_components_register() -> None:
    expected = {name: module for module in COMPONENTS for name in _provided(module)}
    assert expected == COMMANDS
    assert set(COMMANDS.values()) == set(COMPONENTS)


def test_a_command_imports_only_its_component() -> None:
    code = (
        "import sys; from darkrange.cli import main; rc = main(['world', '--help']); "
        "print(rc, sorted(m for m in sys.modules if m.endswith('.commands')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    last = out.strip().splitlines()[-1]
    assert last.startswith("0 ")
    assert "darkrange.world.commands" in last
    assert "darkrange.chain.commands" not in last and "darkrange.case.commands" not in last


def test_unknown_command_is_a_one_line_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "darkrange.cli", "no-such-command"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "No such command" in done.stderr
    assert "Traceback" not in done.stderr
