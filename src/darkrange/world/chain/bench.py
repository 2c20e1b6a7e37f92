"""How fast the chain simulation runs: `python -m darkrange.world.chain.bench [N ...]`.

Simulates N transactions over N/12 blocks with a handful of world entities and payments of
every route, and prints transactions/s, addresses/s, CPU time (the simulating process and the
finaliser process beside it) and peak memory (RSS) of each. The lead's bench/world_generate.py
measures the whole world; this isolates the chain.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from darkrange.world.chain._simulate import simulate
from darkrange.world.chain.spec import ChainSpec, Entity, Payment, Route, WalletProfile

T0 = 1_700_000_000


def bench_spec(n: int) -> ChainSpec:
    days = max(1, n // 12 // 144)  # about 12 transactions a block, as on a quiet real chain
    entities = [
        Entity("buyer", "person", starting_balance_sat=10**8),
        Entity("vendor", "person", WalletProfile("p2sh", reuses_addresses=True)),
        Entity("market", "market"),
        Entity("mixer", "mixer"),
        Entity("exchange", "exchange", WalletProfile("p2tr")),
    ]
    routes: list[tuple[Route, str | None]] = [
        ("direct", None),
        ("escrow", "market"),
        ("mixer", "mixer"),
        ("exchange_deposit", "exchange"),
        ("exchange_withdrawal", "exchange"),
    ]
    payments = [
        Payment(f"p{i}", T0 + 3_600 * (i + 1), "buyer", "vendor", 1_000_000 + i, route, via=via)
        for i, (route, via) in enumerate(routes * 4)
    ]
    return ChainSpec(7, T0, T0 + days * 86_400, n, entities, payments)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(n: int, workers: int | None = None) -> dict[str, float]:
    spec = bench_spec(n)
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu, child = time.perf_counter(), time.process_time(), _children_cpu()
        result = simulate(spec, Path(tmp), workers=workers)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        child = _children_cpu() - child
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "target": n,
        "transactions": result.transactions,
        "addresses": len(result.addresses),
        "seconds": round(wall, 2),
        "main_cpu_seconds": round(cpu, 2),
        "worker_cpu_seconds": round(child, 2),
        "tx_per_s": round(result.transactions / wall),
        "addresses_per_s": round(len(result.addresses) / wall),
        "peak_rss_mb": round(rss),
        "worker_peak_rss_mb": round(child_rss),
    }


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [100_000]
    for n in sizes:
        print(json.dumps(run(n)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
