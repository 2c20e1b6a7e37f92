"""WarcWriter: capture exchanges as WARC 1.1 records, one gzip member each, in rotating files.

Files are DIR/warc/<prefix>-<nnnnn>.warc.gz; each opens with a warcinfo record naming the
software, its configuration, the collector, the case, the legal basis, the machine and the
clock. Every record carries a SHA-256 WARC-Block-Digest (warcinfo included); request, response
and resource records also a WARC-Payload-Digest. A record is written with one write() call and
files only grow; after a crash, the truncated tail of the last file is cut off (and kept beside
it for the record) when a writer opens the folder again, and writing goes on in a new file.
"""

from __future__ import annotations

import ipaddress
import json
import os
import platform
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from darkrange import __version__
from darkrange.collect.evidence._digest import warc_digest
from darkrange.collect.evidence._http import payload_of
from darkrange.collect.evidence._members import iter_members
from darkrange.collect.evidence._record import (
    SEQUENCE_FIELD,
    gzip_member,
    new_record_id,
    parse,
    serialize,
    warc_date,
)
from darkrange.errors import FormatError, InputError, StateError

WARC_DIR = "warc"
RECOVERED_DIR = "recovered"
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def machine_clock() -> str:
    """What we know of the clock: systemd-timesyncd marks a synchronised clock with a file."""
    if Path("/run/systemd/timesync/synchronized").exists():
        return "UTC, NTP-synchronised (systemd-timesyncd)"
    return "UTC, NTP synchronisation not verified"


