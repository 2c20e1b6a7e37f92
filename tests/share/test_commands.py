"""`darkrange share validate FILE`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkrange.cli import main
from darkrange.share import to_misp, to_stix
from tests.share._sample import sample_snapshot


def test_validate_accepts_a_bundle_and_an_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "case.json"
    bundle.write_text(json.dumps(to_stix(sample_snapshot())), encoding="utf-8")
    assert main(["share", "validate", str(bundle)]) == 0
    assert "valid STIX 2.1 bundle" in capsys.readouterr().out
    event = tmp_path / "event.json"
    event.write_text(json.dumps(to_misp(sample_snapshot())), encoding="utf-8")
    assert main(["share", "validate", str(event)]) == 0
    assert "valid MISP event" in capsys.readouterr().out


def test_validate_refuses_an_unmarked_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = to_stix(sample_snapshot())
    next(o for o in data["objects"] if o["type"] == "indicator").pop("object_marking_refs")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["share", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "TLP 2.0 markings" in err and "not fit to share" in err


def test_validate_bad_files_get_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n, content in enumerate(["not json", "[1]", '{"a": 1}']):
        path = tmp_path / f"x{n}.json"
        path.write_text(content, encoding="utf-8")
        assert main(["share", "validate", str(path)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.startswith("error:")
    assert main(["share", "validate", str(tmp_path / "missing.json")]) == 2
