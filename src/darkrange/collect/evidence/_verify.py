"""Verify a WACZ package: every byte, every record, the index, the signature and its time.

Every byte of the file is either in a ZIP header (rebuilt and compared, see _zip) or in an
entry's data (SHA-256 against datapackage.json, CRC-32 against the header); datapackage.json
is hashed against datapackage-digest.json, whose hash is signed; each WARC is verified record
by record and cross-checked with the CDXJ index, so a removed record is named.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from darkrange.collect.evidence._check import Problem, RecordInfo, check_stream
from darkrange.collect.evidence._index import INDEXED, parse_cdxj
from darkrange.collect.evidence._keys import fingerprint, public_key_from_b64
from darkrange.collect.evidence._package import INDEX_PATH, PAGES_PATH, WACZ_VERSION, digest_json
from darkrange.collect.evidence._zip import COPY, ZipEntry, check_layout, read_entries
from darkrange.errors import FormatError, InputError

SIGNED_FIELDS = {"hash", "created", "software", "version", "signature", "publicKey"}
META = ("datapackage.json", "datapackage-digest.json")
CLOCK_SKEW = timedelta(minutes=5)
TSA_TOLERANCE = timedelta(minutes=10)


@dataclass
class PackageReport:
    """The verdict on a package, with what a court report needs."""

    file: str
    files: int = 0
    records: int = 0
    pages: int = 0
    signer: str | None = None
    key_checked: bool = False
    signed_at: str | None = None
    timestamp: str | None = None
    timestamp_authority: str | None = None
    digest: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(
        self, where: str, message: str, offset: int | None = None, rid: str | None = None
    ) -> None:
        self.problems.append(Problem(where, message, offset, rid))


def _stream_entry(handle: BinaryIO, entry: ZipEntry) -> tuple[str, int]:
    """(sha256 hex, CRC-32) of an entry's data."""
    handle.seek(entry.data_offset)
    digest = hashlib.sha256()
    crc = 0
    left = entry.size
    while left > 0:
        chunk = handle.read(min(COPY, left))
        if not chunk:
            break
        digest.update(chunk)
        crc = zlib.crc32(chunk, crc)
        left -= len(chunk)
    return digest.hexdigest(), crc


def _read_entry(handle: BinaryIO, entry: ZipEntry) -> bytes:
    handle.seek(entry.data_offset)
    return handle.read(entry.size)


def _json(report: PackageReport, name: str, data: bytes) -> dict[str, object] | None:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.fail(name, f"not valid JSON ({exc})")
        return None
    if not isinstance(value, dict):
        report.fail(name, "not a JSON object")
        return None
    return value


