"""A world's content/ as the page records a complete crawl would give (bench and tests only).

Crawling a large world takes hours, so the linking and search benchmarks read records made
straight from `content/`: every account, listing, review, thread, post and paste the range
would show, captured once at the last week it is online (the parser keeps the latest capture
of a record). This is an UPPER BOUND of what a crawl yields: a real crawl misses pages (bans,
CAPTCHAs, downtime) and sees only what was online while it ran. Buyer handles are masked as the
sites print them; phishing clones are left out (they repeat their original's records).

Schema (what darkrange.analyze reads; the parser's `darkrange parse` writes the same columns):
one Parquet file per record kind (listings, vendors, reviews, threads, posts, pastes), columns
named as the fields of darkrange.extract.records' dataclasses, `pointers` a list of structs
(captured, file, offset, record_id, target_uri), `contacts` a list of structs (kind, value).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

WEEK = 7 * 86400
_POINTER = pa.struct(
    [
        ("captured", pa.timestamp("us", tz="UTC")),
        ("file", pa.string()),
        ("offset", pa.int64()),
        ("record_id", pa.string()),
        ("target_uri", pa.string()),
    ]
)
_CONTACT = pa.struct([("kind", pa.string()), ("value", pa.string())])


def mask(handle: str) -> str:
    """How markets print a buyer ("b***r")."""
    return handle[:1] + "***" if len(handle) < 3 else f"{handle[0]}***{handle[-1]}"


def _rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist() if path.exists() else []


class _Capture:
    """Deterministic WARC pointers: one file per site, offsets counting up."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.offsets: dict[str, int] = {}

    def at(self, site_id: str, week: int, url: str, salt: int = 0) -> list[dict[str, Any]]:
        offset = self.offsets.get(site_id, 0)
        self.offsets[site_id] = offset + 4096
        when = self.start + week * WEEK + 3600 + (salt % 86400)
        return [
            {
                "captured": datetime.fromtimestamp(when, UTC),
                "file": f"{site_id}.warc.gz",
                "offset": offset,
                "record_id": f"<urn:uuid:{site_id}-{offset:012d}>",
                "target_uri": url,
            }
        ]


def _last_week(joined: int, left: int | None, site: dict[str, Any], weeks: int) -> int | None:
    """The last week a thing is on its site, or None when it never is."""
    end = weeks
    if site.get("fate") not in (None, "none") and site.get("fate_week") is not None:
        end = min(end, int(site["fate_week"]))
    if left is not None:
        end = min(end, left)
    last = end - 1
    return last if last >= max(joined, int(site.get("opened_week") or 0)) else None


def convert(world: Path, out: Path, hide: float = 0.0, seed: int = 0) -> dict[str, int]:
    """Write out/{listings,vendors,reviews,threads,posts,pastes}.parquet; returns row counts.

    `hide` > 0 drops the key from that share of vendor profiles and the contacts from half as
    many (seeded): what a partial crawl gives, used to train the linker on thinner evidence.
    """
    manifest = json.loads((world / "world.json").read_text(encoding="utf-8"))
    weeks, start = int(manifest["weeks"]), int(manifest["start"])
    sites = {
        s["site_id"]: s
        for s in json.loads((world / "sites.json").read_text(encoding="utf-8"))
        if s["kind"] not in ("phishing",)
    }
    content = world / "content"
    cap = _Capture(start)
    keys = {k["fingerprint"]: k["armored"] for k in _rows(content / "pgp_keys.parquet")}
    out.mkdir(parents=True, exist_ok=True)
    counts = {
        "vendors": _vendors(content, sites, keys, weeks, cap, out, hide, seed),
        "listings": _listings(content, sites, weeks, cap, out),
    }
    counts.update(_forum_and_pastes(content, sites, weeks, cap, out))
    counts["reviews"] = _reviews(content, sites, weeks, start, cap, out)
    return counts


def _base(site: dict[str, Any], url: str) -> dict[str, Any]:
    return {
        "site": site["onion"],
        "site_name": site["name"],
        "family": site["software"],
        "url": f"http://{site['onion']}{url}",
    }


def _vendors(
    content: Path,
    sites: dict[str, Any],
    keys: dict[str, str],
    weeks: int,
    cap: _Capture,
    out: Path,
    hide: float,
    seed: int,
) -> int:
    import random

    rng = random.Random(seed)
    rows = []
    for n, acc in enumerate(_rows(content / "accounts.parquet")):
        site = sites.get(acc["site_id"])
        shown = acc["role"] in ("vendor", "admin", "member")
        if site is None or not shown or site["kind"] not in ("market", "deaddrop", "shop", "forum"):
            continue
        last = _last_week(acc["joined_week"], acc["left_week"], site, weeks)
        if last is None:
            continue
        fingerprint = None
        for since, fpr in json.loads(acc["pgp_history"] or "[]"):
            if since <= last:
                fingerprint = fpr
        contacts = json.loads(acc["contacts"] or "{}")
        if hide and rng.random() < hide:
            fingerprint = None
        if hide and rng.random() < hide / 2:
            contacts = {}
        url = f"/u/{acc['handle']}" if site["kind"] == "forum" else f"/vendor/{acc['handle']}"
        rows.append(
            {
                **_base(site, url),
                "handle": acc["handle"],
                "role": acc["role"],
                "joined": datetime.fromtimestamp(
                    cap.start + acc["joined_week"] * WEEK, UTC
                ).strftime("%Y-%m-%d"),
                "terms": acc["profile_text"] or None,
                "pgp_armored": keys.get(fingerprint) if fingerprint else None,
                "pgp_fingerprint": fingerprint,
                "contacts": [{"kind": k, "value": v} for k, v in sorted(contacts.items())],
                "pointers": cap.at(acc["site_id"], last, url, n * 37),
            }
        )
    _write(out / "vendors.parquet", rows, {"contacts": pa.list_(_CONTACT)})
    return len(rows)


