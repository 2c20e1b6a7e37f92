"""Benchmark: how fast the range serves each kind of site, through the direct SOCKS gateway and
through the private Tor network, and how long `darkrange range up` takes until every site answers.

    .venv/bin/python bench/range_serve.py [--world DIR] [--size small] [--seconds 5]
                                          [--connections 20] [--workers 1] [--no-tor]

Generates a world (unless --world) and works on a copy of it whose sites.json switches every
site's defences off (`"anti_crawl": {"uptime": 1.0}`: no rate limit, no login wall, queue,
CAPTCHA or downtime), so the figures are pages served, not 429s or redirects to a login form.
Per site kind it loads a mix of that site's real pages (listings, vendors, threads, pastes,
Esplora calls over the world's chain ...):

- with wrk (HTTP/1.1 keep-alive, 1 thread) through proxychains4 to the gateway's SOCKS port
  (remote DNS), and side by side straight at the site's loopback port (the peer: the same app
  without the gateway), so the gateway's cost shows as a ratio;
- with an asyncio client speaking SOCKS5 itself, run as a separate process;
- with the same client through the private Tor network (`range up --transport tor`), 10
  connections.

wrk and proxychains4 are Debian packages (apt-get install -y wrk proxychains4); tor too. The
benchmark installs nothing: it says what is missing and measures what it can.
Writes bench/results/range_serve.json and .md, and prints the markdown table.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import save

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "darkrange.cli"]
KINDS = ["market", "deaddrop", "shop", "forum", "directory", "paste", "mixer", "exchange"]
KINDS += ["explorer"]
GOAL_RPS = 1000
DAY = 86_400


def darkrange(*args: str, timeout: float = 600) -> str:
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"darkrange {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def bench_world(world: Path, dest: Path) -> Path:
    """A copy of `world` with every site's defences off (the site settings, not the code)."""
    shutil.copytree(world, dest, ignore=shutil.ignore_patterns(".range"))
    sites = json.loads((dest / "sites.json").read_text(encoding="utf-8"))
    for site in sites:
        site["anti_crawl"] = {"uptime": 1.0}  # every key absent = off; 0 = no rate limit
    (dest / "sites.json").write_text(json.dumps(sites, indent=1), encoding="utf-8")
    return dest


# -- what to ask each site: its real pages at day 0 ---------------------------------------------


def _rows(world: Path, name: str, **where: Any) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    path = world / "content" / name
    if not path.is_file():
        return []
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return [r for r in rows if all(r.get(k) == v for k, v in where.items())]


