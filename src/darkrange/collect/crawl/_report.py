"""Running a crawl from start to summary, and the report it leaves in DIR/crawl-report.json.

The report lists, per host: pages, bytes, errors, bans, logins, CAPTCHAs, what is still queued,
why a site was stopped, and its relation (site, mirror of, clone of, with reasons such as
other Bitcoin addresses or PGP keys than the site it imitates).
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from darkrange.collect.crawl._captcha import Solver
from darkrange.collect.crawl._config import CrawlConfig
from darkrange.collect.crawl._engine import Crawler, Progress
from darkrange.collect.crawl._fetch import decode_body
from darkrange.collect.crawl._vault import Vault
from darkrange.collect.evidence import CaptureInfo
from darkrange.collect.evidence._writer import WARC_DIR
from darkrange.errors import NetworkError

REPORT = "crawl-report.json"
_COMPARE_PAGES = 300


@dataclass
class CrawlReport:
    folder: str
    started: str
    finished: str
    pages: int
    bytes: int
    errors: int
    recovered: int
    queued: int
    failed: int
    sites: list[dict[str, Any]] = field(default_factory=list)
    clones: list[dict[str, Any]] = field(default_factory=list)
    discovered_onions: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _page_texts(folder: Path, rows: list[tuple[str, int]]) -> list[str]:
    texts = []
    for file, offset in rows[:_COMPARE_PAGES]:
        with (folder / WARC_DIR / file).open("rb") as handle:
            handle.seek(offset)
            for record in ArchiveIterator(handle):
                headers = record.http_headers
                coding = headers.get_header("content-encoding") or "" if headers else ""
                raw = record.raw_stream.read(8 << 20)
                body, _ = decode_body(coding, raw, 8 << 20)
                texts.append(body.decode("utf-8", "replace"))
                break
    return texts


def _selectors(crawler: Crawler, host: str) -> dict[str, set[str]]:
    from darkrange.extract import find_selectors

    rows = crawler.state.db.execute(
        "SELECT warc_file, warc_offset FROM pages WHERE host = ? AND status = 200 ORDER BY url",
        (host,),
    ).fetchall()
    found: dict[str, set[str]] = {"btc": set(), "pgp_key": set()}
    for text in _page_texts(crawler.folder, [(str(f), int(o)) for f, o in rows]):
        for sel in find_selectors(text):
            if sel.valid and sel.kind in found:
                found[sel.kind].add(sel.normalized)
    return found


def _clone_evidence(crawler: Crawler, clone: str, site: str) -> list[str]:
    mine, theirs = _selectors(crawler, clone), _selectors(crawler, site)
    out = []
    if mine["btc"] - theirs["btc"]:
        out.append(f"{len(mine['btc'] - theirs['btc'])} Bitcoin address(es) the site never shows")
    if mine["pgp_key"] != theirs["pgp_key"] and mine["pgp_key"]:
        out.append("PGP keys differ from the site's")
    return out


def build_report(crawler: Crawler, started: datetime) -> CrawlReport:
    state = crawler.state
    counts = dict(
        state.db.execute("SELECT status, COUNT(*) FROM frontier GROUP BY status").fetchall()
    )
    events = state.event_counts()
    hosts = state.hosts()
    report = CrawlReport(
        folder=str(crawler.folder),
        started=started.isoformat(),
        finished=datetime.now(UTC).isoformat(),
        pages=state.page_count(),
        bytes=crawler.commit.bytes,
        errors=sum(e.get("error", 0) for e in events.values()),
        recovered=crawler.recovered,
        queued=int(counts.get("queued", 0)),
        failed=int(counts.get("failed", 0)),
        discovered_onions=sorted(crawler.commit.discovered),
    )
    for host, run in crawler.hosts.items():
        info = hosts.get(host, {})
        queued = state.db.execute(
            "SELECT COUNT(*) FROM frontier WHERE host = ? AND status = 'queued'", (host,)
        ).fetchone()[0]
        site = {
            "onion": host,
            "relation": info.get("relation", "site"),
            "site": info.get("site", host),
            "mirror_list": info.get("mirror_list", []),
            "pages": state.page_count(host),
            "queued": int(queued),
            "events": events.get(host, {}),
            "logins": run.session.logins,
            "captchas": run.session.captchas,
            "stopped": run.stopped,
        }
        report.sites.append(site)
        if info.get("relation") == "clone":
            reasons = list(info.get("reasons", []))
            reasons += _clone_evidence(crawler, host, str(info.get("clone_of")))
            report.clones.append(
                {"onion": host, "imitates": info.get("clone_of"), "reasons": reasons}
            )
    return report


def write_report(folder: Path, report: CrawlReport) -> Path:
    path = folder / REPORT
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report.to_json(), indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return path


def run_crawl(
    folder: Path,
    seeds: list[str],
    proxy: str,
    config: CrawlConfig,
    vault: Vault,
    capture: CaptureInfo,
    solver: Solver | None = None,
    progress: Progress | None = None,
) -> CrawlReport:
    """Crawl (or resume crawling) into `folder`; returns the report it also writes there."""
    started = datetime.now(UTC)
    crawler = Crawler(folder, seeds, proxy, config, vault, capture, solver, progress)
    try:
        asyncio.run(crawler.crawl())
        report = build_report(crawler, started)
        write_report(folder, report)
    finally:
        crawler.state.close()
    if report.pages == 0 and report.errors:
        raise NetworkError(f"no page could be fetched through {proxy}; see {folder / REPORT}")
    return report
