"""Benchmark: darkrange's crawler against Scrapy, crawling the same world through the same SOCKS
gateway in the same run: pages per second (darkrange writing WARC records with SHA-256 digests
and its state DB; Scrapy writing nothing) and each crawler's peak memory.

    .venv/bin/python bench/crawl.py [--world DIR] [--size small] [--pages-per-site 300]
                                    [--concurrency 16] [--per-site 4] [--rounds 2]

Generates a world (unless --world) and serves a copy whose sites.json switches every site's
defences off (`"anti_crawl": {"uptime": 1.0}`: no login wall, CAPTCHA, queue, rate limit or
downtime), so both crawlers see the same open sites; the hostile site and the phishing clones are
left out of the seeds. Both crawl from every remaining site's main onion, stay on those onions,
follow every link up to the same cap of queued URLs per site, with the same global and per-site
concurrency and no delay, each in its own process (peak memory is that process's ru_maxrss).

Scrapy cannot speak SOCKS. It gets the same path through a small HTTP proxy ("the shim", run
here as its own process) that forwards each absolute-URI request over the gateway's SOCKS port
(keep-alive to the site kept per client connection). The shim costs Scrapy something darkrange
does not pay, so its cost is measured alone: one httpx client fetching the same URLs once through
the SOCKS port and once through the shim. Writes bench/results/crawl.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import save

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "darkrange.cli"]
SKIP_KINDS = ("hostile", "phishing")
GOAL = 1.5


def darkrange(*args: str, timeout: float = 900) -> str:
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"darkrange {' '.join(args)} failed: {proc.stderr.strip()[-2000:]}")
    return proc.stdout


def open_world(world: Path, dest: Path) -> tuple[Path, list[str]]:
    """A copy of `world` with every site's defences off, and the seeds (main onions)."""
    shutil.copytree(world, dest, ignore=shutil.ignore_patterns(".range"))
    sites = json.loads((dest / "sites.json").read_text(encoding="utf-8"))
    for site in sites:
        site["anti_crawl"] = {"uptime": 1.0}  # every key absent = off
    (dest / "sites.json").write_text(json.dumps(sites, indent=1), encoding="utf-8")
    seeds = [f"http://{s['onion']}/" for s in sites if s["kind"] not in SKIP_KINDS]
    return dest, seeds


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds (user + system) this process has used: less sensitive to load than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _proc_cpu_s(pid: int) -> float:
    """CPU seconds another process (the shim) has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the crawlers, each run as a child process ------------------------------------------------


def child_darkrange(spec: dict[str, Any]) -> dict[str, Any]:
    from darkrange.collect.crawl import load_vault, parse_config, run_crawl
    from darkrange.collect.evidence import CaptureInfo

    config = parse_config(
        {
            "politeness": {
                "concurrency": spec["concurrency"],
                "per_site_concurrency": spec["per_site"],
                "delay_s": 0.0,
                "retries": 2,
            },
            "scope": {"max_pages_per_site": spec["pages_per_site"]},
        }
    )
    capture = CaptureInfo(collector="bench", case="bench", legal_basis="benchmark on a range")
    cpu = _cpu_s()
    start = time.perf_counter()
    report = run_crawl(
        Path(spec["out"]), spec["seeds"], spec["proxy"], config, load_vault(None), capture
    )
    seconds = time.perf_counter() - start
    cpu = _cpu_s() - cpu
    warc = sum(p.stat().st_size for p in (Path(spec["out"]) / "warc").glob("*.warc.gz"))
    return {"pages": report.pages, "bytes": report.bytes, "errors": report.errors,
            "seconds": seconds, "cpu_s": cpu, "peak_mib": _peak_mib(),
            "warc_bytes": warc}  # fmt: skip


def child_scrapy(spec: dict[str, Any]) -> dict[str, Any]:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response

    deny = [re.compile(p) for p in (r"(?i)/log-?out", r"(?i)[?&/]page=logout", r"(?i)/captcha")]
    hosts = sorted({urlsplit(s).hostname or "" for s in spec["seeds"]})
    cap = int(spec["pages_per_site"])
    counts = {"pages": 0, "bytes": 0}

    class SiteSpider(scrapy.Spider):
        name = "bench"
        allowed_domains = hosts
        queued: dict[str, set[str]] = {h: set() for h in hosts}  # noqa: RUF012

        async def start(self) -> Any:
            for url in spec["seeds"]:
                self.queued[urlsplit(url).hostname or ""].add(url)
                yield scrapy.Request(url, meta={"proxy": spec["http_proxy"]})

        def parse(self, response: Response) -> Any:
            counts["pages"] += 1
            counts["bytes"] += len(response.body)
            if not isinstance(response, scrapy.http.TextResponse):
                return
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href).split("#", 1)[0]
                host = urlsplit(url).hostname or ""
                seen = self.queued.get(host)
                if seen is None or url in seen or len(seen) >= cap:
                    continue
                if any(d.search(url) for d in deny):
                    continue
                seen.add(url)
                yield scrapy.Request(url, meta={"proxy": spec["http_proxy"]})

    process = CrawlerProcess(
        {
            "CONCURRENT_REQUESTS": spec["concurrency"],
            "CONCURRENT_REQUESTS_PER_DOMAIN": spec["per_site"],
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": False,
            "LOG_LEVEL": "ERROR",
            "TELNETCONSOLE_ENABLED": False,
            "RETRY_TIMES": 2,
            "HTTPERROR_ALLOW_ALL": True,
            "USER_AGENT": "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0",
        }
    )
    process.crawl(SiteSpider)
    cpu = _cpu_s()
    start = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - start
    cpu = _cpu_s() - cpu
    return {**counts, "errors": 0, "seconds": seconds, "cpu_s": cpu, "peak_mib": _peak_mib()}


# -- the shim: an HTTP proxy that forwards over SOCKS5 -----------------------------------------


async def socks_connect(
    socks: tuple[str, int], host: str, port: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(*socks)
    writer.write(b"\x05\x01\x00")
    if await reader.readexactly(2) != b"\x05\x00":
        raise OSError("SOCKS: no acceptable method")
    name = host.encode("idna")
    writer.write(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + port.to_bytes(2, "big"))
    reply = await reader.readexactly(4)
    if reply[1] != 0:
        raise OSError(f"SOCKS: reply {reply[1]}")
    size = {1: 4, 4: 16}.get(reply[3], 0) or (await reader.readexactly(1))[0]
    await reader.readexactly(size + 2)
    return reader, writer


def _headers(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
    return lines[0], fields


async def _relay_body(
    up: asyncio.StreamReader, out: asyncio.StreamWriter, fields: dict[str, str]
) -> bool:
    """Copy one response body; False when it ends with the connection."""
    if "chunked" in fields.get("transfer-encoding", "").lower():
        while True:
            line = await up.readuntil(b"\r\n")
            out.write(line)
            size = int(line.split(b";")[0], 16)
            if size == 0:
                while (trailer := await up.readuntil(b"\r\n")) != b"\r\n":
                    out.write(trailer)
                out.write(b"\r\n")
                return True
            out.write(await up.readexactly(size + 2))
    if "content-length" in fields:
        out.write(await up.readexactly(int(fields["content-length"])))
        return True
    while chunk := await up.read(65536):
        out.write(chunk)
    return False


async def _serve(
    socks: tuple[str, int], client: asyncio.StreamReader, out: asyncio.StreamWriter
) -> None:
    upstream: tuple[str, asyncio.StreamReader, asyncio.StreamWriter] | None = None
    try:
        while True:
            try:
                head = await client.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            first, fields = _headers(head)
            method, uri, version = first.split(" ", 2)
            parts = urlsplit(uri)
            target = f"{parts.hostname}:{parts.port or 80}"
            if upstream is None or upstream[0] != target:
                if upstream is not None:
                    upstream[2].close()
                r, w = await socks_connect(socks, parts.hostname or "", parts.port or 80)
                upstream = (target, r, w)
            path = parts.path or "/"
            path += f"?{parts.query}" if parts.query else ""
            lines = [f"{method} {path} {version}"]
            lines += [
                line
                for line in head.decode("latin-1").split("\r\n")[1:]
                if line and not line.lower().startswith(("proxy-", "connection:"))
            ]
            body = await client.readexactly(int(fields.get("content-length", "0")))
            upstream[2].write("\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body)
            reply = await upstream[1].readuntil(b"\r\n\r\n")
            status_line, reply_fields = _headers(reply)
            out.write(reply)
            status = int(status_line.split(" ")[1])
            keep = True
            if method != "HEAD" and status not in (204, 304) and status >= 200:
                keep = await _relay_body(upstream[1], out, reply_fields)
            await out.drain()
            if not keep or reply_fields.get("connection", "").lower() == "close":
                return
    except (OSError, asyncio.IncompleteReadError, ValueError):
        return
    finally:
        if upstream is not None:
            upstream[2].close()
        out.close()


def run_shim(socks: str) -> None:
    host, port = socks.rsplit(":", 1)

    async def main() -> None:
        server = await asyncio.start_server(
            lambda r, w: _serve((host, int(port)), r, w), "127.0.0.1", 0
        )
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # ends on EOF
        server.close()
        print(json.dumps({"peak_mib": _peak_mib()}), flush=True)

    asyncio.run(main())


async def fetch_all(urls: list[str], proxy: str, concurrency: int) -> float:
    """Requests per second for one httpx client fetching `urls` through `proxy`."""
    import httpx

    async with httpx.AsyncClient(
        proxy=proxy, limits=httpx.Limits(max_connections=concurrency), trust_env=False
    ) as client:
        todo = list(urls)

        async def worker() -> None:
            while todo:
                (await client.get(todo.pop())).raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(urls) / (time.perf_counter() - start)


# -- the run ------------------------------------------------------------------------------------


def run_child(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=3600,
        cwd=REPO,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} crawl failed: {proc.stderr.strip()[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["pages_per_s"] = result["pages"] / result["seconds"]
    result["cpu_s_per_1000"] = 1000 * result["cpu_s"] / result["pages"]
    return result


def crawled_urls(out: Path, limit: int) -> list[str]:
    import sqlite3

    db = sqlite3.connect(out / "crawl-state.sqlite")
    try:
        rows = db.execute("SELECT url FROM pages WHERE status = 200 ORDER BY url").fetchall()
    finally:
        db.close()
    return [u for (u,) in rows][:limit]


def measure(args: argparse.Namespace, world: Path, tmp: Path) -> dict[str, Any]:
    served, seeds = open_world(world, tmp / "open-world")
    state = json.loads(darkrange("range", "up", "--world", str(served), "--json"))
    socks = state["socks"]
    shim = subprocess.Popen(
        [sys.executable, __file__, "--shim", socks],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert shim.stdout is not None and shim.stdin is not None
        http_proxy = f"http://127.0.0.1:{shim.stdout.readline().strip()}"
        spec = {"seeds": seeds, "pages_per_site": args.pages_per_site,
                "concurrency": args.concurrency, "per_site": args.per_site}  # fmt: skip
        runs: dict[str, list[dict[str, Any]]] = {"darkrange": [], "scrapy": []}
        for n in range(args.rounds):
            order = ["darkrange", "scrapy"] if n % 2 == 0 else ["scrapy", "darkrange"]
            for kind in order:
                print(f"round {n + 1}: {kind} ...", flush=True)
                out = tmp / f"{kind}-{n}"
                extra = {"out": str(out), "proxy": f"socks5h://{socks}", "http_proxy": http_proxy}
                shim_cpu = _proc_cpu_s(shim.pid)
                run = run_child(kind, {**spec, **extra})
                run["shim_cpu_s"] = _proc_cpu_s(shim.pid) - shim_cpu
                runs[kind].append(run)
        urls = crawled_urls(tmp / "darkrange-0", 600)
        via_socks = asyncio.run(fetch_all(urls, f"socks5://{socks}", args.concurrency))
        via_shim = asyncio.run(fetch_all(urls, http_proxy, args.concurrency))
        shim.stdin.close()
        shim_peak = json.loads(shim.stdout.read().strip().splitlines()[-1])["peak_mib"]
    finally:
        if shim.poll() is None:
            shim.kill()
        darkrange("range", "down", "--world", str(served))
    return {"runs": runs, "seeds": len(seeds), "shim": {"urls": len(urls),
            "rps_socks": via_socks, "rps_shim": via_shim, "peak_mib": shim_peak}}  # fmt: skip


def _best(runs: list[dict[str, Any]], key: str) -> float:
    """The best round: the fastest, or the least CPU or memory."""
    return (
        max(float(r[key]) for r in runs)
        if key == "pages_per_s"
        else min(float(r[key]) for r in runs)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", type=Path)
    parser.add_argument("--size", default="small")
    parser.add_argument("--pages-per-site", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--per-site", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--shim", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.shim:
        run_shim(args.shim)
        return 0
    if args.child:
        run = child_darkrange if args.child[0] == "darkrange" else child_scrapy
        print(json.dumps(run(json.loads(args.child[1]))))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as name:
        tmp = Path(name)
        world = args.world
        if world is None:
            world = tmp / "generated"
            darkrange("world", "generate", "--out", str(world), "--size", args.size, "--seed", "7")
        result = measure(args, world, tmp)
    runs = result["runs"]
    dr, sc = runs["darkrange"], runs["scrapy"]
    ratio = _best(dr, "pages_per_s") / _best(sc, "pages_per_s")
    shim = result["shim"]
    data = {"size": args.size, "pages_per_site": args.pages_per_site,
            "concurrency": args.concurrency, "per_site": args.per_site, **result,
            "ratio_pages_per_s": ratio, "goal": GOAL, "met": ratio >= GOAL}  # fmt: skip
    table = [["measure", "darkrange (WARC + SHA-256 + state)", "Scrapy 2 (no WARC, via shim)",
              "ratio"]]  # fmt: skip
    table.append(["pages per second (best of rounds)", f"{_best(dr, 'pages_per_s'):.0f}",
                  f"{_best(sc, 'pages_per_s'):.0f}", f"{ratio:.2f}x"])  # fmt: skip
    table.append(["pages crawled", str(dr[0]["pages"]), str(sc[0]["pages"]), ""])
    dr_cpu, sc_cpu = _best(dr, "cpu_s_per_1000"), _best(sc, "cpu_s_per_1000")
    shim_cpu = min(1000 * r["shim_cpu_s"] / r["pages"] for r in sc)
    table.append(["CPU seconds per 1,000 pages (lower is better)", f"{dr_cpu:.1f}",
                  f"{sc_cpu:.1f} (+ shim {shim_cpu:.1f})", f"{dr_cpu / sc_cpu:.2f}x"])  # fmt: skip
    table.append(["peak memory, MiB", f"{_best(dr, 'peak_mib'):.0f}",
                  f"{_best(sc, 'peak_mib'):.0f} (+ shim {shim['peak_mib']:.0f})",
                  f"{_best(dr, 'peak_mib') / _best(sc, 'peak_mib'):.2f}x"])  # fmt: skip
    shim_ratio = shim["rps_shim"] / shim["rps_socks"]
    table.append(["shim alone: httpx req/s via SOCKS / via shim", f"{shim['rps_socks']:.0f}",
                  f"{shim['rps_shim']:.0f}", f"{shim_ratio:.2f}x"])  # fmt: skip
    save("crawl", data, table)
    print(f"goal >= {GOAL}x Scrapy: {'met' if ratio >= GOAL else 'NOT met'} ({ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
