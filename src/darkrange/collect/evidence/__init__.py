"""Court-grade evidence: WARC 1.1 capture, our own verifier, signed WACZ packages, replay.

The crawler writes every exchange through `WarcWriter`; `verify_warc` re-hashes a file record by
record; `build_package` turns a crawl folder into a signed WACZ 1.2.0 package and
`verify_package` checks every byte of one; `ReplayServer` shows captured pages on 127.0.0.1
with scripts disabled. Formats: docs/formats/warc.md; guide: docs/evidence.md.
"""

from darkrange.collect.evidence._check import Problem, RecordInfo, WarcReport, verify_warc
from darkrange.collect.evidence._http import format_request_head, format_response_head
from darkrange.collect.evidence._keys import (
    fingerprint,
    generate_key,
    load_private_key,
    load_public_key,
)
from darkrange.collect.evidence._package import PackageSummary, build_package, find_warcs
from darkrange.collect.evidence._replay import ReplayServer
from darkrange.collect.evidence._tsa import Stamp, request_timestamp, verify_token
from darkrange.collect.evidence._verify import PackageReport, verify_package
from darkrange.collect.evidence._writer import (
    CaptureInfo,
    RecordRef,
    Recovery,
    WarcWriter,
    machine_clock,
)

__all__ = [
    "CaptureInfo",
    "PackageReport",
    "PackageSummary",
    "Problem",
    "RecordInfo",
    "RecordRef",
    "Recovery",
    "ReplayServer",
    "Stamp",
    "WarcReport",
    "WarcWriter",
    "build_package",
    "find_warcs",
    "fingerprint",
    "format_request_head",
    "format_response_head",
    "generate_key",
    "load_private_key",
    "load_public_key",
    "machine_clock",
    "request_timestamp",
    "verify_package",
    "verify_token",
    "verify_warc",
]
