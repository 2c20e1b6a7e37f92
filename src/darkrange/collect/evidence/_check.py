"""Our own WARC verifier: every member, every record, every digest, and what is missing.

It re-hashes every block and payload, checks each record's structure and that each gzip member
holds exactly one whole record, notices a torn last member (which warcio accepts), gaps in the
writer's sequence numbers (a record removed), and references to records that are not there.
A problem names the file, the member's offset and the record id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from darkrange.collect.evidence._digest import digest_matches
from darkrange.collect.evidence._http import parse_head, payload_of, split_message, status_of
from darkrange.collect.evidence._members import iter_members
from darkrange.collect.evidence._record import SEQUENCE_FIELD, Record, parse, parse_warc_date
from darkrange.errors import FormatError, InputError

HTTP_TYPES = ("request", "response")
# darkrange writes every member with this gzip header (no name, mtime 0, default level) and
# the OS byte of the first member; zlib checks neither, so we do, for our own files
GZIP_HEADER = bytes.fromhex("1f8b08000000000000")


@dataclass(frozen=True)
class Problem:
    """Something wrong, and exactly where: file, member offset, record id."""

    file: str
    message: str
    offset: int | None = None
    record_id: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.offset is not None:
            where += f" @ offset {self.offset}"
        if self.record_id:
            where += f" record {self.record_id}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RecordInfo:
    """What the verifier saw of one record, enough to index and cross-check it."""

    offset: int
    length: int
    record_id: str
    type: str
    target: str
    date: datetime
    block_digest: str
    payload_digest: str | None
    content_type: str
    status: int | None = None
    mime: str | None = None


@dataclass
class WarcReport:
    """The verdict on one WARC file."""

    file: str
    records: list[RecordInfo] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(r.type for r in self.records).items()))


def _http_info(record: Record) -> tuple[int | None, str | None]:
    if record.type != "response":
        return None, None
    head, _ = split_message(record.block)
    start, fields = parse_head(head)
    mime = next((v for k, v in fields if k == "content-type"), None)
    return status_of(start), mime.split(";")[0].strip().lower() if mime else None


def _check_digests(record: Record, file: str, offset: int) -> list[Problem]:
    problems = []
    rid = record.record_id

    def fail(message: str) -> None:
        problems.append(Problem(file, message, offset, rid))

    block_label = record.get("WARC-Block-Digest")
    payload_label = record.get("WARC-Payload-Digest")
    try:
        if block_label is None:
            fail("no WARC-Block-Digest")
        elif not digest_matches(block_label, record.block):
            fail("block digest does not match the block (content changed)")
        is_http = (record.get("Content-Type") or "").startswith("application/http")
        if record.type in HTTP_TYPES and is_http:
            head, body = split_message(record.block)
            if payload_label is None:
                fail("no WARC-Payload-Digest on an HTTP record")
            elif not digest_matches(payload_label, payload_of(head, body)):
                fail("payload digest does not match the payload (content changed)")
        elif (
            payload_label is not None
            and record.type == "resource"
            and not digest_matches(payload_label, record.block)
        ):
            fail("payload digest does not match the resource")
    except FormatError as exc:
        fail(str(exc))
    return problems


class _Walk:
    """State across the records of one file."""

    def __init__(self, report: WarcReport) -> None:
        self.report = report
        self.ids: set[str] = set()
        self.sequence: int | None = None
        self.warcinfo: set[str] = set()
        self.refs: list[tuple[RecordInfo, str, str]] = []  # (record, field, referenced id)

    def record(self, record: Record, offset: int, length: int) -> RecordInfo | None:
        file = self.report.file
        rid = record.record_id

        def fail(message: str) -> None:
            self.report.problems.append(Problem(file, message, offset, rid or None))

        for name in ("WARC-Record-ID", "WARC-Type", "WARC-Date"):
            if not record.get(name):
                fail(f"no {name}")
        if not self.report.records and record.type != "warcinfo":
            fail("the file does not open with a warcinfo record")
        if record.version != "WARC/1.1":
            self.report.warnings.append(Problem(file, f"{record.version} record", offset, rid))
        if rid in self.ids:
            fail("duplicate WARC-Record-ID")
        self.ids.add(rid)
        self._sequence(record, fail)
        self.report.problems += _check_digests(record, file, offset)
        try:
            date = parse_warc_date(record.get("WARC-Date") or "")
        except FormatError as exc:
            fail(str(exc))
            return None
        status, mime = _http_info(record)
        info = RecordInfo(
            offset,
            length,
            rid,
            record.type,
            record.target,
            date,
            record.get("WARC-Block-Digest") or "",
            record.get("WARC-Payload-Digest"),
            record.get("Content-Type") or "",
            status,
            mime,
        )
        self.report.records.append(info)
        if record.type == "warcinfo":
            self.warcinfo.add(rid)
        for name in ("WARC-Concurrent-To", "WARC-Warcinfo-ID"):
            value = record.get(name)
            if value:
                self.refs.append((info, name, value))
        return info

    def _sequence(self, record: Record, fail: Callable[[str], None]) -> None:
        text = record.get(SEQUENCE_FIELD)
        if text is None:
            return
        if not text.isdigit():
            fail(f"{SEQUENCE_FIELD} is not a number")
            return
        number = int(text)
        expected = 0 if self.sequence is None else self.sequence + 1
        if number != expected:
            fail(f"record(s) missing before this one: sequence {number}, expected {expected}")
        self.sequence = number

    def finish(self) -> None:
        for info, name, value in self.refs:
            if value in self.ids:
                continue
            message = f"{name} {value} names a record that is not in this file"
            problem = Problem(self.report.file, message, info.offset, info.record_id)
            if name == "WARC-Warcinfo-ID" or info.type == "request":
                # requests and responses are written together, each file has its warcinfo:
                # a missing one was removed
                self.report.problems.append(problem)
            else:
                self.report.warnings.append(problem)


def _check_gzip_headers(report: WarcReport, headers: list[tuple[int, str, bytes]]) -> None:
    """Every member of a darkrange file has the same gzip header: the most common one."""
    usual = Counter(h for _, _, h in headers).most_common(1)[0][0]
    for offset, record_id, header in headers:
        if header != usual or not header.startswith(GZIP_HEADER):
            message = "gzip header changed (darkrange writes one fixed header)"
            report.problems.append(Problem(report.file, message, offset, record_id))


OnRecord = Callable[[Record, RecordInfo], None]


def check_stream(
    stream: BinaryIO, name: str, limit: int | None = None, on_record: OnRecord | None = None
) -> WarcReport:
    """Verify a gzip-per-record WARC read from `stream` (at most `limit` bytes).

    `on_record` sees every parsed record (e.g. to take page titles in the same pass).
    """
    report = WarcReport(name)
    walk = _Walk(report)
    end = 0
    ours = False
    headers: list[tuple[int, str, bytes]] = []
    for member in iter_members(stream, limit):
        if member.error is not None:
            report.problems.append(Problem(name, member.error, member.offset))
            end = -1
            break
        try:
            record = parse(member.data)
        except FormatError as exc:
            message = f"member holds no whole record: {exc}"
            report.problems.append(Problem(name, message, member.offset))
            end = -1
            break
        ours = ours or (member.offset == 0 and b"software: darkrange" in record.block)
        headers.append((member.offset, record.record_id, member.header))
        info = walk.record(record, member.offset, member.length)
        if on_record is not None and info is not None:
            on_record(record, info)
        end = member.offset + member.length
    if ours:
        _check_gzip_headers(report, headers)
    if end >= 0:
        report.bytes = end
    if not report.records and not report.problems:
        report.problems.append(Problem(name, "no records"))
    walk.finish()
    report.problems.sort(key=lambda p: -1 if p.offset is None else p.offset)
    return report


def verify_warc(path: Path) -> WarcReport:
    """Verify one .warc.gz file; see `WarcReport.problems` for what is wrong and where."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such WARC file")
    if not path.name.endswith(".warc.gz"):
        raise InputError(f"{path}: expected a .warc.gz file (one gzip member per record)")
    with path.open("rb") as handle:
        return check_stream(handle, path.name)
