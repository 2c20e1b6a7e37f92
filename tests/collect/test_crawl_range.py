"""The crawler against a real range (tiny world, direct SOCKS gateway): login walls, CAPTCHAs
(answered by a solver that knows the world), queues, rate limits and bans, session expiry,
mirrors and clones, the hostile site, and kill-and-resume."""

from __future__ import annotations

import csv
import json
import multiprocessing
import multiprocessing.process
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from darkrange.collect.crawl import CrawlReport, Vault, load_vault, parse_config, run_crawl
from darkrange.collect.crawl._classify import PAGE, classify
from darkrange.collect.crawl._fetch import decode_body
from darkrange.collect.crawl._page import analyse
from darkrange.collect.evidence import CaptureInfo, find_warcs, verify_warc
from darkrange.sites.defences import captcha_answer

FORK = multiprocessing.get_context("fork")
_SITE_IDS: dict[str, str] = {}
LISTING = {
    "dream": re.compile(r"/listing/([^/?]+)$"),
    "alpha": re.compile(r"/index\.php\?id=([^&]+)&page=item$"),
    "bazaar": re.compile(r"/p/([^/]+)/$"),
}


def solve(png: bytes, site: str, url: str) -> str | None:
    """The test solver: answers from the world's knowledge (what a person would read)."""
    assert png.startswith(b"\x89PNG")
    if not _SITE_IDS:
        world = Path(os.environ["DARKRANGE_CRAWL_WORLD"])
        for s in json.loads((world / "sites.json").read_text()):
            for onion in [s["onion"], *s["mirrors"]]:
                _SITE_IDS[onion] = s["site_id"]
    challenge = parse_qs(urlsplit(url).query).get("c", [""])[0]
    return captcha_answer(_SITE_IDS[site], challenge)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from darkrange.world.generate import generate

    out = tmp_path_factory.mktemp("crawl-world") / "tiny"
    generate(11, "tiny", out)
    sites = json.loads((out / "sites.json").read_text())
    for site in sites:
        guard = site.setdefault("anti_crawl", {})
        # no downtime windows (two minutes each) and no suspension inside a short test
        guard.update(uptime=1.0, suspend_after_pages_per_min=0, rate_limit_per_min=3000)
        if site["site_id"] == "market-3":
            guard["session_ttl_s"] = 1  # expires mid-crawl: the crawler must log in again
        if site["site_id"] == "shop-1":
            guard.update(rate_limit_per_min=3, ban_s=2)  # a ban, then backing off
    (out / "sites.json").write_text(json.dumps(sites))
    os.environ["DARKRANGE_CRAWL_WORLD"] = str(out)
    return out


@dataclass(frozen=True)
class Range:
    socks: str


@pytest.fixture(scope="module")
def crawl_range(world: Path) -> Iterator[Range]:
    # the network package's public API, in process (the CLI path is tests/network's): the range
    # still runs in its own process group
    from darkrange.network import range_down, range_up

    try:
        yield Range(range_up(world, "direct", timeout=180).socks)
    finally:
        range_down(world)


def sites(world: Path) -> dict[str, dict[str, object]]:
    return {s["site_id"]: s for s in json.loads((world / "sites.json").read_text())}


