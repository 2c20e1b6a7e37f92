"""Signed WACZ packages: intact ones verify and pass `wacz validate`; any change is caught."""

from __future__ import annotations

import hashlib
import io
import json
import random
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from darkrange.collect.evidence import (
    build_package,
    generate_key,
    load_private_key,
    load_public_key,
    verify_package,
)
from darkrange.collect.evidence._package import digest_json, sign_block
from darkrange.collect.evidence._zip import StoredZipWriter, read_entries
from darkrange.errors import FormatError, StateError
from tests.collect.evidence_site import PAGES, crawl


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(crawl folder, package, key file)."""
    root = tmp_path_factory.mktemp("pkg")
    crawl(root / "crawl")
    key, _ = generate_key(root / "agency.key")
    out = root / "case.wacz"
    build_package(root / "crawl", out, load_private_key(key))
    return root / "crawl", out, key


def _rebuild(package: Path, out: Path, key: Ed25519PrivateKey, edit: object = None,
             created: str | None = None) -> None:  # fmt: skip
    """What a forger with ZIP tools does: change files, fix every hash, sign with `key`."""
    with zipfile.ZipFile(package) as z:
        files = {name: z.read(name) for name in z.namelist()}
    if callable(edit):
        edit(files)
    meta = json.loads(files["datapackage.json"])
    for resource in meta["resources"]:
        data = files[resource["path"]]
        resource.update(hash="sha256:" + hashlib.sha256(data).hexdigest(), bytes=len(data))
    meta["created"] = created or meta["created"]
    moment = datetime.strptime(meta["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    files["datapackage.json"] = json.dumps(meta, indent=2).encode()
    label = "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest()
    doc = {
        "path": "datapackage.json",
        "hash": label,
        "signedData": sign_block(key, label, meta["created"]),
    }
    files["datapackage-digest.json"] = digest_json(doc)
    with out.open("wb") as handle:
        writer = StoredZipWriter(handle, moment)
        for name, data in files.items():
            writer.add_bytes(name, data)
        writer.finish()


def test_intact_package_verifies_with_its_key(made: tuple[Path, Path, Path]) -> None:
    _, package, key = made
    report = verify_package(package, load_public_key(Path(f"{key}.pub")))
    assert report.ok, report.problems
    assert report.key_checked and report.signer == verify_package(package).signer
    assert report.pages == PAGES + 2  # the listing pages, the gzip page, the chunked page
    assert report.records > 3 * report.pages


def test_pages_and_index_list_what_was_captured(made: tuple[Path, Path, Path]) -> None:
    _, package, _ = made
    with zipfile.ZipFile(package) as z:
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").splitlines()]
        index = z.read("indexes/index.cdx").decode().splitlines()
        meta = json.loads(z.read("datapackage.json"))
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    assert pages[0]["format"] == "json-pages-1.0"
    titles = {p["title"] for p in pages[1:]}
    assert "Listing 3 & more" in titles and "chunked" in titles and "Listing 99 & more" in titles
    assert all(
        p["ts"].endswith("Z") and p["payloadDigest"].startswith("sha256:") for p in pages[1:]
    )
    assert len(index) == 18 + 3  # every response and the three screenshots
    assert meta["wacz_version"] == "1.1.1" and meta["profile"] == "data-package"
    assert meta["darkrange"]["case"] == ["CASE-2024-017"]


def test_wacz_validate_passes(made: tuple[Path, Path, Path]) -> None:
    _, package, _ = made
    result = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(package)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout


def test_one_flipped_byte_anywhere_is_caught(made: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, package, key = made
    data = package.read_bytes()
    with package.open("rb") as handle:
        entries = read_entries(handle, len(data))
    in_data = {e.name: range(e.data_offset, e.data_offset + e.size) for e in entries}
    # every byte of every ZIP header, central directory and end record ...
    positions = set(range(len(data))) - {p for r in in_data.values() for p in r}
    rng = random.Random(11)
    # ... and bytes from every file: first, last and a sample of the rest
    for span in in_data.values():
        positions |= {span[0], span[-1], *rng.sample(span, min(40, len(span)))}
    pubkey = load_public_key(Path(f"{key}.pub"))
    target = tmp_path / "flipped.wacz"
    for position in sorted(positions):
        changed = bytearray(data)
        changed[position] ^= 0xFF
        target.write_bytes(changed)
        report = verify_package(target, pubkey)
        assert not report.ok, f"flip at byte {position} not caught"
        holder = next((n for n, r in in_data.items() if position in r), None)
        if holder is not None:  # the report names the file that holds the byte
            assert holder in {p.file for p in report.problems}, (position, report.problems)


def test_removed_record_is_named_even_when_rehashed_and_resigned(
    made: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, package, key = made
    report = verify_package(package)
    victim = "archive/capture-00001.warc.gz"
    with zipfile.ZipFile(package) as z:
        warc = z.read(victim)
    from darkrange.collect.evidence._check import check_stream

    records = check_stream(io.BytesIO(warc), "w").records
    gone = next(r for r in records if r.type == "response" and r.target.endswith("/page/5"))

    def remove(files: dict[str, bytes]) -> None:
        files[victim] = warc[: gone.offset] + warc[gone.offset + gone.length :]

    forged = tmp_path / "forged.wacz"
    _rebuild(package, forged, load_private_key(key), remove)  # an insider holding the key
    report = verify_package(forged, load_public_key(Path(f"{key}.pub")))
    assert not report.ok
    assert gone.record_id in {p.record_id for p in report.problems}


def test_wrong_key_and_resigned_package_are_rejected(
    made: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, package, key = made
    other, _ = generate_key(tmp_path / "other.key")
    report = verify_package(package, load_public_key(Path(f"{other}.pub")))
    assert not report.ok and "not the expected" in report.problems[0].message

    def retitle(files: dict[str, bytes]) -> None:
        meta = json.loads(files["datapackage.json"])
        meta["title"] = "something else"
        files["datapackage.json"] = json.dumps(meta, indent=2).encode()

    forged = tmp_path / "resigned.wacz"
    _rebuild(package, forged, load_private_key(other), retitle)
    assert verify_package(forged).ok  # self-consistent: only the trusted key tells
    report = verify_package(forged, load_public_key(Path(f"{key}.pub")))
    assert not report.ok and "not the expected" in report.problems[0].message


def test_stale_or_future_signature_time_is_rejected(
    made: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, package, key = made
    forged = tmp_path / "backdated.wacz"
    _rebuild(package, forged, load_private_key(key), created="2001-01-01T00:00:00Z")
    report = verify_package(forged)
    assert any("stale signature" in p.message for p in report.problems)
    later = datetime.now(UTC) + timedelta(days=2)
    _rebuild(package, tmp_path / "future.wacz", load_private_key(key),
             created=later.strftime("%Y-%m-%dT%H:%M:%SZ"))  # fmt: skip
    report = verify_package(tmp_path / "future.wacz")
    assert any("in the future" in p.message for p in report.problems)


def test_packaging_refuses_bad_warcs_and_existing_output(
    made: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    crawled, package, key = made
    with pytest.raises(StateError):
        build_package(crawled, package, load_private_key(key))
    broken = tmp_path / "broken"
    crawl(broken)
    path = next((broken / "warc").glob("*.warc.gz"))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(data)
    with pytest.raises(FormatError, match="fails verification"):
        build_package(broken, tmp_path / "b.wacz", load_private_key(key))
    assert not (tmp_path / "b.wacz").exists() and not (tmp_path / "b.wacz.partial").exists()
