"""`darkrange classify` and `darkrange classify train` on real CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from darkrange.cli import main

ROWS = [
    {"id": "1", "title": "Glock 19 Gen4 9mm", "description": "New in box.", "price": "1700"},
    {"id": "2", "title": "10x Grenades 220mg MDMA", "description": "Pressed pills.", "price": "40"},
    {"id": "3", "title": "Перекись водорода 50%", "description": "20 л, канистра.", "price": "90"},
    {"id": "4", "title": "Поддержите братьев", "description": "Все средства идут движению.",
     "price": "25"},
]  # fmt: skip


def _write(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_round_trip_keeps_columns_and_rows(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", ROWS)
    before = source.read_bytes()
    out = tmp_path / "out.csv"
    args = ["classify", "--input", str(source), "--text-columns", "title,description"]
    assert main([*args, "--out", str(out)]) == 0
    assert source.read_bytes() == before
    got = _read(out)
    assert list(got[0]) == [*ROWS[0], "category", "confidence", "risk_flags", "explanation"]
    assert [{k: r[k] for k in ROWS[0]} for r in got] == ROWS
    assert got[0]["category"] == "weapons"
    assert got[0]["risk_flags"] == "firearm_or_part"
    assert '"glock"' in got[0]["explanation"]
    assert got[1]["category"] == "drugs"
    assert got[1]["risk_flags"] == ""  # ecstasy "Grenades"
    assert got[2]["risk_flags"] == "explosive_precursor"
    assert got[3]["risk_flags"] == "terrorist_financing"
    assert all(0.0 < float(r["confidence"]) <= 1.0 for r in got)


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    return code, err


def test_bad_input_gets_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "in.csv", ROWS)
    out = str(tmp_path / "out.csv")
    cases = [
        (["--input", str(tmp_path / "nope.csv"), "--out", out], "no such file"),
        (["--input", str(source), "--out", out, "--text-columns", "title,body"], "no column body"),
        (["--input", str(source), "--out", str(source)], "is the input file"),
        (["--input", str(source), "--out", out, "--text-columns", " , "], "names no column"),
        (["--input", str(source), "--out", out, "--model", str(tmp_path)], "no classifier model"),
    ]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    header_only = tmp_path / "header.csv"
    header_only.write_text("title,description\n")
    cases += [
        (["--input", str(empty), "--out", out], "is empty"),
        (["--input", str(header_only), "--out", out], "no rows"),
    ]
    for argv, message in cases:
        code, err = _error(capsys, ["classify", *argv])
        assert code == 2, (argv, err)
        assert message in err
        assert err.startswith("error:") and "\n" not in err
        assert not Path(out).exists()  # nothing half-written


def test_existing_category_column_needs_a_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"title": "Glock 19", "category": "mine"}]
    source = _write(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    code, err = _error(capsys, ["classify", "-i", str(source), "-o", str(out), "-t", "title"])
    assert code == 2 and "--prefix" in err
    assert (
        main(["classify", "-i", str(source), "-o", str(out), "-t", "title", "--prefix", "p_"]) == 0
    )
    assert _read(out)[0]["category"] == "mine"
    assert _read(out)[0]["p_category"] == "weapons"


def test_ragged_and_non_utf8_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("title,description\na,b\nc,d,e\n")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("title\nSchäfer\n".encode("latin-1"))
    for path, message in ((ragged, "row 3 has 3 fields"), (latin, "not UTF-8")):
        code, err = _error(
            capsys, ["classify", "-i", str(path), "-o", str(tmp_path / "o.csv"), "-t", "title"]
        )
        assert code == 2 and message in err
        assert not (tmp_path / "o.csv").exists()


def _labelled(path: Path) -> Path:
    rows = [{"title": f"blue widget {n}", "label": "alpha"} for n in range(4)]
    rows += [{"title": f"red gadget {n}", "label": "beta"} for n in range(4)]
    rows.append({"title": "no label here", "label": ""})
    return _write(path, rows)


def test_train_then_classify_with_the_new_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _labelled(tmp_path / "a.csv")
    second = _write(tmp_path / "b.csv", [{"title": "green widget", "label": "alpha"}])
    model = tmp_path / "model"
    argv = ["classify", "train", "--input", str(first), str(second), "-t", "title"]
    argv += ["--label-column", "label", "--out", str(model)]
    code, err = _error(capsys, argv)
    assert code == 2 and "--any-labels" in err  # alpha/beta are not our categories
    assert main([*argv, "--any-labels"]) == 0
    assert "1 rows without a label left out" in capsys.readouterr().err
    code, err = _error(capsys, [*argv, "--any-labels"])
    assert code == 3 and "--force" in err
    assert main([*argv, "--any-labels", "--force"]) == 0

    probe = _write(tmp_path / "p.csv", [{"title": "a blue widget"}, {"title": "the red gadget"}])
    out = tmp_path / "p-out.csv"
    assert (
        main(["classify", "-i", str(probe), "-o", str(out), "-t", "title", "-m", str(model)]) == 0
    )
    assert [r["category"] for r in _read(out)] == ["alpha", "beta"]


def test_train_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = _write(tmp_path / "one.csv", [{"title": "a", "category": "drugs"}])
    out = str(tmp_path / "m")
    cases = [
        (["-i", str(tmp_path / "none.csv"), "-o", out], "no such file"),
        (["-i", str(one), "-o", out, "-t", "title"], "at least two labels"),
        (["-i", str(one), "-o", out, "-t", "title", "-l", "kind"], "no column kind"),
        (["-o", out], "needs --input"),
    ]
    for argv, message in cases:
        code, err = _error(capsys, ["classify", "train", *argv])
        assert code == 2 and message in err, (argv, err)
