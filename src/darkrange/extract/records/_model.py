"""Page records: what a page says about listings, vendors, reviews, forum threads and pastes.

Every record keeps the WARC pointers of the captures it was read from; after deduplication a
record is the latest capture of its key, with every capture's pointer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "Contact",
    "Link",
    "Listing",
    "MirrorList",
    "PageRecords",
    "Paste",
    "Post",
    "Price",
    "Record",
    "Review",
    "Thread",
    "Vendor",
    "WarcPointer",
]


@dataclass(frozen=True, order=True)
class WarcPointer:
    """Where a page was captured: the WARC file (relative to the parsed folder), the byte
    offset of its record, the record id, the URL and the capture time (WARC-Date, UTC)."""

    captured: datetime
    file: str
    offset: int
    record_id: str
    target_uri: str


@dataclass(frozen=True)
class Price:
    """An amount in one currency as the page shows it (ISO code or ticker: USD, BTC, RUB)."""

    amount: float
    currency: str


@dataclass(frozen=True)
class Contact:
    """A contact selector found on a profile (kind as darkrange.extract names it)."""

    kind: str
    value: str


@dataclass
class Record:
    """What every record has: the site (its onion, mirrors folded into the main one), the
    site name and software family the page showed, the page URL and the capture pointers."""

    site: str
    site_name: str
    family: str
    url: str
    pointers: list[WarcPointer] = field(default_factory=list, kw_only=True)

    @property
    def captured(self) -> datetime | None:
        return max(p.captured for p in self.pointers) if self.pointers else None


@dataclass
class Listing(Record):
    """A listing; `detail` says whether its own page was read (else only an index row)."""

    listing_id: str
    title: str
    description: str | None = None
    price: float | None = None
    currency: str | None = None
    prices: list[Price] = field(default_factory=list)
    quantity: str | None = None
    category: str | None = None
    ships_from: str | None = None
    ships_to: str | None = None
    city: str | None = None
    district: str | None = None
    vendor: str | None = None
    detail: bool = False


@dataclass
class Vendor(Record):
    """A vendor profile (or a forum member's): handle, key, terms, ratings, contacts."""

    handle: str
    role: str = "vendor"
    level: str | None = None
    joined: str | None = None
    rating: float | None = None
    rating_text: str | None = None
    review_count: int | None = None
    terms: str | None = None
    pgp_armored: str | None = None
    pgp_fingerprint: str | None = None
    fingerprint_shown: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    contacts_shown: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Review(Record):
    """A buyer's feedback as shown (buyer handle masked by the site). `occurrence` numbers
    identical reviews on one page so that two real ones are not folded into one."""

    buyer: str
    rating: int | None
    text: str
    vendor: str | None = None
    listing_id: str | None = None
    time: datetime | None = None
    time_text: str | None = None
    occurrence: int = 0


@dataclass
class Thread(Record):
    thread_id: str
    title: str
    subforum: str | None = None
    author: str | None = None
    created: datetime | None = None
    created_text: str | None = None


@dataclass
class Post(Record):
    thread_id: str
    post_id: str
    author: str | None
    text: str
    time: datetime | None = None
    time_text: str | None = None


@dataclass
class Paste(Record):
    paste_id: str
    title: str
    text: str
    time: datetime | None = None
    time_text: str | None = None


@dataclass
class Link(Record):
    """An onion link a directory lists, under its section heading."""

    name: str
    onion: str
    section: str | None = None


@dataclass(frozen=True)
class MirrorList:
    """A site's own list of its addresses (its mirrors page), captured at `host`."""

    host: str
    onions: tuple[str, ...]


@dataclass
class PageRecords:
    """Everything one page yielded."""

    family: str = "generic"
    listings: list[Listing] = field(default_factory=list)
    vendors: list[Vendor] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    pastes: list[Paste] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    mirrors: list[MirrorList] = field(default_factory=list)

    def count(self) -> int:
        return sum(
            len(x)
            for x in (
                self.listings,
                self.vendors,
                self.reviews,
                self.threads,
                self.posts,
                self.pastes,
                self.links,
            )
        )
