"""Benchmark: how fast the range serves its sites through the direct SOCKS gateway.

    .venv/bin/python bench/range_serve.py [--world DIR] [--size small] [--seconds 5]
                                          [--connections 20] [--workers 1] [--tor]

Generates a world (unless --world), times `darkrange range up` until every site answers, then
loads each served site kind with wrk (HTTP/1.1 keep-alive) through the gateway (proxychains4
sends wrk's connections to the SOCKS port with remote DNS) and, side by side in the same run,
straight at the site's loopback port, so the gateway's cost shows as a ratio. A separate-process
asyncio client speaking SOCKS5 itself measures the same path without proxychains. With --tor
the same world is served through the private Tor network and measured with that client.
Writes bench/results/range_serve.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "range_serve.json"
CLI = [sys.executable, "-m", "darkrange.cli"]


def darkrange(*args: str, timeout: float = 600) -> str:
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"darkrange {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def explorer_paths(world: Path, rng: random.Random) -> list[str]:
    """A mix of Esplora requests over real txids, addresses and blocks of the world's chain."""
    import pyarrow.parquet as pq

    txs = pq.read_table(world / "chain" / "transactions.parquet", columns=["txid"])["txid"]
    outs = pq.read_table(world / "chain" / "outputs.parquet", columns=["address"])["address"]
    blocks = pq.read_table(world / "chain" / "blocks.parquet", columns=["hash"])["hash"]
    pick = lambda col, n: [col[rng.randrange(len(col))].as_py() for _ in range(n)]  # noqa: E731
    addresses = [a for a in pick(outs, 80) if a]
    paths = [f"/api/tx/{t}" for t in pick(txs, 60)]
    paths += [f"/api/tx/{t}/outspends" for t in pick(txs, 20)]
    paths += [f"/api/address/{a}" for a in addresses[:40]]
    paths += [f"/api/address/{a}/txs" for a in addresses[40:]]
    paths += [f"/api/block/{b}" for b in pick(blocks, 20)]
    paths += ["/api/blocks/tip/height"] * 10
    rng.shuffle(paths)
    return paths


