"""The confirmation workflow: people confirm or reject links; the next run obeys (LED Art. 11)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from darkrange.cli import main
from tests.analyze.test_link import STYLE_1, STYLE_2, _identities
from tests.analyze.test_linkfix import ONION_A, ONION_B, ONION_C, key, vendor, write_records


def _records(tmp_path: Path) -> Path:
    k = key(60)
    return write_records(
        tmp_path / "r",
        vendors=[
            vendor(1, ONION_A, "DonTiger", k, terms=STYLE_1),
            vendor(2, ONION_B, "DonTiger", k, terms=STYLE_1),
            vendor(3, ONION_C, "quiet_owl", key(61), terms=STYLE_2),
        ],
    )


def _run(*args: str) -> None:
    assert main(list(args)) == 0


def test_reject_then_confirm_changes_the_next_run(tmp_path: Path) -> None:
    records, out = _records(tmp_path), tmp_path / "out"
    a, b, c = f"{ONION_A}:DonTiger", f"{ONION_B}:DonTiger", f"{ONION_C}:quiet_owl"
    _run("link", "--records", str(records), "--out", str(out))
    ids = _identities(out)
    assert ids[(ONION_A, "DonTiger")] == ids[(ONION_B, "DonTiger")]
    assert ids[(ONION_A, "DonTiger")] != ids[(ONION_C, "quiet_owl")]

    _run(
        "link",
        "reject",
        "--out",
        str(out),
        "--a",
        a,
        "--b",
        b,
        "--by",
        "Insp. Varga",
        "--reason",
        "two sellers share one key (crew)",
    )
    _run(
        "link",
        "confirm",
        "--out",
        str(out),
        "--a",
        a,
        "--b",
        c,
        "--by",
        "Insp. Varga",
        "--reason",
        "same Jabber in seized chat logs",
    )
    with (out / "decisions.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["decision"] for r in rows] == ["reject", "confirm"]
    assert all(r["by"] == "Insp. Varga" and r["at"] for r in rows)

    _run("link", "--records", str(records), "--out", str(out))
    ids = _identities(out)
    assert ids[(ONION_A, "DonTiger")] != ids[(ONION_B, "DonTiger")]  # rejected: never again
    assert ids[(ONION_A, "DonTiger")] == ids[(ONION_C, "quiet_owl")]  # confirmed: forced
    doc = json.loads((out / "identities.json").read_text(encoding="utf-8"))
    confirmed = [
        link for i in doc["identities"] for link in i["links"] if link["status"] == "confirmed"
    ]
    (link,) = confirmed
    assert link["decision"]["by"] == "Insp. Varga"
    assert link["explanation"].startswith("confirmed by Insp. Varga")
    # the rejected pair is not even proposed for review
    assert all({h["a"]["site"], h["b"]["site"]} != {ONION_A, ONION_B} for h in doc["held_back"])
    assert doc["counts"]["confirmed"] == 1 and doc["counts"]["rejected"] == 1


def test_decisions_need_known_accounts_a_name_and_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records, out = _records(tmp_path), tmp_path / "out"
    _run("link", "--records", str(records), "--out", str(out))
    code = main(
        [
            "link",
            "confirm",
            "--out",
            str(out),
            "--a",
            f"{ONION_A}:Nobody",
            "--b",
            f"{ONION_B}:DonTiger",
            "--by",
            "X",
            "--reason",
            "y",
        ],
    )
    assert code != 0 and "is not in" in capsys.readouterr().err
    code = main(
        [
            "link",
            "reject",
            "--out",
            str(out),
            "--a",
            "no-colon",
            "--b",
            f"{ONION_B}:DonTiger",
            "--by",
            "X",
            "--reason",
            "y",
        ],
    )
    assert code != 0 and "SITE:HANDLE" in capsys.readouterr().err
    code = main(
        [
            "link",
            "reject",
            "--out",
            str(out),
            "--a",
            f"{ONION_A}:DonTiger",
            "--b",
            f"{ONION_B}:DonTiger",
            "--by",
            " ",
            "--reason",
            "y",
        ],
    )
    assert code != 0 and "--by" in capsys.readouterr().err
    assert not (out / "decisions.csv").exists()
