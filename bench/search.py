"""Search latency on a large world's records: p50/p95 of `search` over 300 queries.

    .venv/bin/python bench/search.py [--world DIR] [--cache DIR]

Records come from bench/_world_records.py (a complete crawl's upper bound). Queries: words and
word pairs from listing titles (English and Russian), filtered queries (language, site,
vendor) and selector look-ups (PGP fingerprints shown on vendor profiles). Target: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import save  # noqa: E402
from _world_records import convert  # noqa: E402
from darkrange.analyze.link import read_kind  # noqa: E402
from darkrange.analyze.search import Query, build_index, search  # noqa: E402
from darkrange.analyze.search._stem import tokens  # noqa: E402


def queries(records: Path, n: int = 300) -> list[Query]:
    rng = random.Random(7)
    listings = read_kind(records, "listings", ["title", "site", "vendor"])
    vendors = read_kind(records, "vendors", ["pgp_fingerprint"])
    out: list[Query] = []
    while len(out) < n:
        row = rng.choice(listings)
        words = [w for w in tokens(row["title"]) if len(w) > 3]
        if not words:
            continue
        pick = rng.randrange(5)
        if pick == 0:
            out.append(Query(" ".join(rng.sample(words, min(2, len(words))))))
        elif pick == 1:
            out.append(Query(words[0], site=row["site"]))
        elif pick == 2:
            out.append(Query(words[0], vendor=row["vendor"]))
        elif pick == 3:
            out.append(Query(words[-1], language="ru" if rng.random() < 0.5 else "en"))
        else:
            fprs = [v["pgp_fingerprint"] for v in vendors if v["pgp_fingerprint"]]
            out.append(Query(selector=rng.choice(fprs)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--world", type=Path, default=Path("/tmp/darkrange-bench-link/w102"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/darkrange-bench-search"))
    args = parser.parse_args()
    records = args.cache / "records"
    if not (records / "listings.parquet").exists():
        convert(args.world, records)
    start = time.perf_counter()
    count = build_index(records, args.cache / "index")
    build_s = time.perf_counter() - start
    qs = queries(records)
    times, hits = [], 0
    for q in qs:
        t = time.perf_counter()
        hits += len(search(args.cache / "index", q))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    data = {
        "records": count,
        "index_seconds": round(build_s, 1),
        "queries": len(qs),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(times[-1], 2),
        "hits": hits,
    }
    table = [
        ["records", "index s", "queries", "p50 ms", "p95 ms", "max ms"],
        [
            str(count),
            f"{build_s:.1f}",
            str(len(qs)),
            f"{p50:.1f}",
            f"{p95:.1f}",
            f"{times[-1]:.1f}",
        ],
    ]
    save("search", data, table)


if __name__ == "__main__":
    main()