def wrk(url_base: str, paths: list[str], seconds: int, conns: int, socks: str | None) -> float:
    """Requests per second from wrk; through proxychains4 when `socks` is given."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "paths.lua"
        quoted = ", ".join(json.dumps(p) for p in paths)
        script.write_text(
            f"paths = {{{quoted}}}\ncounter = 0\nrequest = function()\n"
            "  counter = counter + 1\n  return wrk.format('GET', paths[(counter % #paths) + 1])\n"
            "end\n"
        )
        cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "-s", str(script), url_base]
        if socks:
            conf = Path(tmp) / "proxychains.conf"
            host, port = socks.rsplit(":", 1)
            conf.write_text(
                "strict_chain\nproxy_dns\nremote_dns_subnet 224\ntcp_read_time_out 15000\n"
                f"tcp_connect_time_out 8000\n[ProxyList]\nsocks5 {host} {port}\n"
            )
            cmd = ["proxychains4", "-q", "-f", str(conf), *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        print(f"warning: wrk reported errors:\n{out}", file=sys.stderr)
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else 0.0


# -- a load generator speaking SOCKS5 itself (run in its own process) ---------------------------


async def _client_conn(socks: str, host: str, paths: list[str], until: float) -> int:
    addr, port = socks.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(addr, int(port))
    name = host.encode()
    writer.write(b"\x05\x01\x00" + bytes((5, 1, 0, 3, len(name))) + name + b"\x00\x50")
    reply = await reader.readexactly(12)
    if reply[3] != 0:
        raise SystemExit(f"SOCKS refused {host}: reply {reply[3]}")
    done, i = 0, random.randrange(len(paths))
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
        await reader.readexactly(length)
        done += 1
    writer.close()
    return done


async def _client(socks: str, host: str, paths: list[str], seconds: float, conns: int) -> float:
    start = time.monotonic()
    counts = await asyncio.gather(
        *(_client_conn(socks, host, paths, start + seconds) for _ in range(conns))
    )
    return sum(counts) / (time.monotonic() - start)


def socks_client(socks: str, host: str, paths: list[str], seconds: int, conns: int) -> float:
    """Requests per second of the asyncio SOCKS client, run as a separate process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(paths, f)
    try:
        cmd = [sys.executable, __file__, "--client", socks, host, f.name, str(seconds), str(conns)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
        return float(out.stdout.strip() or 0)
    finally:
        os.unlink(f.name)


# -- the run -------------------------------------------------------------------------------------


def measure_up(world: Path, transport: str, workers: int) -> tuple[float, dict[str, Any]]:
    start = time.monotonic()
    args = ["range", "up", "--world", str(world), "--json", "--transport", transport]
    out = darkrange(*args, "--workers", str(workers))
    return time.monotonic() - start, json.loads(out)


def bench_direct(world: Path, args: argparse.Namespace, results: dict[str, Any]) -> None:
    up_s, doc = measure_up(world, "direct", args.workers)
    results["up_direct_s"] = round(up_s, 2)
    state = json.loads((world / ".range" / "state.json").read_text())
    rng = random.Random(7)
    have_wrk = shutil.which("wrk") is not None and shutil.which("proxychains4") is not None
    try:
        seen: set[str] = set()
        for site in state["sites"]:
            if site["kind"] in seen:
                continue
            seen.add(site["kind"])
            paths = explorer_paths(world, rng) if site["kind"] == "explorer" else ["/"]
            row: dict[str, Any] = {"kind": site["kind"], "onion": site["onion"]}
            if have_wrk:
                row["gateway_wrk_rps"] = wrk(
                    f"http://{site['onion']}", paths, args.seconds, args.connections, doc["socks"]
                )
                row["direct_wrk_rps"] = wrk(
                    f"http://127.0.0.1:{site['port']}", paths, args.seconds, args.connections, None
                )
                row["gateway_vs_direct"] = round(row["gateway_wrk_rps"] / row["direct_wrk_rps"], 3)
            row["gateway_asyncio_rps"] = round(
                socks_client(doc["socks"], site["onion"], paths, args.seconds, args.connections), 1
            )
            results["kinds"].append(row)
    finally:
        darkrange("range", "down", "--world", str(world))


def bench_tor(world: Path, args: argparse.Namespace, results: dict[str, Any]) -> None:
    up_s, doc = measure_up(world, "tor", args.workers)
    results["up_tor_s"] = round(up_s, 2)
    try:
        for site in doc["sites"]:
            paths = explorer_paths(world, random.Random(7)) if site["kind"] == "explorer" else ["/"]
            rps = socks_client(doc["socks"], site["onion"], paths, args.seconds, 10)
            results["tor"].append({"kind": site["kind"], "tor_asyncio_rps_c10": round(rps, 1)})
    finally:
        darkrange("range", "down", "--world", str(world))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", type=Path)
    parser.add_argument("--size", default="small")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--tor", action="store_true")
    parser.add_argument("--client", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        socks, host, paths_file, seconds, conns = args.client
        paths = json.loads(Path(paths_file).read_text())
        print(asyncio.run(_client(socks, host, paths, float(seconds), int(conns))))
        return
    tmp = None
    world = args.world
    if world is None:
        tmp = tempfile.TemporaryDirectory()
        world = Path(tmp.name) / "world"
        start = time.monotonic()
        darkrange("world", "generate", "--out", str(world), "--size", args.size)
        print(f"generated a {args.size} world in {time.monotonic() - start:.1f} s", file=sys.stderr)
    results: dict[str, Any] = {
        "world": args.size if args.world is None else str(args.world),
        "seconds": args.seconds,
        "connections": args.connections,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "kinds": [],
        "tor": [],
    }
    try:
        bench_direct(world.resolve(), args, results)
        if args.tor:
            bench_tor(world.resolve(), args, results)
    finally:
        if tmp is not None:
            tmp.cleanup()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print_table(results)


def print_table(results: dict[str, Any]) -> None:
    print(f"`range up --transport direct` until every site answers: {results['up_direct_s']} s")
    if "up_tor_s" in results:
        print(f"`range up --transport tor` until every site answers: {results['up_tor_s']} s")
    print(
        f"\n{results['connections']} keep-alive connections, {results['seconds']} s each, "
        f"{results['workers']} worker(s), {results['cores']} cores\n"
    )
    print(
        "| site kind | wrk via gateway (req/s) | wrk direct (req/s) | gateway / direct "
        "| asyncio SOCKS client (req/s) |"
    )
    print("|---|---|---|---|---|")
    for row in results["kinds"]:
        print(
            f"| {row['kind']} | {row.get('gateway_wrk_rps', '-')} | "
            f"{row.get('direct_wrk_rps', '-')} | {row.get('gateway_vs_direct', '-')} | "
            f"{row['gateway_asyncio_rps']} |"
        )
    for row in results["tor"]:
        print(f"| {row['kind']} via Tor (c=10) | - | - | - | {row['tor_asyncio_rps_c10']} |")


if __name__ == "__main__":
    main()
