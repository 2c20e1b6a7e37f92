"""Court report: every evidence hash, custody, traces with pictures, codes; PDF when possible."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from darkrange.share import court_report, pdf_renderer
from tests.share._sample import VICTIM_NAME, sample_snapshot

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


def tiny_png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    png += chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


def test_html_has_every_hash_custody_trace_picture_and_codes(tmp_path: Path) -> None:
    snap = sample_snapshot(picture=str(tiny_png(tmp_path / "trace.png")))
    html_path, _ = court_report(snap, tmp_path / "report", pdf=False, now=NOW)
    html = html_path.read_text(encoding="utf-8")
    for e in snap.evidence:
        assert e.sha256 in html
    for c in snap.custody:
        assert c.entry_hash in html
    assert "data:image/png;base64," in html
    assert "B2 H1" in html and "X4 H2" in html
    assert "not a fact" in html  # the suggested identity is marked
    assert snap.case.legal_basis in html
    assert VICTIM_NAME in html  # the court sees real names by default
    assert all(m.name in html for m in snap.methods)


def test_pseudonymised_report_hides_victims(tmp_path: Path) -> None:
    html_path, _ = court_report(sample_snapshot(), tmp_path, pseudonymise=True, pdf=False, now=NOW)
    assert VICTIM_NAME not in html_path.read_text(encoding="utf-8")


def test_pdf_when_a_renderer_exists(tmp_path: Path) -> None:
    if pdf_renderer() is None:
        pytest.skip("no PDF renderer: WeasyPrint cannot load Pango and /usr/bin/chromium absent")
    _, pdf_path = court_report(sample_snapshot(), tmp_path, now=NOW)
    assert pdf_path is not None
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    assert pdf_path.stat().st_size > 5000
