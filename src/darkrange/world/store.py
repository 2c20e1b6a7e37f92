"""Writing a world folder (docs/formats/world.md): public content, keys, chain, and truth."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

FORMAT = "darkrange-world/1"
_TOKEN = re.compile(r"\{\{addr:([^}]+)\}\}")


def write_parquet(path: Path, rows: Sequence[dict[str, Any]], schema: pa.Schema) -> None:
    """Deterministic Parquet: fixed schema, row order as given, no pandas metadata."""
    columns = {f.name: [r[f.name] for r in rows] for f in schema}
    table = pa.table(columns, schema=schema)
    pq.write_table(table, path, compression="zstd", use_dictionary=True)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])


def write_json(path: Path, data: object) -> None:
    path.write_text(
        json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def fill_addresses(text: str, requested: dict[str, str]) -> str:
    """Replace address placeholders written before the chain existed."""
    return _TOKEN.sub(lambda m: requested.get(m.group(1), m.group(0)), text)


S = pa.string()
I32 = pa.int32()
I64 = pa.int64()


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(n, t) for n, t in fields])


def write_content(state: WorldState, out: Path) -> None:
    content = out / "content"
    content.mkdir(parents=True, exist_ok=True)
    onion = {s.site_id: s.onion for s in state.sites}
    fill = state.requested
    write_parquet(
        content / "accounts.parquet",
        [
            {
                "site_id": a.site_id,
                "site": onion[a.site_id],
                "handle": a.handle,
                "role": a.role,
                "joined_week": a.joined_week,
                "left_week": a.left_week,
                "pgp_history": json.dumps(a.pgp_history),
                "contacts": json.dumps(a.contacts, sort_keys=True),
                "profile_text": a.profile_text,
            }
            for a in state.accounts
        ],
        _schema(
            ("site_id", S),
            ("site", S),
            ("handle", S),
            ("role", S),
            ("joined_week", I32),
            ("left_week", I32),
            ("pgp_history", S),
            ("contacts", S),
            ("profile_text", S),
        ),
    )
    write_parquet(
        content / "listings.parquet",
        [
            {
                k: getattr(li, k)
                for k in (
                    "site_id",
                    "listing_id",
                    "vendor_handle",
                    "title",
                    "description",
                    "site_category",
                    "language",
                    "price_usd",
                    "quantity",
                    "ships_from",
                    "ships_to",
                    "posted_week",
                    "removed_week",
                    "city",
                    "district",
                )
            }
            for li in state.listings
        ],
        _schema(
            ("site_id", S),
            ("listing_id", S),
            ("vendor_handle", S),
            ("title", S),
            ("description", S),
            ("site_category", S),
            ("language", S),
            ("price_usd", pa.float64()),
            ("quantity", S),
            ("ships_from", S),
            ("ships_to", S),
            ("posted_week", I32),
            ("removed_week", I32),
            ("city", S),
            ("district", S),
        ),
    )
    write_parquet(
        content / "reviews.parquet",
        [
            {
                "site_id": r.site_id,
                "listing_id": r.listing_id,
                "review_id": r.review_id,
                "buyer_handle": r.buyer_handle,
                "rating": r.rating,
                "text": r.text,
                "time": r.time,
            }
            for r in sorted(state.reviews, key=lambda r: (r.site_id, r.time, r.review_id))
        ],
        _schema(
            ("site_id", S),
            ("listing_id", S),
            ("review_id", S),
            ("buyer_handle", S),
            ("rating", I32),
            ("text", S),
            ("time", I64),
        ),
    )
    write_parquet(
        content / "threads.parquet",
        [
            {
                "site_id": t.site_id,
                "thread_id": t.thread_id,
                "subforum": t.subforum,
                "title": t.title,
                "author_handle": t.author_handle,
                "created": t.created,
            }
            for t in state.threads
        ],
        _schema(
            ("site_id", S),
            ("thread_id", S),
            ("subforum", S),
            ("title", S),
            ("author_handle", S),
            ("created", I64),
        ),
    )
    write_parquet(
        content / "posts.parquet",
        [
            {
                "site_id": p.site_id,
                "thread_id": p.thread_id,
                "post_id": p.post_id,
                "author_handle": p.author_handle,
                "time": p.time,
                "text": fill_addresses(p.text, fill),
            }
            for p in state.posts
        ],
        _schema(
            ("site_id", S),
            ("thread_id", S),
            ("post_id", S),
            ("author_handle", S),
            ("time", I64),
            ("text", S),
        ),
    )
    write_parquet(
        content / "pastes.parquet",
        [
            {
                "site_id": p.site_id,
                "paste_id": p.paste_id,
                "title": p.title,
                "text": fill_addresses(p.text, fill),
                "time": p.time,
            }
            for p in state.pastes
        ],
        _schema(("site_id", S), ("paste_id", S), ("title", S), ("text", S), ("time", I64)),
    )
    write_parquet(
        content / "pgp_keys.parquet",
        [
            {
                "fingerprint": k.fingerprint,
                "key_id": k.key_id,
                "created": k.created,
                "user_ids": json.dumps(list(k.user_ids), ensure_ascii=False),
                "armored": k.armored,
            }
            for k in sorted(state.pgp_keys.values(), key=lambda k: k.fingerprint)
        ],
        _schema(
            ("fingerprint", S), ("key_id", S), ("created", I64), ("user_ids", S), ("armored", S)
        ),
    )
    write_parquet(
        content / "exchange_accounts.parquet",
        [
            {
                "site_id": e.site_id,
                "account_id": e.account_id,
                "name": e.name,
                "email": e.email,
                "country": e.country,
                "opened": e.opened,
                "deposit_addresses": json.dumps([fill.get(r, "") for r in e.deposit_requests]),
            }
            for e in state.exchange_accounts
        ],
        _schema(
            ("site_id", S),
            ("account_id", S),
            ("name", S),
            ("email", S),
            ("country", S),
            ("opened", I64),
            ("deposit_addresses", S),
        ),
    )
    write_json(content / "directory.json", state.directory)


def write_sites(state: WorldState, out: Path) -> None:
    published: dict[str, list[str]] = {}
    for r in state.address_requests:
        if r.request_id.startswith("shop-"):
            site_id = r.request_id.removeprefix("shop-")
            published.setdefault(site_id, []).append(state.requested[r.request_id])
    onion = {s.site_id: s.onion for s in state.sites}
    write_json(
        out / "sites.json",
        [
            {
                "site_id": s.site_id,
                "kind": s.kind,
                "name": s.name,
                "software": s.software,
                "language": s.language,
                "onion": s.onion,
                "mirrors": s.mirrors,
                "clone_of": onion[s.clone_of] if s.clone_of else None,
                "opened_week": s.opened_week,
                "fate": s.fate,
                "fate_week": s.fate_week,
                "anti_crawl": s.anti_crawl,
                "published_addresses": sorted(published.get(s.site_id, [])),
                "canary": state.canaries.get(s.site_id, ""),
            }
            for s in state.sites
        ],
    )
    keys = out / "keys" / "onion"
    keys.mkdir(parents=True, exist_ok=True)
    for address, key in sorted(state.onion_keys.items()):
        key.write_service_dir(keys / address.removesuffix(".onion"))


if TYPE_CHECKING:
    from darkrange.world.generate._state import WorldState
