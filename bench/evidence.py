"""Benchmark evidence capture: WARC writing with SHA-256 digests (darkrange vs warcio side by
side), then packaging and verifying 1,000 pages. Writes bench/results/evidence.json."""

from __future__ import annotations

import io
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from darkrange.collect.evidence import (
    CaptureInfo,
    WarcWriter,
    build_package,
    generate_key,
    load_private_key,
    verify_package,
)

PAGES = 1000
REQ = b"GET /listing HTTP/1.1\r\nHost: market.onion\r\nUser-Agent: bench\r\n\r\n"


def _pages(seed: int = 1) -> list[bytes]:
    rng = random.Random(seed)
    words = [f"w{n}" for n in range(3000)]
    out = []
    for n in range(PAGES):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(3000, 9000)))
        out.append(f"<html><title>Listing {n}</title><body><p>{text}</p></body></html>".encode())
    return out


def _head(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode()


def bench_darkrange(folder: Path, pages: list[bytes]) -> float:
    info = CaptureInfo(collector="bench", case="BENCH", legal_basis="benchmark")
    start = time.perf_counter()
    writer = WarcWriter(folder, info)
    now = datetime.now(UTC)
    for n, body in enumerate(pages):
        writer.write_exchange(f"http://market.onion/{n}", REQ, b"", _head(body), body, None, now)
    writer.close()
    return time.perf_counter() - start


def bench_warcio(pages: list[bytes]) -> float:
    sink = io.BytesIO()
    start = time.perf_counter()
    writer = WARCWriter(sink, gzip=True, warc_version="1.1")
    for n, body in enumerate(pages):
        url = f"http://market.onion/{n}"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        response = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                             http_headers=headers)  # fmt: skip
        req_headers = StatusAndHeaders("GET /listing HTTP/1.1", [("Host", "market.onion")],
                                       is_http_request=True)  # fmt: skip
        request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                            http_headers=req_headers)  # fmt: skip
        writer.write_request_response_pair(request, response)
    return time.perf_counter() - start


def main() -> None:
    pages = _pages()
    mb = sum(len(p) for p in pages) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ours = bench_darkrange(root / "crawl", pages)
        peer = bench_warcio(pages)
        key, _ = generate_key(root / "k")
        start = time.perf_counter()
        summary = build_package(root / "crawl", root / "p.wacz", load_private_key(key))
        package_s = time.perf_counter() - start
        start = time.perf_counter()
        report = verify_package(root / "p.wacz")
        verify_s = time.perf_counter() - start
    result = {
        "pages": PAGES,
        "payload_mb": round(mb, 1),
        "darkrange_write_mb_s": round(mb / ours, 1),
        "warcio_write_mb_s": round(mb / peer, 1),
        "write_ratio_vs_warcio": round(peer / ours, 2),
        "package_s": round(package_s, 2),
        "verify_s": round(verify_s, 2),
        "package_mb": round(summary.bytes / 1e6, 1),
        "verified": report.ok,
    }
    out = Path(__file__).parent / "results" / "evidence.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print("| measure | darkrange | warcio |\n|---|---|---|")
    print(f"| WARC write, MB/s of payload (SHA-256, gzip) | {result['darkrange_write_mb_s']} "
          f"| {result['warcio_write_mb_s']} |")  # fmt: skip
    print(f"| ratio (warcio time / darkrange time) | {result['write_ratio_vs_warcio']} | 1.0 |")
    print(f"| package {PAGES} pages ({result['package_mb']} MB), s | {result['package_s']} | - |")
    print(f"| verify package, s | {result['verify_s']} | - |")


if __name__ == "__main__":
    main()