@dataclass(frozen=True)
class CaptureInfo:
    """Who captured, with what, why: the warcinfo record of every file (Berkeley Protocol)."""

    collector: str
    case: str
    legal_basis: str
    software: str = "darkrange"
    version: str = __version__
    configuration: dict[str, object] = field(default_factory=dict)
    machine: str = field(default_factory=platform.node)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    clock: str = field(default_factory=machine_clock)

    def fields(self, filename: str) -> bytes:
        """The warcinfo block as application/warc-fields."""
        config = json.dumps(self.configuration, sort_keys=True, separators=(",", ":"))
        pairs = [
            ("software", f"{self.software} {self.version}"),
            ("format", "WARC File Format 1.1"),
            (
                "conformsTo",
                "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            ),
            ("filename", filename),
            ("configuration", config),
            ("collector", self.collector),
            ("case", self.case),
            ("legal-basis", self.legal_basis),
            ("machine", self.machine),
            ("clock", self.clock),
            ("started", warc_date(self.started)),
        ]
        for name, value in pairs:
            if "\n" in value or "\r" in value:
                raise InputError(f"capture info {name} must be one line")
        return "".join(f"{name}: {value}\r\n" for name, value in pairs).encode()


@dataclass(frozen=True)
class RecordRef:
    """Where a record landed: file name, member offset and length, id, block digest."""

    file: str
    offset: int
    length: int
    record_id: str
    block_digest: str


@dataclass(frozen=True)
class Recovery:
    """A tail cut off a file on reopen: which file, where, how many bytes, where they went."""

    file: str
    offset: int
    removed: int
    kept_in: str
    reason: str


def _peer_ip(peer: str | None) -> str | None:
    """The IP address of `peer` ("ip", "ip:port" or "[v6]:port"); None for names or nothing."""
    if not peer:
        return None
    text = peer.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def scan_valid_prefix(handle: BinaryIO) -> tuple[int, str | None]:
    """Bytes of whole records at the start of a file, and why it stops there.

    A request is written just before its response; a request left without one is cut too.
    """
    good = 0
    pending: int | None = None  # where a trailing request starts
    reason: str | None = None
    for member in iter_members(handle):
        if member.error is not None:
            reason = member.error
            break
        try:
            record = parse(member.data)
        except FormatError as exc:
            reason = f"incomplete record ({exc})"
            break
        pending = good if record.type == "request" else None
        good = member.offset + member.length
    if pending is not None:
        good = pending
        reason = reason or "a request without its response"
    return good, reason


class WarcWriter:
    """Append WARC 1.1 records to DIR/warc/<prefix>-<n>.warc.gz, rotating at `max_bytes`."""

    def __init__(
        self, folder: Path, info: CaptureInfo, max_bytes: int = 1 << 30, prefix: str = "capture"
    ) -> None:
        if not _PREFIX.match(prefix):
            raise InputError(f"WARC file prefix {prefix!r}: letters, digits, '.', '_', '-' only")
        if max_bytes < 4096:
            raise InputError("max_bytes must be at least 4096")
        self.folder = Path(folder) / WARC_DIR
        self.folder.mkdir(parents=True, exist_ok=True)
        self.info = info
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.recoveries: list[Recovery] = []
        self._lock = threading.Lock()
        self._handle: BinaryIO | None = None
        self._size = 0
        self._sequence = 0
        self._warcinfo_id = ""
        self._name = ""
        self._number = self._recover_existing()

    # -- files -------------------------------------------------------------------------------
    def _existing(self) -> list[tuple[int, Path]]:
        pattern = re.compile(re.escape(self.prefix) + r"-(\d{5,})\.warc\.gz$")
        found = []
        for path in self.folder.iterdir():
            match = pattern.match(path.name)
            if match:
                found.append((int(match.group(1)), path))
        return sorted(found)

    def _recover_existing(self) -> int:
        """Cut a torn tail off the newest file; the next file number to use."""
        existing = self._existing()
        if not existing:
            return 1
        number, path = existing[-1]
        with path.open("rb") as handle:
            good, reason = scan_valid_prefix(handle)
        size = path.stat().st_size
        if good < size:
            self._cut_tail(path, good, size, reason or "trailing bytes")
        return number + 1

    def _cut_tail(self, path: Path, good: int, size: int, reason: str) -> None:
        keep_dir = self.folder / RECOVERED_DIR
        keep_dir.mkdir(exist_ok=True)
        kept = keep_dir / f"{path.name}.tail-{good}"
        with path.open("r+b") as handle:
            handle.seek(good)
            kept.write_bytes(handle.read())
            handle.truncate(good)
            handle.flush()
            os.fsync(handle.fileno())
        self.recoveries.append(Recovery(path.name, good, size - good, str(kept), reason))

    def _open_next(self) -> None:
        self._close_handle()
        self._name = f"{self.prefix}-{self._number:05d}.warc.gz"
        self._number += 1
        path = self.folder / self._name
        if path.exists():
            raise StateError(f"{path} already exists; is another writer using {self.folder}?")
        self._handle = path.open("xb")
        self._size = 0
        self._sequence = 0
        self._warcinfo_id = new_record_id()
        block = self.info.fields(self._name)
        fields = [
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", self._warcinfo_id),
            ("WARC-Date", warc_date(datetime.now(UTC))),
            ("WARC-Filename", self._name),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Block-Digest", warc_digest(block)),
        ]
        self._append([self._member(fields, block)])

    def _close_handle(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None

    # -- records -----------------------------------------------------------------------------
    def _member(self, fields: list[tuple[str, str]], block: bytes) -> tuple[str, str, bytes]:
        """(record id, block digest, gzip member); the sequence field is added on append."""
        record_id = dict(fields)["WARC-Record-ID"]
        digest = dict(fields)["WARC-Block-Digest"]
        return record_id, digest, serialize(fields, block)

    def _append(self, records: list[tuple[str, str, bytes]]) -> list[RecordRef]:
        members = []
        for record_id, digest, raw in records:
            seq = f"{SEQUENCE_FIELD}: {self._sequence}\r\n".encode()
            self._sequence += 1
            # the sequence field goes right after the version line
            raw = raw.replace(b"\r\n", b"\r\n" + seq, 1)
            members.append((record_id, digest, gzip_member(raw)))
        assert self._handle is not None
        refs = []
        for record_id, digest, member in members:
            self._handle.write(member)
            refs.append(RecordRef(self._name, self._size, len(member), record_id, digest))
            self._size += len(member)
        self._handle.flush()
        return refs

    def _common(self, kind: str, url: str, moment: datetime) -> list[tuple[str, str]]:
        return [
            ("WARC-Type", kind),
            ("WARC-Record-ID", new_record_id()),
            ("WARC-Date", warc_date(moment)),
            ("WARC-Target-URI", url),
            ("WARC-Warcinfo-ID", ""),  # filled in at write time, see _bind
        ]

    def write_exchange(
        self,
        url: str,
        request_head: bytes,
        request_body: bytes,
        response_head: bytes,
        response_body: bytes,
        peer: str | None,
        fetched_at: datetime,
    ) -> RecordRef:
        """Write a request and its response record; returns where the response landed."""
        if not response_head.endswith(b"\r\n\r\n") or not request_head.endswith(b"\r\n\r\n"):
            raise InputError("HTTP heads must end with a blank line (CRLF CRLF)")
        response = response_head + response_body
        request = request_head + request_body
        resp_fields = self._common("response", url, fetched_at)
        ip = _peer_ip(peer)
        if ip is not None:
            resp_fields.append(("WARC-IP-Address", ip))
        resp_id = resp_fields[1][1]
        resp_fields += [
            ("Content-Type", "application/http;msgtype=response"),
            ("WARC-Block-Digest", warc_digest(response)),
            ("WARC-Payload-Digest", warc_digest(payload_of(response_head, response_body))),
        ]
        req_fields = self._common("request", url, fetched_at)
        req_fields += [
            ("WARC-Concurrent-To", resp_id),
            ("Content-Type", "application/http;msgtype=request"),
            ("WARC-Block-Digest", warc_digest(request)),
            ("WARC-Payload-Digest", warc_digest(payload_of(request_head, request_body))),
        ]
        refs = self._write_bound([(req_fields, request), (resp_fields, response)], rotate=True)
        return refs[1]

    def write_resource(
        self, url: str, content_type: str, data: bytes, concurrent_to: str, refers: bool = False
    ) -> RecordRef:
        """A resource record, e.g. a full-page screenshot PNG, tied to the capture it shows.

        `refers`: the capture is in another file (WARC-Refers-To instead of -Concurrent-To,
        which must name a record of the same file).
        """
        fields = self._common("resource", url, datetime.now(UTC))
        digest = warc_digest(data)
        fields += [
            ("WARC-Refers-To" if refers else "WARC-Concurrent-To", concurrent_to),
            ("Content-Type", content_type),
            ("WARC-Block-Digest", digest),
            ("WARC-Payload-Digest", digest),
        ]
        return self._write_bound([(fields, data)])[0]

    def write_metadata(self, url: str, fields: dict[str, str], concurrent_to: str) -> RecordRef:
        """A metadata record of `name: value` lines (application/warc-fields)."""
        for name, value in fields.items():
            if any(c in name + value for c in "\r\n") or ":" in name:
                raise InputError(f"metadata field {name!r} must be one line, name without ':'")
        block = "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode()
        header = self._common("metadata", url, datetime.now(UTC))
        header += [
            ("WARC-Concurrent-To", concurrent_to),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Block-Digest", warc_digest(block)),
        ]
        return self._write_bound([(header, block)])[0]

    def _write_bound(
        self, records: list[tuple[list[tuple[str, str]], bytes]], rotate: bool = False
    ) -> list[RecordRef]:
        """Bind records to the current file's warcinfo (rotating first if allowed), write them.

        Only exchanges rotate: a screenshot or metadata record stays in the file of the
        response it belongs to.
        """
        with self._lock:
            raw_size = sum(len(block) for _, block in records)
            full = self._sequence > 1 and self._size + raw_size // 3 > self.max_bytes
            if self._handle is None or (rotate and full):
                # compressed size is unknown until compressed; a third of the raw size is a
                # cautious guess, so a file overshoots max_bytes by at most one exchange
                self._open_next()
            built = []
            for fields, block in records:
                bound = [
                    (k, self._warcinfo_id if k == "WARC-Warcinfo-ID" else v) for k, v in fields
                ]
                built.append(self._member(bound, block))
            return self._append(built)

    @property
    def current_file(self) -> str:
        return self._name

    def close(self) -> None:
        """Flush and fsync the open file; the writer can be opened again on the same folder."""
        with self._lock:
            self._close_handle()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
