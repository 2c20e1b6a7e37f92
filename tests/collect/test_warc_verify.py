"""Our WARC verifier: flipped bytes, torn members, removed records, missing digests."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from darkrange.collect.evidence import RecordInfo, verify_warc
from darkrange.collect.evidence._record import gzip_member, serialize
from darkrange.errors import InputError
from tests.collect.evidence_site import crawl


@pytest.fixture(scope="module")
def warc(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[RecordInfo]]:
    folder = tmp_path_factory.mktemp("crawl")
    crawl(folder)
    path = next((folder / "warc").glob("*.warc.gz"))
    return path.read_bytes(), verify_warc(path).records


def _member_at(records: list[RecordInfo], position: int) -> RecordInfo:
    return next(r for r in records if r.offset <= position < r.offset + r.length)


def _deflate_tail(record: RecordInfo, position: int) -> bool:
    # the last deflate byte before the 8-byte gzip trailer may hold unused padding bits
    return position == record.offset + record.length - 9


def test_one_flipped_byte_is_found_in_the_record_that_holds_it(
    warc: tuple[bytes, list[RecordInfo]], tmp_path: Path
) -> None:
    data, records = warc
    rng = random.Random(7)
    positions = set(rng.sample(range(len(data)), 150))
    for record in records:  # gzip header, first data byte and trailer of every member
        positions |= {record.offset + i for i in (0, 3, 4, 8, 9, 10)}
        positions |= {record.offset + record.length - i for i in (1, 4, 5, 8)}
    path = tmp_path / "x.warc.gz"
    for position in sorted(positions):
        changed = bytearray(data)
        changed[position] ^= 0xFF
        path.write_bytes(changed)
        report = verify_warc(path)
        holder = _member_at(records, position)
        if _deflate_tail(holder, position) and report.ok:
            continue  # only padding bits changed: the package's SHA-256 covers these
        assert not report.ok, f"flip at {position} not noticed"
        assert holder.offset in {p.offset for p in report.problems}, (position, report.problems)


def test_truncation_names_the_torn_member(
    warc: tuple[bytes, list[RecordInfo]], tmp_path: Path
) -> None:
    data, records = warc
    last = records[-1]
    path = tmp_path / "x.warc.gz"
    path.write_bytes(data[: last.offset + last.length - 3])
    report = verify_warc(path)
    torn = [p for p in report.problems if p.offset == last.offset]
    assert len(torn) == 1 and "truncated" in torn[0].message
    # and the request whose response was torn off is named too
    assert report.problems[0].record_id == records[-2].record_id


def test_a_removed_record_leaves_a_gap_that_is_named(
    warc: tuple[bytes, list[RecordInfo]], tmp_path: Path
) -> None:
    data, records = warc
    path = tmp_path / "x.warc.gz"
    for index in (3, 4, len(records) // 2):
        gone = records[index]
        path.write_bytes(data[: gone.offset] + data[gone.offset + gone.length :])
        report = verify_warc(path)
        assert not report.ok
        follower = records[index + 1]
        messages = [p.message for p in report.problems if p.record_id == follower.record_id]
        assert any("missing before this one" in m for m in messages), report.problems


def test_records_without_digests_fail_our_stricter_check(tmp_path: Path) -> None:
    fields = [
        ("WARC-Type", "warcinfo"),
        ("WARC-Record-ID", "<urn:uuid:6f1c0ae6-0000-4000-8000-000000000001>"),
        ("WARC-Date", "2024-05-01T12:00:00Z"),
        ("Content-Type", "application/warc-fields"),
    ]
    path = tmp_path / "w.warc.gz"
    path.write_bytes(gzip_member(serialize(fields, b"software: other\r\n")))
    report = verify_warc(path)
    assert [p.message for p in report.problems] == ["no WARC-Block-Digest"]
    assert report.problems[0].record_id == fields[1][1]


def test_not_a_warc_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        verify_warc(tmp_path / "absent.warc.gz")
    other = tmp_path / "page.html"
    other.write_text("<html>")
    with pytest.raises(InputError):
        verify_warc(other)
    plain = tmp_path / "p.warc.gz"
    plain.write_bytes(b"WARC/1.1\r\n")
    assert "corrupt" in verify_warc(plain).problems[0].message
