"""Build a signed WACZ 1.2.0 package from a crawl folder's WARC files.

Layout: archive/*.warc.gz (stored as captured), indexes/index.cdx (CDXJ), pages/pages.jsonl,
datapackage.json (sha256 and size of every file), datapackage-digest.json (hash of
datapackage.json and the signature block of WACZ signing 0.1.0, with an ed25519 key).
Nothing is packaged from a WARC that does not verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from darkrange import __version__
from darkrange.collect.evidence._check import RecordInfo, WarcReport, check_stream
from darkrange.collect.evidence._index import INDEXED, PAGES_HEADER, Page, cdxj_line, page_of
from darkrange.collect.evidence._keys import fingerprint, public_key_b64
from darkrange.collect.evidence._record import Record
from darkrange.collect.evidence._writer import WARC_DIR
from darkrange.collect.evidence._zip import StoredZipWriter
from darkrange.errors import FormatError, InputError, StateError

WACZ_VERSION = "1.1.1"  # the value WACZ 1.2.0 still requires in datapackage.json
SOFTWARE = "darkrange"
INDEX_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"
Progress = Callable[[int, int], None]
Timestamper = Callable[[bytes], bytes]  # SHA-256 imprint -> DER RFC 3161 TimeStampToken


@dataclass
class PackageSummary:
    """What went into a package."""

    path: Path
    warcs: list[str] = field(default_factory=list)
    records: int = 0
    pages: int = 0
    bytes: int = 0
    created: str = ""
    signer: str = ""
    digest: str = ""
    timestamped: bool = False


def find_warcs(crawl: Path) -> list[Path]:
    """The .warc.gz files of a crawl folder (DIR/warc/), or of a folder of WARCs."""
    crawl = Path(crawl)
    if not crawl.is_dir():
        raise InputError(f"{crawl}: no such crawl folder")
    folder = crawl / WARC_DIR if (crawl / WARC_DIR).is_dir() else crawl
    found = sorted(p for p in folder.iterdir() if p.name.endswith(".warc.gz") and p.is_file())
    if not found:
        raise InputError(f"{crawl}: no .warc.gz files (looked in {folder})")
    return found


def _warcinfo_fields(record: Record) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in record.block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields


@dataclass
class _Scan:
    lines: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    infos: list[dict[str, str]] = field(default_factory=list)
    records: int = 0
    last_capture: datetime | None = None


def _scan(path: Path, scan: _Scan) -> WarcReport:
    name = path.name

    def on_record(record: Record, info: RecordInfo) -> None:
        scan.records += 1
        if info.type == "warcinfo":
            scan.infos.append(_warcinfo_fields(record))
            return
        if scan.last_capture is None or info.date > scan.last_capture:
            scan.last_capture = info.date
        if info.type in INDEXED:
            scan.lines.append(cdxj_line(info, name))
        page = page_of(record, info, name)
        if page is not None:
            scan.pages.append(page)

    with path.open("rb") as handle:
        return check_stream(handle, name, on_record=on_record)


def _context(infos: list[dict[str, str]]) -> dict[str, object]:
    """Case, collectors, legal bases and machines named by the warcinfo records."""

    def values(key: str) -> list[str]:
        return sorted({info[key] for info in infos if info.get(key)})

    return {
        "case": values("case"),
        "collector": values("collector"),
        "legalBasis": values("legal-basis"),
        "machine": values("machine"),
        "captureSoftware": values("software"),
    }


def iso_seconds(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def digest_json(data: dict[str, object]) -> bytes:
    """datapackage-digest.json in the one form darkrange writes (checked byte for byte)."""
    return json.dumps(data, indent=2).encode("utf-8") + b"\n"


def sign_block(key: Ed25519PrivateKey, hash_label: str, created: str) -> dict[str, str]:
    """WACZ signing 0.1.0 anonymous signature: ed25519 over the UTF-8 `hash` string."""
    signature = key.sign(hash_label.encode("utf-8"))
    return {
        "hash": hash_label,
        "created": created,
        "software": SOFTWARE,
        "version": __version__,
        "signature": base64.b64encode(signature).decode("ascii"),
        "publicKey": public_key_b64(key.public_key()),
    }


def build_package(
    crawl: Path,
    out: Path,
    key: Ed25519PrivateKey,
    timestamper: Timestamper | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> PackageSummary:
    """Verify the crawl's WARCs and write a signed WACZ to `out` (which must not exist)."""
    out = Path(out)
    if out.exists():
        raise StateError(f"{out} exists; a package is never overwritten")
    if not out.name.endswith(".wacz"):
        raise InputError(f"{out}: the package name must end in .wacz")
    warcs = find_warcs(crawl)
    scan = _Scan()
    total = len(warcs) + 1
    for done, path in enumerate(warcs):
        report = _scan(path, scan)
        if not report.ok:
            first = report.problems[0]
            more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
            raise FormatError(f"will not package a WARC that fails verification: {first}{more}")
        if progress is not None:
            progress(done + 1, total)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    if scan.last_capture is not None and moment < scan.last_capture.replace(microsecond=0):
        raise StateError("the clock is behind the last capture time; fix the clock first")
    created = iso_seconds(moment)
    summary = PackageSummary(out, [p.name for p in warcs], scan.records, len(scan.pages))
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("wb") as handle:
            zipper = StoredZipWriter(handle, moment)
            resources = []
            for path in warcs:
                name = f"archive/{path.name}"
                digest, size = zipper.add_file(name, path)
                resources.append(_resource(name, digest, size))
            index = "".join(line + "\n" for line in sorted(scan.lines)).encode("utf-8")
            pages = "\n".join([PAGES_HEADER, *(p.json() for p in scan.pages)]) + "\n"
            for name, data in ((INDEX_PATH, index), (PAGES_PATH, pages.encode("utf-8"))):
                digest, size = zipper.add_bytes(name, data)
                resources.append(_resource(name, digest, size))
            package = _datapackage(resources, created, scan)
            package_bytes = json.dumps(package, indent=2).encode("utf-8")
            zipper.add_bytes("datapackage.json", package_bytes)
            hash_label = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
            signed = sign_block(key, hash_label, created)
            digest_doc: dict[str, object] = {
                "path": "datapackage.json",
                "hash": hash_label,
                "signedData": signed,
            }
            if timestamper is not None:
                imprint = hashlib.sha256(base64.b64decode(signed["signature"])).digest()
                token = timestamper(imprint)
                digest_doc["timestampToken"] = base64.b64encode(token).decode("ascii")
                summary.timestamped = True
            zipper.add_bytes("datapackage-digest.json", digest_json(digest_doc))
            zipper.finish()
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(partial, out)  # unlike rename, never replaces a file that appeared meanwhile
        except FileExistsError:
            raise StateError(f"{out} appeared while packaging; not overwritten") from None
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(total, total)
    summary.bytes = out.stat().st_size
    summary.created = created
    summary.signer = fingerprint(key.public_key())
    with out.open("rb") as handle:
        summary.digest = "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    return summary


def _resource(path: str, digest: str, size: int) -> dict[str, object]:
    return {
        "name": path.rsplit("/", 1)[-1].lower(),
        "path": path,
        "hash": f"sha256:{digest}",
        "bytes": size,
    }


def _datapackage(
    resources: list[dict[str, object]], created: str, scan: _Scan
) -> dict[str, object]:
    context = _context(scan.infos)
    cases = context["case"]
    title = (
        f"darkrange capture, case {', '.join(cases)}"
        if isinstance(cases, list) and cases
        else "darkrange capture"
    )
    package: dict[str, object] = {
        "profile": "data-package",
        "resources": resources,
        "title": title,
        "created": created,
        "wacz_version": WACZ_VERSION,
        "software": f"{SOFTWARE} {__version__}",
    }
    if scan.pages:
        package["mainPageURL"] = scan.pages[0].url
        package["mainPageDate"] = scan.pages[0].ts
    package["darkrange"] = {
        **context,
        "records": scan.records,
        "pages": len(scan.pages),
        "lastCapture": iso_seconds(scan.last_capture) if scan.last_capture else None,
    }
    return package
