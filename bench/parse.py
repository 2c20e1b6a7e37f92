"""Page records against truth: capture a world's sites crawl-like into WARC, parse them with
`darkrange parse`, and score listings per site family (recall, precision, fields right), with
vendors, posts and throughput. Peer, side by side on the same pages: the generic heuristics
alone (what a parser that does not know the family recovers).

    .venv/bin/python bench/parse.py [--seed 11] [--size small]

Writes bench/results/parse.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the capture helper lives with the tests

from tests.extract.test_records_capture import (  # noqa: E402
    capture,
    field_errors,
    score_listings,
    truth_listings,
)

from darkrange.extract.records import _generic, write_records  # noqa: E402
from darkrange.extract.records._html import Page, load_html  # noqa: E402
from darkrange.extract.records._merge import merge  # noqa: E402
from darkrange.extract.records._warc import WarcProblems, find_warcs, read_pages  # noqa: E402
from darkrange.world.generate import generate  # noqa: E402


def _generic_only(folder: Path) -> list[dict[str, Any]]:
    """Listings the generic heuristics alone find on the same pages, merged the same way."""
    pages = []
    for path in find_warcs(folder):
        for captured in read_pages(path, path.name, WarcProblems()):
            page = Page(captured.url, load_html(captured.html), captured.pointer)
            pages.append(_generic.parse(page))
    merged = merge(pages)
    return [
        {
            "site": x.site,
            "listing_id": x.listing_id,
            "title": x.title,
            "vendor": x.vendor,
            "price": x.price,
            "currency": x.currency,
            "category": x.category,
        }
        for x in merged.records.listings
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--size", default="small")
    args = parser.parse_args()
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        generate(args.seed, args.size, world)
        weeks_total = json.loads((world / "world.json").read_text())["weeks"]
        days = [10, 7 * (weeks_total - 1) + 3]  # one crawl early, one in the last week
        weeks = [d // 7 for d in days]
        started = time.perf_counter()
        pages = sum(capture(world, d, Path(tmp) / "warc").pages for d in days)
        capture_s = time.perf_counter() - started
        warc_bytes = sum(p.stat().st_size for p in (Path(tmp) / "warc").glob("*.warc.gz"))
        started = time.perf_counter()
        summary = write_records(Path(tmp) / "warc", Path(tmp) / "out")
        parse_s = time.perf_counter() - started
        listings = pq.read_table(Path(tmp) / "out" / "listings.parquet").to_pylist()
        ours = score_listings(world, weeks, listings)
        started = time.perf_counter()
        peer = score_listings(world, weeks, _generic_only(Path(tmp) / "warc"))
        peer_s = time.perf_counter() - started
        truth = truth_listings(world, weeks)
        _ = field_errors  # same field rules for both
    result: dict[str, Any] = {
        "seed": args.seed,
        "size": args.size,
        "capture_days": days,
        "pages": pages,
        "warc_mb": round(warc_bytes / 1e6, 2),
        "capture_s": round(capture_s, 2),
        "parse_s": round(parse_s, 2),
        "pages_per_s": round(summary.pages / parse_s, 1),
        "generic_only_s": round(peer_s, 2),
        "truth_listings": len(truth),
        "records": summary.counts,
        "families": {},
    }
    rows = []
    for family in sorted(ours):
        a, b = ours[family], peer.get(family)
        wrong = sum((a.wrong or {}).values())
        peer_wrong = sum((b.wrong or {}).values()) if b else 0
        result["families"][family] = {
            "truth": a.truth,
            "recall": round(a.recall, 4),
            "precision": round(a.precision, 4),
            "wrong_fields": a.wrong,
            "generic_recall": round(b.recall, 4) if b else 0.0,
            "generic_precision": round(b.precision, 4) if b else 0.0,
            "generic_wrong_fields": b.wrong if b else {},
        }
        rows.append(
            f"| {family} | {a.truth} | {a.recall:.3f} | {a.precision:.3f} | {wrong} | "
            f"{b.recall if b else 0:.3f} | {b.precision if b else 0:.3f} | {peer_wrong} |"
        )
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "parse.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{args.size} world seed {args.seed}: {pages} pages captured on days {days}, "
          f"parsed at {result['pages_per_s']} pages/s\n")  # fmt: skip
    print("| family | truth | recall | precision | wrong fields | generic recall | "
          "generic precision | generic wrong fields |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