def truth_listings(world: Path, onion: str, week: int = 0) -> set[str]:
    found = set()
    with (world / "truth" / "listings.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            removed = int(row["removed_week"]) if row["removed_week"] else None
            online = int(row["posted_week"]) <= week and (removed is None or week < removed)
            if row["site"] == onion and online:
                found.add(row["listing_id"])
    return found


CONFIG = {
    "politeness": {"delay_s": 0.05, "per_site_concurrency": 2, "retries": 2},
    "captcha": {"solver": "tests.collect.test_crawl_range:solve", "wait_s": 5},
    "traps": {"max_per_template": 8},
    "recipes": {"any": {"register_url": "auto"}},
}


def vault(tmp: Path, user: str) -> Vault:
    path = tmp / "vault.yaml"
    path.write_text(yaml.safe_dump({"default": {"username": user, "password": "s3cret-pass"}}))
    path.chmod(0o600)
    return load_vault(path)


def crawl(
    tmp: Path, socks: str, seeds: list[str], user: str, **changes: dict[str, object]
) -> CrawlReport:
    raw = json.loads(json.dumps(CONFIG))
    for section, values in changes.items():
        raw.setdefault(section, {}).update(values)
    capture = CaptureInfo(collector="test", case="T-1", legal_basis="test range")
    return run_crawl(
        tmp / "out", seeds, f"socks5h://{socks}", parse_config(raw), vault(tmp, user), capture
    )


def page_rows(out: Path) -> list[tuple[str, int, str]]:
    import sqlite3

    db = sqlite3.connect(out / "crawl-state.sqlite")
    try:
        return [(u, s, h) for u, s, h in db.execute("SELECT url, status, host FROM pages")]
    finally:
        db.close()


def warc_pages(out: Path) -> Counter[str]:
    """How often each crawled URL was captured as a page (a GET answered by the page itself,
    not by a front such as a queue, a CAPTCHA gate or a login redirect)."""
    crawled = {u for u, _, _ in page_rows(out)}
    seen: Counter[str] = Counter()
    for path in find_warcs(out):
        assert verify_warc(path).ok, verify_warc(path).problems[:3]
        with path.open("rb") as fh:
            method = ""
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "request":
                    method = rec.http_headers.protocol.split(" ")[0]
                if rec.rec_type != "response" or method != "GET":
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI")
                if url not in crawled:
                    continue  # login and registration forms, CAPTCHA images
                headers = {k.lower(): v for k, v in rec.http_headers.headers}
                raw = rec.raw_stream.read()
                body, _ = decode_body(headers.get("content-encoding", ""), raw, 16 << 20)
                view = analyse(body, headers.get("content-type", ""), url, 4 << 20, 2000, ())
                status = int(rec.http_headers.get_statuscode())
                if status == 200 and classify(url, status, headers, view, None).kind == PAGE:
                    seen[url] += 1
    return seen


def warc_statuses(out: Path) -> list[int]:
    found = []
    for path in find_warcs(out):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    found.append(int(rec.http_headers.get_statuscode()))
    return found


def test_markets_behind_login_captcha_queue_with_mirror_and_clone(
    world: Path, crawl_range: Range, tmp_path: Path
) -> None:
    s = sites(world)
    m1, m2, m3, clone = s["market-1"], s["market-2"], s["market-3"], s["phishing-1"]
    mirror = m1["mirrors"][0]  # type: ignore[index]
    seeds = [f"http://{m['onion']}/" for m in (m1, m2, m3)]
    seeds += [f"http://{mirror}/", f"http://{clone['onion']}/"]
    report = crawl(tmp_path, crawl_range.socks, seeds, "crawlbot01")
    rows = page_rows(tmp_path / "out")
    for market in (m1, m2, m3):
        pattern = LISTING[str(market["software"])]
        got = {
            m.group(1)
            for url, status, host in rows
            if host == market["onion"] and status == 200 and (m := pattern.search(url))
        }
        assert got == truth_listings(world, str(market["onion"])), market["site_id"]
    by_onion = {site["onion"]: site for site in report.sites}
    # the mirror is the same site: its two identity pages, nothing crawled twice
    assert by_onion[mirror]["relation"] == "mirror"
    assert by_onion[mirror]["site"] == m1["onion"]
    assert by_onion[mirror]["pages"] <= 2
    # the clone looks the same but is flagged, with reasons
    assert [c["onion"] for c in report.clones] == [clone["onion"]]
    assert report.clones[0]["imitates"] == m1["onion"]
    assert "not in the site's own mirror list" in report.clones[0]["reasons"]
    assert any("Bitcoin" in r for r in report.clones[0]["reasons"])
    # market-3 sessions last 1 s: the crawler noticed and logged in again
    assert by_onion[m3["onion"]]["logins"] >= 2
    assert all(site["captchas"] >= 1 for site in report.sites)
    # traps: the endless calendar stopped at the template cap
    calendar = [u for u, _, h in rows if h == m1["onion"] and "/calendar/" in u]
    assert 0 < len(calendar) <= 2 * 8
    counts = warc_pages(tmp_path / "out")
    assert max(counts.values()) == 1
    assert set(counts) == {u for u, status, _ in rows if status == 200}
    report_file = json.loads((tmp_path / "out" / "crawl-report.json").read_text())
    assert report_file["pages"] == len(rows)
    # the vault's password never lands in the evidence
    for path in find_warcs(tmp_path / "out"):
        import gzip

        assert b"s3cret-pass" not in gzip.decompress(path.read_bytes())


def test_rate_limit_ban_is_waited_out(world: Path, crawl_range: Range, tmp_path: Path) -> None:
    shop = sites(world)["shop-1"]
    report = crawl(
        tmp_path,
        crawl_range.socks,
        [f"http://{shop['onion']}/"],
        "crawlbot02",
        politeness={"delay_s": 0.0, "per_site_concurrency": 1, "backoff_base_s": 1.0},
    )
    site = report.sites[0]
    assert site["events"].get("rate-limited", 0) + site["events"].get("banned", 0) >= 1
    assert report.queued == 0 and report.failed == 0 and not site["stopped"]
    assert {urlsplit(u).path for u, s, _ in page_rows(tmp_path / "out") if s == 200} == {
        "/",
        "/reviews",
        "/pgp",
        "/about",
    }
    refused = sum(1 for status in warc_statuses(tmp_path / "out") if status in (403, 429))
    assert 1 <= refused <= 8, "backs off instead of hammering a site that said no"


def test_hostile_site_cannot_hang_or_exhaust_the_crawler(
    world: Path, crawl_range: Range, tmp_path: Path
) -> None:
    hostile = sites(world)["hostile-1"]
    config = {
        "politeness": {"delay_s": 0.0, "per_site_concurrency": 8, "retries": 0},
        "limits": {
            "max_body_bytes": 2 << 20,
            "max_decoded_bytes": 4 << 20,
            "read_timeout_s": 2,
            "page_timeout_s": 4,
            "max_redirects": 5,
        },
        "traps": {"max_per_template": 30, "near_duplicate_max": 10},
    }
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    command = [*_cli(), "crawl", "--proxy", f"socks5h://{crawl_range.socks}", "--quiet"]
    command += ["--seed", f"http://{hostile['onion']}/", "--out", str(tmp_path / "out")]
    command += ["--config", str(tmp_path / "c.yaml")]
    done = subprocess.run(
        command,
        capture_output=True,
        timeout=240,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # a 2 GiB bomb and a 50 MiB page stay within 1 GiB (the CLI alone loads every component)
    assert max(peak_kib, before) < 1024 * 1024
    import sqlite3

    db = sqlite3.connect(tmp_path / "out" / "crawl-state.sqlite")
    truncated = dict(db.execute("SELECT url, truncated FROM pages WHERE truncated != ''"))
    pages = {u.split(".onion", 1)[1] for (u,) in db.execute("SELECT url FROM pages")}
    failed = {
        u.split(".onion", 1)[1]
        for (u,) in db.execute("SELECT url FROM frontier WHERE status = 'failed'")
    }
    db.close()
    by_path = {u.split(".onion", 1)[1]: t for u, t in truncated.items()}
    assert by_path["/huge"] == "length"
    assert by_path["/bomb"] == "decoded"
    assert by_path["/drip"] == "time"
    assert "/stall" in failed
    assert {"/malformed", "/deep", "/junk"} <= pages
    assert sum(p.startswith("/redirect/chain/") for p in pages) <= 6
    assert sum(p.startswith("/maze/") for p in pages) <= 31
    assert sum(p.startswith("/calendar/") for p in pages) <= 60


def _warc_bytes(out: Path) -> int:
    folder = out / "warc"
    return sum(p.stat().st_size for p in folder.glob("*.warc.gz")) if folder.is_dir() else 0


def _cli() -> list[str]:
    return [sys.executable, "-c", "import sys; from darkrange.cli import main; sys.exit(main())"]


KILL_CONFIG = {
    **CONFIG,
    "scope": {"deny": ["/calendar/", r"(?i)logout"]},
    "politeness": {"delay_s": 0.25, "per_site_concurrency": 3, "retries": 2},
}


def _crawl_market(out: Path, socks: str, seed: str, user: str) -> None:
    """One crawl of `seed` into `out` (run in a forked child: it starts in milliseconds)."""
    capture = CaptureInfo(collector="test", case="T-1", legal_basis="test range")
    run_crawl(
        out, [seed], f"socks5h://{socks}", parse_config(KILL_CONFIG), vault(out, user), capture
    )


def _forked(out: Path, socks: str, seed: str, user: str) -> multiprocessing.process.BaseProcess:
    out.mkdir(parents=True, exist_ok=True)
    child = FORK.Process(target=_crawl_market, args=(out, socks, seed, user), daemon=True)
    child.start()
    return child


def test_sigkill_ten_times_then_resume_equals_uninterrupted(
    world: Path, crawl_range: Range, tmp_path: Path
) -> None:
    seed = f"http://{sites(world)['market-2']['onion']}/"
    # the uninterrupted crawl runs beside the killed one, under another account
    whole = _forked(tmp_path / "whole", crawl_range.socks, seed, "wholebot")
    out = tmp_path / "killed"
    rng = random.Random(4)
    killed = 0
    for _ in range(10):
        before = _warc_bytes(out)
        child = _forked(out, crawl_range.socks, seed, "killbot")
        # kill once this run is writing evidence, at a random moment soon after
        deadline = time.monotonic() + 60
        while _warc_bytes(out) <= before and child.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        child.kill()  # SIGKILL
        child.join()
        killed += child.exitcode == -signal.SIGKILL
    _crawl_market(out, crawl_range.socks, seed, "killbot")
    whole.join(timeout=300)
    assert whole.exitcode == 0
    assert killed == 10, "every run was killed before it could finish"
    assert len(find_warcs(out)) >= 5, "the kills fell while the crawler was writing"
    expected = warc_pages(tmp_path / "whole")
    assert len(expected) >= 20 and any("page=item" in u for u in expected)
    got = warc_pages(out)
    assert set(got) == set(expected)
    assert max(got.values()) == 1, [u for u, n in got.items() if n > 1]
    assert {u for u, _, _ in page_rows(out)} == {u for u, _, _ in page_rows(tmp_path / "whole")}


@pytest.mark.skipif(not Path("/usr/bin/chromium").is_file(), reason="needs Debian's chromium")
def test_screenshots_behind_login_are_png_resources_that_verify_and_are_packaged(
    world: Path, crawl_range: Range, tmp_path: Path
) -> None:
    import io
    import zipfile

    from PIL import Image

    from darkrange.collect.evidence import (
        build_package,
        generate_key,
        load_private_key,
        verify_package,
    )

    market = sites(world)["market-1"]
    shots = {"enabled": True, "timeout_s": 60.0}
    crawl(tmp_path, crawl_range.socks, [f"http://{market['onion']}/"], "crawlbot03",
          screenshots=shots, scope={"max_pages_per_site": 8})  # fmt: skip
    out = tmp_path / "out"
    pngs: dict[str, bytes] = {}
    meta: dict[str, dict[str, str]] = {}
    responses: set[str] = set()
    for path in find_warcs(out):
        assert verify_warc(path).ok, verify_warc(path).problems[:3]
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                rid = rec.rec_headers.get_header("WARC-Record-ID")
                if rec.rec_type == "response":
                    responses.add(rid)
                elif rec.rec_type == "resource":
                    assert rec.rec_headers.get_header("Content-Type") == "image/png"
                    assert rec.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")
                    page = rec.rec_headers.get_header("WARC-Concurrent-To")
                    assert page in responses  # the page's own response, earlier in the file
                    pngs[rid] = rec.content_stream().read()
                elif rec.rec_type == "metadata":
                    text = rec.content_stream().read().decode()
                    fields = dict(line.split(": ", 1) for line in text.splitlines())
                    meta[rec.rec_headers.get_header("WARC-Concurrent-To")] = fields
    import sqlite3

    db = sqlite3.connect(out / "crawl-state.sqlite")
    states = db.execute("SELECT status, COUNT(*) FROM shots GROUP BY status").fetchall()
    db.close()
    assert states == [("done", len(pngs))] and len(pngs) >= 3
    for rid, png in pngs.items():
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size[0] == 1280 and image.size[1] >= 200
        assert len(image.convert("L").getcolors(1 << 16) or []) > 8  # drawn, not a blank frame
        fields = meta[rid]
        assert fields["javascript"] == "disabled"
        # the identity's cookies got Chromium past the login wall: no redirect to /login
        assert fields["final-url"] == fields["page-url"], fields
    key, _ = generate_key(tmp_path / "agency.key")
    package = tmp_path / "shots.wacz"
    build_package(out, package, load_private_key(key))
    report = verify_package(package)
    assert report.ok, report.problems[:3]
    with zipfile.ZipFile(package) as wacz:
        index = wacz.read("indexes/index.cdx").decode()
    shot_lines = [line for line in index.splitlines() if '"url":"urn:view:http' in line]
    assert len(shot_lines) == len(pngs)
    assert all('"mime":"image/png"' in line for line in shot_lines)
