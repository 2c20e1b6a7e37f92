"""Settings, commands and formats are declared once and documented: a test fails when one is not
(Datasette's rule)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import typer.main

from darkrange.cli import _register, app
from darkrange.network import SITE_KINDS
from darkrange.sites.defences import AntiCrawl
from darkrange.world.generate._sites import _anti_crawl
from darkrange.world.truth import TRUTH_FILES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))


def _commands() -> list[tuple[str, Any]]:
    _register()
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, group: Any) -> None:
        for name, cmd in sorted(group.commands.items()):
            path = f"{prefix} {name}".strip()
            found.append((path, cmd))
            if hasattr(cmd, "commands"):
                walk(path, cmd)

    walk("", root)
    return found


def test_every_anti_crawl_setting_is_documented() -> None:
    docs = (DOCS / "sites.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(AntiCrawl):
        assert f"`{f.name}`" in docs, f"anti_crawl setting {f.name} is not in docs/sites.md"


@pytest.mark.parametrize("kind", ["market", "deaddrop", "forum", "shop", "paste", "exchange"])
def test_the_generator_writes_only_settings_sites_read(kind: str) -> None:
    known = {f.name for f in dataclasses.fields(AntiCrawl)}
    assert set(_anti_crawl(kind, 0)) <= known


def test_every_command_has_help_and_docs() -> None:
    docs = _docs_text() + (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for path, cmd in _commands():
        assert (cmd.help or cmd.short_help or "").strip(), f"`darkrange {path}` has no help"
        assert f"darkrange {path}" in docs, f"`darkrange {path}` is not in docs/"


def test_every_truth_file_is_documented() -> None:
    docs = (DOCS / "formats" / "world.md").read_text(encoding="utf-8")
    for name in TRUTH_FILES:
        assert name in docs


def test_every_site_kind_is_documented() -> None:
    docs = _docs_text()
    for kind in SITE_KINDS:
        assert f"`{kind}`" in docs or f'kind "{kind}"' in docs or f"({kind})" in docs, kind
