"""`darkrange extract` on files, HTML, WARC and stdin; bad input gives one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from darkrange.cli import main
from tests.extract.conftest import onion_for

ONION = onion_for("cli")
BTC = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
PAGE = f"""<html><body><h1>Shop</h1>
<p>Mirror: <a href="http://{ONION}/">{ONION}</a></p>
<p>Pay to {BTC} or bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh</p>
<p>Jabber: shop@jabber.ccc.de</p></body></html>"""


def _squash(err: str) -> str:
    """The message without whitespace: the CLI's console may wrap a long one."""
    return "".join(err.split())


def _jsonl(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def _write_warc(path: Path, gzipped: bool) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzipped)
        for i, (body, ctype) in enumerate(
            [(PAGE.encode(), "text/html; charset=utf-8"), (b"\x89PNG" + BTC.encode(), "image/png")]
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"http://{ONION}/page{i}",
                "response",
                payload=io.BytesIO(body),
                length=len(body),  # else warcio buffers in a temporary file it never closes
                http_headers=headers,
            )
            writer.write_record(record)


def test_html_file_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "shop.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["extract", str(page)]) == 0
    rows = _jsonl(capsys.readouterr().out)
    kinds = [(r["kind"], r["valid"]) for r in rows]
    assert kinds == [
        ("onion_v3", True),
        ("onion_v3", True),
        ("btc", True),
        ("btc", False),
        ("xmpp", True),
    ]
    assert all(r["source"] == str(page) for r in rows)
    assert PAGE[int(str(rows[2]["offset"])) :].startswith(BTC)


def test_csv_table_and_filters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "notes.txt"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["extract", str(page), "--format", "csv", "--valid-only", "--kind", "btc"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["kind"], r["normalized"], r["valid"]) for r in rows] == [("btc", BTC, "True")]
    assert json.loads(rows[0]["extra"])["type"] == "p2wpkh"
    assert main(["extract", str(page), "-f", "table"]) == 0
    captured = capsys.readouterr()
    assert ONION in captured.out and "5 selectors" in captured.err


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(f"tg: @shop_owner {BTC}".encode()))
    )
    assert main(["extract", "-"]) == 0
    rows = _jsonl(capsys.readouterr().out)
    assert [(r["kind"], r["normalized"], r["source"]) for r in rows] == [
        ("telegram", "shop_owner", "<stdin>"),
        ("btc", BTC, "<stdin>"),
    ]


@pytest.mark.parametrize("gzipped", [False, True])
def test_warc_response_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], gzipped: bool
) -> None:
    warc = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    _write_warc(warc, gzipped)
    assert main(["extract", str(warc)]) == 0
    rows = _jsonl(capsys.readouterr().out)
    assert len(rows) == 5  # the image record is skipped
    path, record_id, uri = str(rows[0]["source"]).split(" ")
    assert (
        path == str(warc) and record_id.startswith("<urn:uuid:") and uri == f"http://{ONION}/page0"
    )


def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", str(tmp_path / "missing.txt")]) == 2
    assert _squash(capsys.readouterr().err).endswith("missing.txt:nosuchfile")
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00" + b"junk" * 100)
    good = tmp_path / "good.txt"
    good.write_text(BTC, encoding="utf-8")
    assert main(["extract", str(good), str(broken)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing written when one input is unreadable
    assert _squash(captured.err).startswith(_squash(f"error: {broken}: not a readable WARC file"))
    not_warc = tmp_path / "fake.warc"
    not_warc.write_bytes(b"this is not a WARC file\n")
    assert main(["extract", str(not_warc)]) == 2
    assert _squash("not a readable WARC file (no WARC/1.x header)") in _squash(
        capsys.readouterr().err
    )
    assert main(["extract", str(tmp_path)]) == 2
    assert main(["extract", str(good), "--kind", "nope"]) == 2