def _explorer_paths(world: Path, rng: random.Random, days: int = 0) -> list[str]:
    """A mix of Esplora requests over real txids, addresses and blocks of the world's chain,
    all mined by the end of the clock's day (the explorer serves nothing later)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    chain = world / "chain"
    start = json.loads((world / "world.json").read_text())["start"]
    blocks = pq.read_table(chain / "blocks.parquet", columns=["height", "hash", "time"])
    tip = max(
        0, int(pc.sum(pc.less_equal(blocks["time"], start + (days + 1) * DAY - 1)).as_py()) - 1
    )
    txs = pq.read_table(chain / "transactions.parquet", columns=["txid", "block_height"])
    txs = txs.filter(pc.less_equal(txs["block_height"], tip))["txid"]
    outs = pq.read_table(chain / "outputs.parquet", columns=["address", "block_height"])
    outs = outs.filter(pc.less_equal(outs["block_height"], tip))["address"]
    hashes = blocks["hash"][: tip + 1]
    pick = lambda col, n: [col[rng.randrange(len(col))].as_py() for _ in range(n)]  # noqa: E731
    addresses = [a for a in pick(outs, 80) if a]
    paths = [f"/api/tx/{t}" for t in pick(txs, 60)]
    paths += [f"/api/tx/{t}/outspends" for t in pick(txs, 20)]
    paths += [f"/api/address/{a}" for a in addresses[:40]]
    paths += [f"/api/address/{a}/txs" for a in addresses[40:]]
    paths += [f"/api/block/{b}" for b in pick(hashes, 20)]
    paths += ["/api/blocks/tip/height"] * 10
    return paths


def explorer_cpu(world: Path, paths: list[str], passes: int = 5) -> dict[str, Any]:
    """CPU-seconds per 1,000 explorer answers in this process, cold (nothing cached: every
    answer and transaction rendered afresh) and warm (the answer cache as a repeating crawl
    finds it); CPU time, so a busy machine changes it less than requests per second."""
    from darkrange.network import RangeClock, SiteContext, load_sites
    from darkrange.sites.explorer import ExplorerApp, build_app

    site = next(s for s in load_sites(world) if s.kind == "explorer")
    app = build_app(SiteContext(world, site, RangeClock(0)))
    assert isinstance(app, ExplorerApp)

    def run(cold: bool) -> float:
        began = time.process_time()
        for _ in range(passes):
            if cold:
                app.cache.clear()
                app.api.shapes._tx_text.clear()
            for path in paths:
                app.respond("GET", path, "")
        return (time.process_time() - began) / (passes * len(paths)) * 1000

    run(False)  # scripts and address pieces decoded once, as in a running range
    return {"cold_cpu_s_per_1k": round(run(True), 3), "warm_cpu_s_per_1k": round(run(False), 4)}


def site_paths(world: Path, site: dict[str, Any], rng: random.Random) -> list[str]:
    """Up to ~200 pages of one site that answer 200 at day 0, shuffled."""
    from darkrange.sites.market import SCHEMES

    kind, sid = site["kind"], site["site_id"]
    listings = [
        r
        for r in _rows(world, "listings.parquet", site_id=sid)
        if r["posted_week"] == 0 and (r["removed_week"] is None or r["removed_week"] > 0)
    ]
    ids = [str(r["listing_id"]) for r in listings]
    vendors = sorted({r["vendor_handle"] for r in listings})
    paths: list[str]
    if kind == "market":
        u = SCHEMES[site["software"]]
        paths = [u.home, u.browse(1), *map(u.listing, ids), *map(u.vendor, vendors)]
    elif kind == "deaddrop":
        paths = ["/", "/catalog", *(f"/product/{i}" for i in ids)]
        paths += [f"/shop/{v}" for v in vendors]
    elif kind == "shop":
        paths = ["/", "/reviews", "/pgp", "/about", *(f"/item/{i}" for i in ids)]
    elif kind == "forum":
        start = json.loads((world / "world.json").read_text())["start"]
        threads = [
            t for t in _rows(world, "threads.parquet", site_id=sid) if t["created"] < start + 604800
        ]
        paths = ["/", *(f"/post/{t['thread_id']}" for t in threads)]
        paths += sorted({f"/d/{t['subforum']}" for t in threads})
    elif kind == "directory":
        paths = ["/", "/links.txt", "/c/markets", "/c/forums", "/c/explorers"]
    elif kind == "paste":
        start = json.loads((world / "world.json").read_text())["start"]
        pastes = [p for p in _rows(world, "pastes.parquet", site_id=sid) if p["time"] < start]
        paths = ["/", *(f"/p/{p['paste_id']}" for p in pastes[:50])]
    elif kind == "mixer":
        paths = ["/", "/fees", "/guarantee", "/pgp", "/pgp.txt", "/mix"]
    elif kind == "exchange":
        paths = ["/", "/fees", "/law-enforcement", "/law-enforcement/request"]
    elif kind == "explorer":
        paths = _explorer_paths(world, rng)
    else:
        paths = ["/"]
    paths = paths[:200]
    rng.shuffle(paths)
    return paths


def bench_sites(state: dict[str, Any], kinds: list[str] | None = None) -> list[dict[str, Any]]:
    """One site of each benchmarked kind; for markets one of each software family."""
    chosen, seen = [], set()
    kinds = KINDS if kinds is None else kinds
    for site in state["sites"]:
        key = site["kind"] if site["kind"] != "market" else f"market/{site['software']}"
        if site["kind"] in kinds and key not in seen:
            seen.add(key)
            chosen.append({**site, "label": key})
    return chosen


# -- load generators -----------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wrk(
    url_base: str,
    paths: list[str],
    seconds: int,
    conns: int,
    socks: str | None,
    server_pids: tuple[int, ...] = (),
) -> dict[str, Any]:
    """wrk's requests per second and non-2xx count; through proxychains4 when `socks` is given.

    With `server_pids`, also the CPU-seconds those processes spent per 1,000 requests."""
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
        cpu_before = cpu_seconds(server_pids)
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
        cpu = cpu_seconds(server_pids) - cpu_before
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    requests = int(done.group(1)) if done else 0
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
        "requests": requests,
        "server_cpu_s_per_1k": round(cpu / requests * 1000, 4)
        if requests and server_pids
        else None,
    }


async def _client_conn(socks: str, host: str, paths: list[str], until: float) -> tuple[int, int]:
    addr, port = socks.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(addr, int(port))
    name = host.encode()
    writer.write(b"\x05\x01\x00" + bytes((5, 1, 0, 3, len(name))) + name + b"\x00\x50")
    reply = await reader.readexactly(12)
    if reply[3] != 0:
        raise SystemExit(f"SOCKS refused {host}: reply {reply[3]}")
    done = bad = 0
    i = random.randrange(len(paths))
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"(?i)content-length:\s*(\d+)", head)
        await reader.readexactly(int(length.group(1)) if length else 0)
        done += 1
        bad += not head.startswith(b"HTTP/1.1 2")
    writer.close()
    return done, bad


async def _client(socks: str, host: str, paths: list[str], seconds: float, conns: int) -> str:
    start = time.monotonic()
    counts = await asyncio.gather(
        *(_client_conn(socks, host, paths, start + seconds) for _ in range(conns))
    )
    elapsed = time.monotonic() - start
    return json.dumps(
        {"rps": sum(c[0] for c in counts) / elapsed, "non_2xx": sum(c[1] for c in counts)}
    )


def socks_client(
    socks: str, host: str, paths: list[str], seconds: int, conns: int
) -> dict[str, Any]:
    """The asyncio SOCKS client's requests per second, run as a separate process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(paths, f)
    try:
        cmd = [sys.executable, __file__, "--client", socks, host, f.name, str(seconds), str(conns)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 180)
        if out.returncode != 0:
            return {"rps": 0.0, "error": out.stderr.strip().splitlines()[-1:]}
        return json.loads(out.stdout)  # type: ignore[no-any-return]
    finally:
        os.unlink(f.name)


