"""The world generator: determinism, refusal to overwrite, manifest and CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from darkrange.cli import main
from darkrange.errors import StateError
from darkrange.world.generate import generate


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_and_size_give_identical_bytes(tmp_path: Path, tiny_world: Path) -> None:
    again = tmp_path / "again"
    generate(11, "tiny", again)
    assert _digest(again) == _digest(tiny_world)


def test_another_seed_gives_another_world(tmp_path: Path, tiny_world: Path) -> None:
    other = tmp_path / "other"
    generate(12, "tiny", other)
    a, b = _digest(other), _digest(tiny_world)
    assert {k for k in a if not k.startswith("keys/")} == {
        k for k in b if not k.startswith("keys/")
    }
    assert a["sites.json"] != b["sites.json"]
    assert a["chain/transactions.parquet"] != b["chain/transactions.parquet"]


def test_manifest_counts_match_files(tiny_world: Path) -> None:
    manifest = json.loads((tiny_world / "world.json").read_text())
    assert manifest["seed"] == 11 and manifest["size"] == "tiny"
    sites = json.loads((tiny_world / "sites.json").read_text())
    assert manifest["counts"]["sites"] == len(sites)
    kinds = {s["kind"] for s in sites}
    assert {
        "market",
        "deaddrop",
        "shop",
        "forum",
        "directory",
        "paste",
        "mixer",
        "exchange",
        "explorer",
        "phishing",
        "hostile",
    } <= kinds


def test_non_empty_folder_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "w"
    out.mkdir()
    (out / "notes.txt").write_text("an investigator's notes")
    with pytest.raises(StateError, match="not empty"):
        generate(1, "tiny", out)
    with pytest.raises(StateError, match="holds no darkrange world"):
        generate(1, "tiny", out, force=True)
    assert (out / "notes.txt").read_text() == "an investigator's notes"


def test_force_replaces_a_world(tmp_path: Path) -> None:
    out = tmp_path / "w"
    generate(1, "tiny", out)
    generate(2, "tiny", out, force=True)
    assert json.loads((out / "world.json").read_text())["seed"] == 2
    assert not any(p.name.startswith(".w.") for p in tmp_path.iterdir())


def test_cli_refuses_with_one_line_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "w"
    out.mkdir()
    (out / "x").write_text("x")
    code = main(["world", "generate", "--seed", "1", "--size", "tiny", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert err.startswith("error:") and "--force" in err and len(err.splitlines()) == 1


def test_cli_rejects_unknown_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["world", "generate", "--size", "huge", "--out", str(tmp_path / "w")])
    assert code == 2
    assert "unknown size" in capsys.readouterr().err


def test_describe_prints_the_summary(tiny_world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["world", "describe", str(tiny_world)]) == 0
    out = capsys.readouterr().out
    for heading in (
        "Sites",
        "Actors",
        "Listings by category and language",
        "Chain:",
        "Plots",
        "cell-precursors",
        "exit-scam",
    ):
        assert heading in out


def test_describe_refuses_a_non_world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["world", "describe", str(tmp_path)]) == 2
    assert "not a darkrange world" in capsys.readouterr().err