class _Verifier:
    def __init__(self, path: Path, handle: BinaryIO, report: PackageReport) -> None:
        self.path = path
        self.handle = handle
        self.report = report
        self.total = path.stat().st_size
        self.entries: dict[str, ZipEntry] = {}
        self.package: dict[str, object] = {}
        self.records: dict[str, list[RecordInfo]] = {}

    def run(self, pubkey: Ed25519PublicKey | None, now: datetime) -> None:
        try:
            listed = read_entries(self.handle, self.total)
        except (FormatError, ValueError) as exc:
            self.report.fail("zip", f"not a readable ZIP package: {exc}")
            return
        for entry in listed:
            if entry.name in self.entries:
                self.report.fail(entry.name, "the ZIP holds two entries of this name", entry.offset)
            self.entries[entry.name] = entry
        self.report.files = len(self.entries)
        for name in META:
            if name not in self.entries:
                self.report.fail(name, "missing from the package")
        if not self.report.ok:
            return
        package = _json(self.report, META[0], _read_entry(self.handle, self.entries[META[0]]))
        if package is None:
            return
        self.package = package
        created = self._created()
        if created is not None:
            _, problems = check_layout(self.handle, self.total, created)
            for where, offset, message in problems:
                self.report.fail(where, message, offset)
        self._resources()
        self._warcs()
        self._index()
        self._pages()
        self._signature(pubkey, created, now)

    def _created(self) -> datetime | None:
        text = self.package.get("created")
        try:
            return datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            self.report.fail(META[0], f"created {text!r} is not YYYY-MM-DDTHH:MM:SSZ")
            return None

    def _resources(self) -> None:
        if self.package.get("profile") != "data-package":
            self.report.fail(META[0], "profile is not 'data-package'")
        if self.package.get("wacz_version") != WACZ_VERSION:
            self.report.fail(META[0], f"wacz_version is not {WACZ_VERSION!r}")
        resources = self.package.get("resources")
        if not isinstance(resources, list):
            self.report.fail(META[0], "no resources list")
            return
        listed: set[str] = set()
        for item in resources:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                self.report.fail(META[0], "a resource without a path")
                continue
            path = item["path"]
            listed.add(path)
            entry = self.entries.get(path)
            if entry is None:
                self.report.fail(path, "listed in datapackage.json but not in the package")
                continue
            sha, crc = _stream_entry(self.handle, entry)
            if crc != entry.crc:
                self.report.fail(
                    path, "CRC-32 differs from the ZIP header: content changed", entry.data_offset
                )
            if item.get("hash") != f"sha256:{sha}":
                self.report.fail(
                    path, "sha256 differs from datapackage.json: content changed", entry.data_offset
                )
            if item.get("bytes") != entry.size:
                self.report.fail(path, "size differs from datapackage.json", entry.offset)
        for name, entry in self.entries.items():
            if name not in listed and name not in META:
                self.report.fail(
                    name, "in the package but not listed in datapackage.json", entry.offset
                )
        for name in (INDEX_PATH, PAGES_PATH):
            if name not in self.entries:
                self.report.fail(name, "missing from the package")

    def _warcs(self) -> None:
        warcs = [n for n in self.entries if n.startswith("archive/") and n.endswith(".warc.gz")]
        if not warcs:
            self.report.fail("archive/", "no WARC files")
        for name in sorted(warcs):
            entry = self.entries[name]
            self.handle.seek(entry.data_offset)
            checked = check_stream(self.handle, name, limit=entry.size)
            self.records[name.removeprefix("archive/")] = checked.records
            self.report.records += len(checked.records)
            for problem in checked.problems:
                offset = problem.offset
                self.report.problems.append(
                    Problem(name, problem.message, offset, problem.record_id)
                )

    def _index(self) -> None:
        entry = self.entries.get(INDEX_PATH)
        if entry is None:
            return
        by_place = {
            (file, info.offset): info for file, infos in self.records.items() for info in infos
        }
        seen: set[tuple[str, int]] = set()
        text = _read_entry(self.handle, entry).decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            try:
                cdx = parse_cdxj(line)
                place = (cdx["filename"], int(cdx["offset"]))
            except (ValueError, KeyError):
                self.report.fail(INDEX_PATH, f"line {number} is not a CDXJ line")
                continue
            info = by_place.get(place)
            rid = cdx.get("recordId")
            if info is None or info.record_id != rid:
                self.report.fail(
                    f"archive/{place[0]}",
                    f"record of {cdx.get('url')} listed in the index is missing",
                    place[1],
                    rid,
                )
                continue
            seen.add(place)
        for place, info in by_place.items():
            if info.type in INDEXED and place not in seen:
                self.report.fail(
                    f"archive/{place[0]}", "record not in the index", place[1], info.record_id
                )

    def _pages(self) -> None:
        entry = self.entries.get(PAGES_PATH)
        if entry is None:
            return
        ids = {info.record_id for infos in self.records.values() for info in infos}
        lines = _read_entry(self.handle, entry).decode("utf-8", "replace").splitlines()
        for number, line in enumerate(lines[1:], 2):
            try:
                page = json.loads(line)
                rid, _ = page["recordId"], page["url"] + page["ts"]
            except (ValueError, KeyError, TypeError):
                self.report.fail(PAGES_PATH, f"line {number} is not a page entry")
                continue
            if rid not in ids:
                self.report.fail(
                    PAGES_PATH, f"page {page['url']} points to a missing record", None, rid
                )
            self.report.pages += 1

    def _signature(
        self, pubkey: Ed25519PublicKey | None, created: datetime | None, now: datetime
    ) -> None:
        name = META[1]
        raw = _read_entry(self.handle, self.entries[name])
        doc = _json(self.report, name, raw)
        if doc is None:
            return
        if digest_json(doc) != raw:
            self.report.fail(name, "not in the form darkrange writes: bytes were changed")
        package_bytes = _read_entry(self.handle, self.entries[META[0]])
        hash_label = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
        if doc.get("path") != META[0] or doc.get("hash") != hash_label:
            self.report.fail(META[0], "hash differs from datapackage-digest.json: content changed")
        signed = doc.get("signedData")
        if not isinstance(signed, dict):
            self.report.fail(name, "unsigned package (no signedData)")
            return
        if set(signed) != SIGNED_FIELDS:
            self.report.fail(name, "signedData is not a WACZ anonymous signature block")
            return
        if signed["hash"] != doc.get("hash"):
            self.report.fail(name, "signedData.hash differs from the package hash")
        if signed["created"] != self.package.get("created"):
            self.report.fail(name, "signature time differs from datapackage.json created")
        if f"{signed['software']} {signed['version']}" != self.package.get("software"):
            self.report.fail(name, "signing software differs from datapackage.json")
        try:
            key = public_key_from_b64(str(signed["publicKey"]))
            signature = base64.b64decode(str(signed["signature"]), validate=True)
            key.verify(signature, str(signed["hash"]).encode("utf-8"))
        except (FormatError, binascii.Error, ValueError):
            self.report.fail(name, "signature or public key is malformed")
            return
        except InvalidSignature:
            self.report.fail(name, "signature does not verify with the package's public key")
            return
        self.report.signer = fingerprint(key)
        self.report.signed_at = str(signed["created"])
        if pubkey is not None:
            self.report.key_checked = True
            if fingerprint(pubkey) != self.report.signer:
                self.report.fail(
                    name,
                    f"signed by key {self.report.signer}, not the expected {fingerprint(pubkey)}",
                )
        else:
            self.report.warnings.append("signer key not checked against a trusted key (--pubkey)")
        self._times(created, now)
        token = doc.get("timestampToken")
        if token is not None:
            self._timestamp(str(token), signature, created)

    def _times(self, created: datetime | None, now: datetime) -> None:
        if created is None:
            return
        last = max((i.date for infos in self.records.values() for i in infos), default=None)
        if last is not None and created < last.replace(microsecond=0):
            self.report.fail(
                META[1],
                f"stale signature: signed {created:%Y-%m-%dT%H:%M:%SZ}, "
                f"before the last capture {last:%Y-%m-%dT%H:%M:%SZ}",
            )
        if created > now + CLOCK_SKEW:
            self.report.fail(
                META[1], f"signature time {created:%Y-%m-%dT%H:%M:%SZ} is in the future"
            )

    def _timestamp(self, token: str, signature: bytes, created: datetime | None) -> None:
        from darkrange.collect.evidence._tsa import TimestampError, verify_token

        try:
            stamp = verify_token(base64.b64decode(token), hashlib.sha256(signature).digest())
        except (TimestampError, binascii.Error, ValueError) as exc:
            self.report.fail(META[1], f"RFC 3161 timestamp token invalid: {exc}")
            return
        self.report.timestamp = stamp.time.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.report.timestamp_authority = stamp.authority
        if created is not None and abs(stamp.time - created) > TSA_TOLERANCE:
            self.report.fail(
                META[1],
                f"stale signature: signed {self.report.signed_at}, "
                f"timestamped {self.report.timestamp}",
            )


def verify_package(
    path: Path, pubkey: Ed25519PublicKey | None = None, now: datetime | None = None
) -> PackageReport:
    """Verify a WACZ package; `pubkey` is the trusted agency key the signature must be from."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such package")
    report = PackageReport(path.name)
    with path.open("rb") as handle:
        _Verifier(path, handle, report).run(pubkey, now or datetime.now(UTC))
        handle.seek(0)
        report.digest = "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    return report
