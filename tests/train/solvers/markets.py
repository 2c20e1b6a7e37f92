"""Solvers on the markets: a weekly crawl from the link directory (capture.py), then the toolkit
as a trainee runs it: `darkrange parse` (records), `darkrange classify`, `darkrange link`,
`darkrange evidence package` / `verify`. Answers come from those outputs only."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from darkrange.cli import main

from .capture import Crawl, day_time


@dataclass
class Weekly:
    """A weekly crawl of every market the directory lists, parsed and linked."""

    folder: Path
    days: list[int]
    closed: dict[str, int] = field(default_factory=dict)  # onion -> first day seen closed
    names: dict[str, str] = field(default_factory=dict)  # onion -> name on its farewell page

    @property
    def records(self) -> Path:
        return self.folder / "records"

    @property
    def link(self) -> Path:
        return self.folder / "link"

    def closed_market(self) -> tuple[str, int]:
        """The market that closed (its main address, as parsed records name it) and the first
        day it was seen closed; its mirrors closed with it."""
        sites = self.rows("SELECT site, onions FROM {sites}")
        [(main, onions)] = [(s, o) for s, o in sites if s in self.closed]
        return str(main), min(self.closed[o] for o in onions if o in self.closed)

    def rows(self, sql: str, args: list[object] | None = None) -> list[tuple[Any, ...]]:
        con = duckdb.connect()
        try:
            sql = re.sub(r"\{(\w+)\}", lambda m: f"'{self.records / m[1]}.parquet'", sql)
            return [tuple(r) for r in con.execute(sql, args or []).fetchall()]
        finally:
            con.close()


def weekly_crawl(world: Path, directory: str, weeks: int, folder: Path) -> Weekly:
    """Crawl the directory, then each market it lists, once a week (mid-week), then parse and
    link. A market answering its front page with 503 is recorded as closed that week."""
    days = [7 * w + 3 for w in range(weeks)]
    crawl = Crawl(folder / "crawl", "weekly")
    found = Weekly(folder, days)
    try:
        crawl.site(world, directory, days[0])
        _parse(folder)
        listed = [
            str(o)
            for (o,) in found.rows(
                "SELECT DISTINCT onion FROM {links} WHERE regexp_matches(section, '^Markets')"
                " ORDER BY 1"
            )
        ]
        for day in days:
            for onion in listed:
                if onion in found.closed:
                    continue
                if crawl.site(world, onion, day) == 503:
                    found.closed[onion] = day
    finally:
        crawl.close()
    _parse(folder)
    for onion in found.closed:
        found.names[onion] = farewell_name(folder / "crawl", onion)
    assert main(["link", "--records", str(found.records), "--out", str(found.link)]) == 0
    return found


def _parse(folder: Path) -> None:
    out = folder / "records"
    assert main(["parse", "--warc", str(folder / "crawl"), "--out", str(out)]) == 0


def farewell_name(crawl: Path, onion: str) -> str:
    """The market's name on its 503 farewell page (parse skips non-2xx pages: read the WARC)."""
    from warcio.archiveiterator import ArchiveIterator

    for path in sorted((crawl / "warc").glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if (
                    record.rec_type == "response"
                    and onion in uri
                    and record.http_headers.get_statuscode() == "503"
                ):
                    text = record.content_stream().read().decode("utf-8", "replace")
                    [name] = re.findall(r"<h1>([^<]+)</h1>", text)
                    return str(name)
    raise AssertionError(f"no farewell page of {onion}")


# -- market reconnaissance ----------------------------------------------------------------------


def market_recon(crawl: Weekly, market: str, cloned_name: str) -> dict[str, str]:
    """Mirrors from the market's signed mirrors page; the clone is an address that claims the
    name (in the directory or on its pages) but is on no signed list of that name."""
    [(onions,)] = crawl.rows("SELECT onions FROM {sites} WHERE site = ?", [market])
    signed = crawl.rows("SELECT onions FROM {sites} WHERE site_name = ?", [cloned_name])
    signed_lists = [set(o) for (o,) in signed if len(o) > 1]  # a signed list names mirrors
    claims = crawl.rows(
        "SELECT onion FROM {links} WHERE name LIKE ? || '%' UNION"
        " SELECT site FROM {sites} WHERE site_name = ?",
        [cloned_name, cloned_name],
    )
    clones = {str(o) for (o,) in claims if not any(o in s for s in signed_lists)}
    scam, day = crawl.closed_market()
    return {
        "mirrors": ",".join(o for o in onions if o != market),
        "clone": ",".join(sorted(clones)),
        "exit-scam": crawl.names[scam],
        "exit-week": str(day // 7),
    }


def clone_onions(crawl: Weekly) -> set[str]:
    """Sites whose name another site also uses but which are on no signed mirror list."""
    rows = crawl.rows("SELECT site, site_name, onions FROM {sites}")
    signed = {o for _, _, onions in rows if len(onions) > 1 for o in onions}
    names = [n for _, n, _ in rows]
    return {s for s, n, _ in rows if names.count(n) > 1 and s not in signed}


# -- suspicious listings and vendor profiling ---------------------------------------------------


def last_week_listings(crawl: Weekly, market: str) -> list[dict[str, Any]]:
    """Listings of `market` seen in the last weekly crawl (what is on sale at the end)."""
    since = day_time(crawl.days[-1])
    rows = crawl.rows(
        "SELECT listing_id, vendor, title, description FROM {listings}"
        " WHERE site = ? AND captured >= ? ORDER BY listing_id",
        [market, since],
    )
    return [
        dict(zip(("listing_id", "vendor", "title", "description"), r, strict=True)) for r in rows
    ]


def suspicious_listings(crawl: Weekly, market: str, work: Path) -> dict[str, str]:
    """`darkrange classify` on the market's listings, then read by category."""
    source, out = work / "listings.csv", work / "classified.csv"
    listings = last_week_listings(crawl, market)
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(listings[0]))
        writer.writeheader()
        writer.writerows(listings)
    args = ["classify", "--input", str(source), "--text-columns", "title,description"]
    assert main([*args, "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_kind = {
        kind: sorted(r["listing_id"] for r in rows if r["category"] == kind)
        for kind in ("explosives", "weapons")
    }
    shells = {r["vendor"] for r in rows if "display shell" in r["title"].lower()}
    return {
        "explosives": ",".join(by_kind["explosives"]),
        "weapons": ",".join(by_kind["weapons"]),
        "seller": ",".join(sorted(shells)),
    }


def vendor_profile(crawl: Weekly, market: str, vendor: str) -> dict[str, str]:
    [(fingerprint,)] = crawl.rows(
        "SELECT pgp_fingerprint FROM {vendors} WHERE site = ? AND handle = ?", [market, vendor]
    )
    listings = [r["listing_id"] for r in last_week_listings(crawl, market) if r["vendor"] == vendor]
    return {"fingerprint": str(fingerprint), "listings": ",".join(listings)}


# -- linking ------------------------------------------------------------------------------------


def _identities(crawl: Weekly) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((crawl.link / "identities.json").read_text("utf-8"))
    return data


def account_linking(crawl: Weekly, vendor: str, market: str, other_market: str) -> dict[str, str]:
    """The vendor's identity from `darkrange link`; shared keys it flags as possible crews; and
    vendors of the closed market who carry on elsewhere: accounts in the same identity on
    another (genuine) market that joined after the closed market was last seen open."""
    data = _identities(crawl)
    clones = clone_onions(crawl)
    mine = next(
        i
        for i in data["identities"]
        if any(a["site"] == market and a["handle"] == vendor for a in i["accounts"])
    )
    other = sorted({a["handle"] for a in mine["accounts"] if a["site"] == other_market})
    crews = sorted({k["fingerprint"] for k in data["shared_keys"]})
    scam, closed_day = crawl.closed_market()
    last_open = day_time(max(d for d in crawl.days if d < closed_day))
    joined = {
        (str(s), str(h)): datetime.fromisoformat(str(j)).replace(tzinfo=last_open.tzinfo)
        for s, h, j in crawl.rows("SELECT site, handle, joined FROM {vendors} WHERE joined <> ''")
    }
    moved = set()
    for identity in data["identities"]:
        if not any(a["site"] == scam for a in identity["accounts"]):
            continue
        for a in identity["accounts"]:
            key = (a["site"], a["handle"])
            if a["site"] in clones | {scam} or key not in joined:
                continue
            if joined[key] >= last_open.replace(hour=0):  # joined after it was last seen open
                moved.add(a["handle"])
    return {
        "other-handle": ",".join(other),
        "crew-key": ",".join(crews),
        "migrated": ",".join(sorted(moved)),
    }


# -- evidence -----------------------------------------------------------------------------------


def capture_vendor(world: Path, market: str, vendor: str, day: int, work: Path) -> dict[str, str]:
    """Capture the market into WARC, package it with an agency key, verify the package, then
    read back which of the vendor's listing pages it holds (`darkrange parse`)."""
    crawl = Crawl(work / "crawl", "evidence")
    try:
        crawl.site(world, market, day)
    finally:
        crawl.close()
    key, package = work / "agency.key", work / "vendor.wacz"
    assert main(["evidence", "keygen", "--out", str(key)]) == 0
    args = ["--crawl", str(work / "crawl"), "--out", str(package), "--key", str(key)]
    assert main(["evidence", "package", *args]) == 0
    assert main(["evidence", "verify", str(package), "--pubkey", f"{key}.pub"]) == 0
    assert main(["parse", "--warc", str(work / "crawl"), "--out", str(work / "records")]) == 0
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT DISTINCT listing_id FROM '{work / 'records' / 'listings.parquet'}'"
            " WHERE site = ? AND vendor = ? AND detail ORDER BY 1",
            [market, vendor],
        ).fetchall()
    finally:
        con.close()
    return {"captured": ",".join(str(r[0]) for r in rows)}


def linked_elsewhere(crawl: Weekly) -> set[str]:
    """Every handle on another genuine market linked to a vendor of the closed market: the
    naive answer, which counts vendors who sold there all along."""
    scam, _ = crawl.closed_market()
    skip = clone_onions(crawl) | {scam}
    found = set()
    for identity in _identities(crawl)["identities"]:
        if any(a["site"] == scam for a in identity["accounts"]):
            found |= {a["handle"] for a in identity["accounts"] if a["site"] not in skip}
    return found