def _listings(content: Path, sites: dict[str, Any], weeks: int, cap: _Capture, out: Path) -> int:
    rows = []
    for n, li in enumerate(_rows(content / "listings.parquet")):
        site = sites.get(li["site_id"])
        if site is None:
            continue
        last = _last_week(li["posted_week"], li["removed_week"], site, weeks)
        if last is None:
            continue
        url = f"/listing/{li['listing_id']}"
        rows.append(
            {
                **_base(site, url),
                "listing_id": li["listing_id"],
                "title": li["title"],
                "description": li["description"],
                "price": li["price_usd"],
                "currency": "USD",
                "quantity": li["quantity"],
                "category": li["site_category"],
                "ships_from": li["ships_from"] or None,
                "ships_to": li["ships_to"] or None,
                "city": li["city"] or None,
                "district": li["district"] or None,
                "vendor": li["vendor_handle"],
                "detail": True,
                "pointers": cap.at(li["site_id"], last, url, n * 53),
            }
        )
    _write(out / "listings.parquet", rows, {})
    return len(rows)


def _reviews(
    content: Path, sites: dict[str, Any], weeks: int, start: int, cap: _Capture, out: Path
) -> int:
    vendor_of = {
        (li["site_id"], li["listing_id"]): li["vendor_handle"]
        for li in _rows(content / "listings.parquet")
    }
    rows = []
    for n, r in enumerate(_rows(content / "reviews.parquet")):
        site = sites.get(r["site_id"])
        week = (int(r["time"]) - start) // WEEK
        if site is None or _last_week(week, None, site, weeks) is None:
            continue
        url = f"/listing/{r['listing_id']}#reviews"
        rows.append(
            {
                **_base(site, url),
                "buyer": mask(r["buyer_handle"]),
                "rating": r["rating"],
                "text": r["text"],
                "vendor": vendor_of.get((r["site_id"], r["listing_id"])),
                "listing_id": r["listing_id"],
                "time": datetime.fromtimestamp(int(r["time"]), UTC),
                "occurrence": 0,
                "pointers": cap.at(r["site_id"], week, url, n * 11),
            }
        )
    _write(out / "reviews.parquet", rows, {"time": pa.timestamp("us", tz="UTC")})
    return len(rows)


def _forum_and_pastes(
    content: Path, sites: dict[str, Any], weeks: int, cap: _Capture, out: Path
) -> dict[str, int]:
    ts = pa.timestamp("us", tz="UTC")
    threads, posts, pastes = [], [], []
    for n, t in enumerate(_rows(content / "threads.parquet")):
        site = sites[t["site_id"]]
        url = f"/t/{t['thread_id']}"
        threads.append(
            {
                **_base(site, url),
                "thread_id": t["thread_id"],
                "title": t["title"],
                "subforum": t["subforum"],
                "author": t["author_handle"],
                "created": datetime.fromtimestamp(int(t["created"]), UTC),
                "pointers": cap.at(t["site_id"], weeks - 1, url, n),
            }
        )
    for n, p in enumerate(_rows(content / "posts.parquet")):
        site = sites[p["site_id"]]
        url = f"/t/{p['thread_id']}#{p['post_id']}"
        posts.append(
            {
                **_base(site, url),
                "thread_id": p["thread_id"],
                "post_id": p["post_id"],
                "author": p["author_handle"],
                "text": p["text"],
                "time": datetime.fromtimestamp(int(p["time"]), UTC),
                "pointers": cap.at(p["site_id"], weeks - 1, url, n),
            }
        )
    for n, p in enumerate(_rows(content / "pastes.parquet")):
        site = sites[p["site_id"]]
        url = f"/p/{p['paste_id']}"
        pastes.append(
            {
                **_base(site, url),
                "paste_id": p["paste_id"],
                "title": p["title"],
                "text": p["text"],
                "time": datetime.fromtimestamp(int(p["time"]), UTC),
                "pointers": cap.at(p["site_id"], weeks - 1, url, n),
            }
        )
    _write(out / "threads.parquet", threads, {"created": ts})
    _write(out / "posts.parquet", posts, {"time": ts})
    _write(out / "pastes.parquet", pastes, {"time": ts})
    return {"threads": len(threads), "posts": len(posts), "pastes": len(pastes)}


def _write(path: Path, rows: list[dict[str, Any]], types: dict[str, pa.DataType]) -> None:
    if not rows:
        pq.write_table(pa.table({"site": pa.array([], pa.string())}), path)
        return
    names = list(rows[0])
    fields = []
    for name in names:
        if name == "pointers":
            fields.append(pa.field(name, pa.list_(_POINTER)))
        elif name in types:
            fields.append(pa.field(name, types[name]))
        else:
            kind = pa.array([r[name] for r in rows[:1000]]).type
            fields.append(pa.field(name, pa.string() if kind == pa.null() else kind))
    schema = pa.schema(fields)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def truth_accounts(world: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(site onion, handle) -> the truth row (person_id, handle_mode, ...): for scoring only."""
    import csv

    with (world / "truth" / "accounts.csv").open(encoding="utf-8", newline="") as f:
        return {(r["site"], r["handle"]): r for r in csv.DictReader(f)}
