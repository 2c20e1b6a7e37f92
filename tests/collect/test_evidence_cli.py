"""`darkrange evidence ...` end to end: exit codes and messages."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from darkrange.cli import main
from tests.collect.evidence_site import crawl


def test_keygen_package_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crawl(tmp_path / "crawl")
    key = tmp_path / "agency.key"
    assert main(["evidence", "keygen", "--out", str(key)]) == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and Path(f"{key}.pub").is_file()
    assert main(["evidence", "keygen", "--out", str(key)]) == 3  # never overwritten
    package = tmp_path / "case.wacz"
    argv = ["evidence", "package", "--crawl", str(tmp_path / "crawl"), "--out", str(package)]
    assert main([*argv, "--key", str(key)]) == 0
    assert main(["evidence", "verify", str(package), "--pubkey", f"{key}.pub"]) == 0
    out = capsys.readouterr().out
    assert "verified: intact" in out and "matches --pubkey" in out
    assert main(["evidence", "verify", str(tmp_path / "crawl")]) == 0
    data = bytearray(package.read_bytes())
    data[len(data) // 3] ^= 0x01
    package.write_bytes(data)
    assert main(["evidence", "verify", str(package)]) == 2
    assert "FAILED verification" in capsys.readouterr().err


def test_bad_input_gives_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evidence", "verify", str(tmp_path / "none.wacz")]) == 2
    assert main(["evidence", "package", "--crawl", str(tmp_path), "--out", str(tmp_path / "x.wacz"),
                 "--key", str(tmp_path / "k")]) == 2  # fmt: skip
    (tmp_path / "k").write_text("not a key")
    assert main(["evidence", "verify", str(tmp_path), "--pubkey", str(tmp_path / "k")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 3
