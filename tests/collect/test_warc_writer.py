"""WarcWriter: real exchanges from a local site, rotation, crash and resume."""

from __future__ import annotations

import random
import shutil
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from darkrange.collect.evidence import RecordInfo, WarcWriter, verify_warc
from darkrange.collect.evidence._digest import warc_digest
from darkrange.collect.evidence._http import dechunk, payload_of
from darkrange.collect.evidence._record import parse
from darkrange.errors import InputError, StateError
from tests.collect.evidence_site import crawl, info, paths


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crawl")
    crawl(folder)
    return folder


def test_every_record_verifies_and_carries_sha256_digests(crawled: Path) -> None:
    files = sorted((crawled / "warc").glob("*.warc.gz"))
    assert [f.name for f in files] == ["capture-00001.warc.gz"]
    report = verify_warc(files[0])
    assert report.ok, report.problems
    counts = report.counts()
    assert counts["request"] == counts["response"] == len(paths())
    assert counts["warcinfo"] == 1 and counts["resource"] == counts["metadata"] == 3
    with files[0].open("rb") as handle:
        records = list(ArchiveIterator(handle))
    # warcio reads our files too; every record, warcinfo included, has a SHA-256 block digest
    assert len(records) == len(report.records)
    for record in records:
        assert record.rec_headers.get_header("WARC-Block-Digest").startswith("sha256:")
        if record.rec_type in ("request", "response"):
            assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")


def test_warcinfo_names_software_case_collector_and_legal_basis(crawled: Path) -> None:
    path = next((crawled / "warc").glob("*.warc.gz"))
    with path.open("rb") as handle:
        first = parse(zlib.decompressobj(31).decompress(handle.read()))
    assert first.type == "warcinfo"
    text = first.block.decode()
    for expected in (
        "software: darkrange",
        "case: CASE-2024-017",
        "collector: Det. A. Analyst",
        "legal-basis: Art. 100a StPO",
        "machine: lab-01",
        '"delay":0.5',
        "clock: UTC",
    ):
        assert expected in text  # fmt: skip
    assert first.get("WARC-Block-Digest") == warc_digest(first.block)


def test_payload_digest_is_of_the_entity_body() -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    wire = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    assert dechunk(wire) == b"hello world"
    assert payload_of(head, wire) == b"hello world"
    # httpx hands the body over de-chunked: taken as the entity-body as it is
    assert payload_of(head, b"hello world") == b"hello world"
    gz_head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"
    assert payload_of(gz_head, b"\x1f\x8bxyz") == b"\x1f\x8bxyz"  # content coding is kept


def test_record_refs_point_at_their_records(tmp_path: Path) -> None:
    refs = crawl(tmp_path, max_bytes=8192)
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(files) > 2
    for path in files:
        report = verify_warc(path)
        assert report.ok, report.problems
        assert report.records[0].type == "warcinfo"
    for ref in refs:
        with (tmp_path / "warc" / ref.file).open("rb") as handle:
            handle.seek(ref.offset)
            record = parse(zlib.decompress(handle.read(ref.length), 31))
        assert record.record_id == ref.record_id and record.type == "response"
        assert record.get("WARC-Block-Digest") == ref.block_digest


def _expected_cut(records: list[RecordInfo], offset: int) -> tuple[int, int]:
    """Where recovery must cut a file torn at `offset`, and how many records stay."""
    whole = [r for r in records if r.offset + r.length <= offset]
    if whole and whole[-1].type == "request":
        whole.pop()  # a request without its response goes too
    return (whole[-1].offset + whole[-1].length if whole else 0), len(whole)


def test_crash_mid_record_is_cut_and_the_crawl_resumes(tmp_path: Path) -> None:
    source = tmp_path / "source"
    crawl(source)
    original = source / "warc" / "capture-00001.warc.gz"
    data = original.read_bytes()
    records = verify_warc(original).records
    rng = random.Random(4)
    for offset in sorted(rng.sample(range(1, len(data)), 25)):
        folder = tmp_path / f"cut-{offset}"
        shutil.copytree(source, folder)
        torn = folder / "warc" / "capture-00001.warc.gz"
        with torn.open("r+b") as handle:
            handle.truncate(offset)
        cut_at, kept = _expected_cut(records, offset)
        writer = WarcWriter(folder, info())
        if cut_at == offset:
            assert writer.recoveries == []
        else:
            (cut,) = writer.recoveries
            assert cut.offset == cut_at
            assert Path(cut.kept_in).read_bytes() == data[cut_at:offset]
        assert torn.stat().st_size == cut_at
        writer.write_metadata("http://x.onion/", {"resumed": "yes"}, "<urn:uuid:0>")
        writer.close()
        assert writer.current_file == "capture-00002.warc.gz"
        if kept:
            report = verify_warc(torn)
            assert report.ok and len(report.records) == kept
        assert verify_warc(folder / "warc" / "capture-00002.warc.gz").ok


def test_garbage_after_the_last_record_is_cut(tmp_path: Path) -> None:
    crawl(tmp_path)
    path = tmp_path / "warc" / "capture-00001.warc.gz"
    size = path.stat().st_size
    with path.open("ab") as handle:
        handle.write(b"\x00" * 4096)  # what a power cut can leave on some file systems
    writer = WarcWriter(tmp_path, info())
    writer.close()
    assert path.stat().st_size == size and writer.recoveries[0].removed == 4096


def test_bad_input_is_refused(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, info())
    head = b"HTTP/1.1 200 OK\r\n\r\n"
    with pytest.raises(InputError):
        writer.write_exchange(
            "http://a/", b"GET / HTTP/1.1", b"", head, b"", None, datetime.now(UTC)
        )
    with pytest.raises(InputError):
        writer.write_exchange(
            "http://a/", b"GET / HTTP/1.1\r\n\r\n", b"", head, b"", None, datetime(2024, 1, 1)
        )
    with pytest.raises(InputError):
        writer.write_metadata("http://a/", {"bad\nname": "x"}, "<urn:uuid:0>")
    with pytest.raises(InputError):
        WarcWriter(tmp_path, info(), prefix="../escape")
    writer.close()


def test_two_writers_never_share_a_file(tmp_path: Path) -> None:
    first = WarcWriter(tmp_path, info())
    first.write_metadata("http://a/", {"k": "v"}, "<urn:uuid:0>")
    second = WarcWriter(tmp_path, info())
    second._number = 1  # as if it had started at the same moment as the first
    with pytest.raises(StateError):
        second.write_metadata("http://a/", {"k": "v"}, "<urn:uuid:0>")
    first.close()
