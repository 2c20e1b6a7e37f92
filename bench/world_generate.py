"""World generation: time and peak memory per size (goal: large within 2 minutes on 2 cores).

Each size runs in its own process so its peak RSS is its own. There is no peer tool that
generates dark-web worlds, so no ratio is reported.

    .venv/bin/python bench/world_generate.py [--sizes tiny,small,demo,large] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import save

CHILD = """
import json, resource, sys, time
from pathlib import Path
from darkrange.world.generate import generate
t = time.perf_counter()
m = generate(int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mib": peak, "counts": m["counts"]}))
"""


def run(size: str, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "world"
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(seed), size, str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
        result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
        result["disk_mib"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="tiny,small,demo,large")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    results = {}
    table = [
        ["size", "seconds", "peak MiB", "disk MiB", "sites", "listings", "transactions", "goal"]
    ]
    for size in args.sizes.split(","):
        started = time.perf_counter()
        r = run(size, args.seed)
        r["wall_seconds"] = time.perf_counter() - started
        results[size] = r
        c = r["counts"]
        assert isinstance(c, dict)
        goal = ""
        if size == "large":
            ok = (
                float(str(r["seconds"])) < 120
                and c["sites"] >= 30
                and c["listings"] >= 50_000
                and c["transactions"] >= 1_000_000
            )
            goal = "met" if ok else "MISSED (< 120 s, >= 30 sites, 50k listings, 1M tx)"
        table.append(
            [
                size,
                f"{r['seconds']:.1f}",
                f"{r['peak_mib']:.0f}",
                f"{r['disk_mib']:.1f}",
                str(c["sites"]),
                str(c["listings"]),
                str(c["transactions"]),
                goal,
            ]
        )
    save("world_generate", {"seed": args.seed, "sizes": results}, table)


if __name__ == "__main__":
    main()