# -- the run ---------------------------------------------------------------------------------------


def measure_up(world: Path, transport: str, workers: int) -> tuple[float, dict[str, Any]]:
    start = time.monotonic()
    args = ["range", "up", "--world", str(world), "--json", "--transport", transport]
    out = darkrange(*args, "--workers", str(workers))
    return time.monotonic() - start, json.loads(out)


def bench_direct(world: Path, args: argparse.Namespace, results: dict[str, Any]) -> None:
    up_s, doc = measure_up(world, "direct", args.workers)
    results["up_direct_s"] = round(up_s, 2)
    state = json.loads((world / ".range" / "state.json").read_text())
    sites = {s["site_id"]: s for s in json.loads((world / "sites.json").read_text())}
    ports = {s["site_id"]: s["port"] for s in state["sites"]}
    have_wrk = not results["missing"]
    try:
        for site in bench_sites({"sites": list(sites.values())}, args.kinds):
            paths = site_paths(world, site, random.Random(7))
            row: dict[str, Any] = {"kind": site["label"], "site_id": site["site_id"]}
            row["pages"] = len(paths)
            if have_wrk:
                gw = wrk(
                    f"http://{site['onion']}",
                    paths,
                    args.seconds,
                    args.connections,
                    doc["socks"],
                    tuple(state["pids"]),  # the leader (gateway) and the worker(s)
                )
                direct = wrk(
                    f"http://127.0.0.1:{ports[site['site_id']]}",
                    paths,
                    args.seconds,
                    args.connections,
                    None,
                    tuple(state["pids"][1:]),  # the worker(s) only
                )
                row["gateway_wrk"], row["direct_wrk"] = gw, direct
                row["gateway_vs_direct"] = (
                    round(gw["rps"] / direct["rps"], 3) if direct["rps"] else None
                )
            row["gateway_asyncio"] = socks_client(
                doc["socks"], site["onion"], paths, args.seconds, args.connections
            )
            if site["kind"] == "explorer":
                row["in_process"] = explorer_cpu(world, paths)
            results["kinds"].append(row)
            print(f"  {row['kind']}: done", file=sys.stderr)
    finally:
        darkrange("range", "down", "--world", str(world))


def bench_tor(world: Path, args: argparse.Namespace, results: dict[str, Any]) -> None:
    up_s, doc = measure_up(world, "tor", args.workers)
    results["up_tor_s"] = round(up_s, 2)
    sites = {s["site_id"]: s for s in json.loads((world / "sites.json").read_text())}
    try:
        for site in bench_sites({"sites": list(sites.values())}, args.kinds):
            paths = site_paths(world, site, random.Random(7))
            got = socks_client(doc["socks"], site["onion"], paths, args.seconds, 10)
            results["tor"].append({"kind": site["label"], "tor_asyncio_c10": got})
            print(f"  {site['label']} via tor: done", file=sys.stderr)
    finally:
        darkrange("range", "down", "--world", str(world))


