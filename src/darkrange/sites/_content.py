"""A world's content/ Parquet loaded once into in-memory indexes, shown as the range clock says.

A listing is online from `posted_week` until `removed_week` (exclusive); an account exists from
`joined_week` until `left_week`; the world's week is the range clock's days // 7. Every site app
of a worker shares one `WorldContent` per world folder. Missing files load as empty, so a
partial world (e.g. a test's) still serves.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from darkrange.errors import FormatError

PAGE_SIZE = 20


@dataclass(frozen=True)
class Listing:
    site_id: str
    listing_id: str
    vendor: str
    title: str
    description: str
    category: str
    language: str
    price_usd: float
    quantity: str
    ships_from: str
    ships_to: str
    posted_week: int
    removed_week: int | None
    city: str
    district: str

    def online(self, week: int) -> bool:
        return self.posted_week <= week and (self.removed_week is None or week < self.removed_week)


@dataclass(frozen=True)
class Account:
    site_id: str
    handle: str
    role: str
    joined_week: int
    left_week: int | None
    pgp_history: tuple[tuple[int, str], ...]
    contacts: dict[str, str] = field(compare=False)
    profile_text: str = ""

    def active(self, week: int) -> bool:
        return self.joined_week <= week and (self.left_week is None or week < self.left_week)

    def fingerprint_at(self, week: int) -> str | None:
        """The key the account shows at `week`: the latest one from before or at that week."""
        current = None
        for since, fingerprint in self.pgp_history:
            if since <= week:
                current = fingerprint
        return current


@dataclass(frozen=True)
class Review:
    site_id: str
    listing_id: str
    review_id: str
    buyer: str
    rating: int
    text: str
    time: int


@dataclass(frozen=True)
class PgpKey:
    fingerprint: str
    key_id: str
    created: int
    user_ids: tuple[str, ...]
    armored: str


def mask_handle(handle: str) -> str:
    """How markets print a buyer: first and last character, stars between ("b***r")."""
    if len(handle) <= 2:
        return handle[:1] + "***"
    return f"{handle[0]}***{handle[-1]}"


def page_of(items: list[Any] | tuple[Any, ...], page: int) -> tuple[list[Any], int]:
    """One page of PAGE_SIZE items and the number of pages (at least 1)."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    start = (page - 1) * PAGE_SIZE
    return list(items[start : start + PAGE_SIZE]), pages


class WorldContent:
    """Every site's listings, accounts, reviews and keys, indexed for serving."""

    def __init__(self, world: Path) -> None:
        self.world = world
        manifest = _json(world / "world.json", {})
        self.start = int(manifest.get("start", 1_767_571_200))
        self.weeks = int(manifest.get("weeks", 0))
        raw_sites = _json(world / "sites.json", [])
        self.sites: dict[str, dict[str, Any]] = {s["site_id"]: s for s in raw_sites}
        self.by_onion = {
            onion: s["site_id"]
            for s in raw_sites
            for onion in (s.get("onion"), *(s.get("mirrors") or ()))
            if onion
        }
        content = world / "content"
        self.listings: dict[str, list[Listing]] = defaultdict(list)
        for row in _rows(content / "listings.parquet"):
            self.listings[row["site_id"]].append(_listing(row))
        self.accounts: dict[str, dict[str, Account]] = defaultdict(dict)
        for row in _rows(content / "accounts.parquet"):
            self.accounts[row["site_id"]][row["handle"]] = _account(row)
        self.reviews: dict[tuple[str, str], list[Review]] = defaultdict(list)
        for row in _rows(content / "reviews.parquet"):
            r = Review(
                row["site_id"],
                row["listing_id"],
                row["review_id"],
                row["buyer_handle"],
                int(row["rating"]),
                row["text"],
                int(row["time"]),
            )
            self.reviews[(r.site_id, r.listing_id)].append(r)
        for reviews in self.reviews.values():
            reviews.sort(key=lambda r: (-r.time, r.review_id))
        self.keys: dict[str, PgpKey] = {}
        for row in _rows(content / "pgp_keys.parquet"):
            self.keys[row["fingerprint"]] = PgpKey(
                row["fingerprint"],
                row["key_id"],
                int(row["created"]),
                tuple(json.loads(row["user_ids"] or "[]")),
                row["armored"],
            )
        for listings in self.listings.values():
            listings.sort(key=lambda x: (-x.posted_week, x.listing_id))

    def site(self, site_id: str) -> dict[str, Any]:
        return self.sites.get(site_id, {})

    def online(self, site_id: str, week: int) -> list[Listing]:
        """The site's listings online at `week`, newest first."""
        return [x for x in self.listings.get(site_id, ()) if x.online(week)]

    def listing(self, site_id: str, listing_id: str) -> Listing | None:
        for x in self.listings.get(site_id, ()):
            if x.listing_id == listing_id:
                return x
        return None

    def account(self, site_id: str, handle: str) -> Account | None:
        return self.accounts.get(site_id, {}).get(handle)

    def key_at(self, account: Account, week: int) -> PgpKey | None:
        fingerprint = account.fingerprint_at(week)
        return self.keys.get(fingerprint) if fingerprint else None

    def reviews_of(self, site_id: str, listing_id: str) -> list[Review]:
        return self.reviews.get((site_id, listing_id), [])


def _json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{path}: not readable JSON ({exc})") from None


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise FormatError(f"{path}: not a readable Parquet file ({exc})") from None
    return rows


def _listing(row: dict[str, Any]) -> Listing:
    return Listing(
        row["site_id"],
        str(row["listing_id"]),
        row["vendor_handle"],
        row["title"],
        row["description"] or "",
        row["site_category"] or "",
        row["language"] or "en",
        float(row["price_usd"]),
        str(row["quantity"] or ""),
        row["ships_from"] or "",
        row["ships_to"] or "",
        int(row["posted_week"]),
        None if row["removed_week"] is None else int(row["removed_week"]),
        row.get("city") or "",
        row.get("district") or "",
    )


def _account(row: dict[str, Any]) -> Account:
    history = tuple((int(w), str(fp)) for w, fp in json.loads(row["pgp_history"] or "[]"))
    return Account(
        row["site_id"],
        row["handle"],
        row["role"],
        int(row["joined_week"]),
        None if row["left_week"] is None else int(row["left_week"]),
        history,
        json.loads(row["contacts"] or "{}"),
        row["profile_text"] or "",
    )


@lru_cache(maxsize=8)
def _load(world: Path) -> WorldContent:
    return WorldContent(world)


def load_content(world: Path) -> WorldContent:
    """The world's content, loaded once per process and folder."""
    return _load(world.resolve())
