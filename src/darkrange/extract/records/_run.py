"""A crawl folder to records: read every WARC file, parse each HTML page, fold duplicates and
mirrors, write Parquet. A page a parser cannot read is counted and named, never fatal."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from darkrange.extract.records._dispatch import parse_page
from darkrange.extract.records._merge import Merged, merge
from darkrange.extract.records._model import PageRecords
from darkrange.extract.records._parquet import TABLES, write_tables
from darkrange.extract.records._warc import WarcProblems, find_warcs, read_pages

__all__ = ["ParseSummary", "parse_folder", "write_records"]

Progress = Callable[[int, int], None]  # bytes done, bytes in all
MAX_PROBLEMS = 20  # lines of detail kept; the counts are always complete
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class ParseSummary:
    """What a run read and found."""

    files: int = 0
    pages: int = 0
    failed: int = 0
    families: Counter[str] = field(default_factory=Counter)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    written: dict[str, Path] = field(default_factory=dict)


@dataclass
class _Seen:
    """Per onion: pages, families and site names seen (for the sites table)."""

    pages: Counter[str] = field(default_factory=Counter)
    families: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    names: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


def parse_folder(folder: Path, progress: Progress | None = None) -> tuple[Merged, ParseSummary,
                                                                          pa.Table]:  # fmt: skip
    """Every page of every WARC file under `folder`, parsed and deduplicated."""
    files = find_warcs(folder)
    total = sum(f.stat().st_size for f in files)
    summary, problems, seen = ParseSummary(files=len(files)), WarcProblems(), _Seen()
    parsed: list[tuple[datetime, int, PageRecords]] = []
    done = 0
    for path in files:
        name = path.relative_to(folder).as_posix()
        for captured in read_pages(path, name, problems):
            summary.pages += 1
            try:
                records = parse_page(captured.html, captured.url, captured.pointer)
            except Exception as exc:  # a parser bug on one page must not lose the crawl
                summary.failed += 1
                problems.add(f"{name} {captured.pointer.record_id}: not parsed ({exc!r:.160})")
                continue
            summary.families[records.family] += 1
            _note(seen, captured.url, records)
            parsed.append((captured.pointer.captured, len(parsed), records))
        done += path.stat().st_size
        if progress is not None:
            progress(done, total)
    parsed.sort(key=lambda item: (item[0], item[1]))
    merged = merge(records for _, _, records in parsed)
    summary.problems = problems.lines[:MAX_PROBLEMS]
    if len(problems.lines) > MAX_PROBLEMS:
        summary.problems.append(f"... and {len(problems.lines) - MAX_PROBLEMS} more")
    for name in TABLES:
        summary.counts[name] = len(getattr(merged.records, name))
    return merged, summary, _sites(merged, seen)


def _note(seen: _Seen, url: str, records: PageRecords) -> None:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    seen.pages[host] += 1
    seen.families[host][records.family] += 1
    for group in (
        records.listings,
        records.vendors,
        records.threads,
        records.pastes,
        records.links,
    ):
        for record in group[:1]:
            if record.site_name:
                seen.names[host][record.site_name] += 1


def _sites(merged: Merged, seen: _Seen) -> pa.Table:
    """One row per site: its onions (mirrors folded in), family, name and pages parsed."""
    groups: dict[str, list[str]] = {host: [host] for host in seen.pages}
    for canonical, onions in merged.sites.items():
        for onion in onions:
            groups.pop(onion, None)
        groups[canonical] = onions
    rows: dict[str, list[object]] = defaultdict(list)
    for site in sorted(groups):
        families: Counter[str] = Counter()
        names: Counter[str] = Counter()
        for onion in groups[site]:
            families.update(seen.families.get(onion, Counter()))
            names.update(seen.names.get(onion, Counter()))
        rows["site"].append(site)
        rows["site_name"].append(min(names, key=lambda n: (-names[n], n)) if names else None)
        rows["family"].append(min(families, key=lambda f: (-families[f], f)) if families else None)
        rows["onions"].append(groups[site])
        rows["pages"].append(sum(seen.pages.get(onion, 0) for onion in groups[site]))
    schema = pa.schema([("site", pa.string()), ("site_name", pa.string()),
                        ("family", pa.string()), ("onions", pa.list_(pa.string())),
                        ("pages", pa.int64())])  # fmt: skip
    return pa.table({name: rows[name] for name in schema.names}, schema=schema)


def write_records(folder: Path, out: Path, progress: Progress | None = None) -> ParseSummary:
    """Parse `folder`'s WARC files and write the records as Parquet files into `out`."""
    merged, summary, sites = parse_folder(folder, progress)
    tables = {name: (kind, getattr(merged.records, name)) for name, kind in TABLES.items()}
    summary.written = write_tables(out, tables, {"sites": sites})
    return summary