def cli_start_s() -> float:
    """How long the CLI takes to start at all (part of every `range up` figure)."""
    start = time.monotonic()
    darkrange("--help")
    return round(time.monotonic() - start, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--world", type=Path)
    parser.add_argument("--size", default="small")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-tor", action="store_true")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="comma-separated site kinds (default: all)"
    )
    parser.add_argument("--client", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.kinds = [k for k in args.kinds.split(",") if k]
    if args.client:
        socks, host, paths_file, seconds, conns = args.client
        paths = json.loads(Path(paths_file).read_text())
        print(asyncio.run(_client(socks, host, paths, float(seconds), int(conns))))
        return
    missing = [tool for tool in ("wrk", "proxychains4") if shutil.which(tool) is None]
    if missing:
        print(
            f"missing: {', '.join(missing)} (apt-get install -y {' '.join(missing)}); "
            "measuring with the asyncio client only",
            file=sys.stderr,
        )
    from darkrange.network.tor import tor_available

    tor = not args.no_tor and tor_available()
    if not args.no_tor and not tor:
        print("missing: tor (apt-get install -y tor); skipping the Tor figures", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.world
        if source is None:
            source = Path(tmp) / "generated"
            start = time.monotonic()
            darkrange(
                "world",
                "generate",
                "--out",
                str(source),
                "--size",
                args.size,
                "--seed",
                str(args.seed),
            )
            print(
                f"generated a {args.size} world in {time.monotonic() - start:.1f} s",
                file=sys.stderr,
            )
        world = bench_world(source, Path(tmp) / "bench-world")
        results: dict[str, Any] = {
            "world": args.size if args.world is None else str(args.world),
            "seconds": args.seconds,
            "connections": args.connections,
            "workers": args.workers,
            "load_average_before": os.getloadavg()[0],
            "missing": missing,
            "cli_start_s": cli_start_s(),
            "kinds": [],
            "tor": [],
        }
        bench_direct(world.resolve(), args, results)
        if tor:
            bench_tor(world.resolve(), args, results)
        results["load_average_after"] = os.getloadavg()[0]
    save("range_serve", results, table(results))
    print(summary(results))


def _rps(row: dict[str, Any] | None) -> str:
    if not row:
        return "-"
    bad = f" ({row['non_2xx']} non-2xx)" if row.get("non_2xx") else ""
    return f"{row['rps']:,.0f}{bad}"


def table(results: dict[str, Any]) -> list[list[str]]:
    tor = {row["kind"]: row["tor_asyncio_c10"] for row in results["tor"]}
    rows = [
        [
            "site kind",
            f"wrk via gateway (req/s, c={results['connections']})",
            "wrk straight at the app",
            "gateway / straight",
            "asyncio SOCKS client via gateway",
            "asyncio client via Tor (c=10)",
            f">= {GOAL_RPS} via gateway",
            "range CPU-s / 1k req via gateway (gateway + worker)",
            "worker CPU-s / 1k req straight",
        ]
    ]
    for row in results["kinds"]:
        gw = row.get("gateway_wrk") or row["gateway_asyncio"]
        rows.append(
            [
                row["kind"],
                _rps(row.get("gateway_wrk")),
                _rps(row.get("direct_wrk")),
                str(row.get("gateway_vs_direct", "-")),
                _rps(row["gateway_asyncio"]),
                _rps(tor.get(row["kind"])),
                "yes" if gw["rps"] >= GOAL_RPS else "no",
                _cpu(row.get("gateway_wrk")),
                _cpu(row.get("direct_wrk")),
            ]
        )
    return rows


def _cpu(row: dict[str, Any] | None) -> str:
    value = (row or {}).get("server_cpu_s_per_1k")
    return "-" if value is None else f"{value:.3f}"


def summary(results: dict[str, Any]) -> str:
    up = "until every site answers"
    lines = [f"`darkrange range up --transport direct` {up}: {results['up_direct_s']} s"]
    if "up_tor_s" in results:
        lines.append(f"`darkrange range up --transport tor` {up}: {results['up_tor_s']} s")
    for row in results["kinds"]:
        if "in_process" in row:
            cpu = row["in_process"]
            lines.append(
                f"explorer in process, the same mix: {cpu['cold_cpu_s_per_1k']} CPU-s per 1,000"
                f" answers cold (nothing cached), {cpu['warm_cpu_s_per_1k']} warm (answer cache)"
            )
    lines.append(
        f"(of which the CLI's own start: {results['cli_start_s']} s; "
        f"{results['workers']} worker(s); "
        f"load average {results['load_average_before']:.1f} before, "
        f"{results['load_average_after']:.1f} after, on {os.cpu_count()} cores)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
