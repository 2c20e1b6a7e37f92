"""Deduplication: the same listing captured many times (pages of an index, its own page, a
mirror) becomes one record, the latest capture of its best page, with every capture's pointer.

Mirrors are folded into one site by the sites' own mirror lists: an onion listed on a mirrors
page captured at one of the listed onions joins that site, unless its own mirrors page was
captured and does not list the other (a phishing clone may claim a market's address, the
market does not claim the clone's).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, datetime
from typing import TypeVar

from darkrange.extract.records._model import MirrorList, PageRecords, Record, Review

__all__ = ["Merged", "merge", "site_aliases"]

R = TypeVar("R", bound=Record)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclasses.dataclass
class Merged:
    """Deduplicated records of a whole crawl, and each site's addresses (canonical first)."""

    records: PageRecords
    sites: dict[str, list[str]]


def site_aliases(lists: Iterable[MirrorList]) -> dict[str, str]:
    """Onion -> the onion of the site it is a mirror of (only onions that are mirrors)."""
    declared: dict[str, tuple[str, ...]] = {}
    for found in lists:  # the latest capture of a site's list wins
        if found.host in found.onions:
            declared[found.host] = found.onions
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for host in sorted(declared):
        for onion in declared[host]:
            if onion != host and (onion not in declared or host in declared[onion]):
                a, b = sorted((root(host), root(onion)))
                parent[b] = a
    groups: dict[str, list[str]] = defaultdict(list)
    for onion in sorted({*parent, *parent.values()}):
        groups[root(onion)].append(onion)
    aliases: dict[str, str] = {}
    for members in groups.values():
        speaker = next(m for m in members if m in declared)
        canonical = next(o for o in declared[speaker] if o in members)
        aliases.update({m: canonical for m in members if m != canonical})
    return aliases


def _latest(record: Record) -> datetime:
    return record.captured or _EPOCH


def _fold(records: list[R], key: Callable[[R], Hashable], rank: Callable[[R], int]) -> list[R]:
    """One record per key: the best-ranked, latest capture; its empty fields filled from the
    others (newest first); every pointer kept."""
    groups: dict[Hashable, list[R]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    merged = []
    for group in groups.values():
        group.sort(key=lambda r: (rank(r), _latest(r), r.url), reverse=True)
        merged.append(_combine(group))
    return merged


def _combine(group: list[R]) -> R:
    best = dataclasses.replace(group[0])
    for f in dataclasses.fields(best):
        if f.name == "pointers":
            continue
        if getattr(best, f.name) in (None, "", []):
            for other in group[1:]:
                value = getattr(other, f.name)
                if value not in (None, "", []):
                    setattr(best, f.name, value)
                    break
    best.pointers = sorted({p for r in group for p in r.pointers})
    return best


def _reviews(reviews: list[Review]) -> list[Review]:
    """A review's date is missing on some pages (a vendor's recent feedback, a shop's item
    page) and its listing on others (feedback pages): undated copies fold into dated ones of
    the same vendor, buyer, rating and text, one for one."""
    dated = [r for r in reviews if r.time is not None]
    folded = _fold(dated, lambda r: (r.site, r.vendor, r.buyer, r.rating, r.text, r.time,
                                     r.occurrence), lambda r: r.listing_id is not None)  # fmt: skip
    undated = _fold([r for r in reviews if r.time is None],
                    lambda r: (r.site, r.vendor, r.buyer, r.rating, r.text, r.listing_id,
                               r.occurrence), lambda r: 0)  # fmt: skip
    queues: dict[Hashable, list[int]] = defaultdict(list)  # newest first
    order = sorted(
        range(len(folded)),
        key=lambda i: (folded[i].time or _EPOCH, folded[i].occurrence),
        reverse=True,
    )
    for i in order:
        r = folded[i]
        queues[(r.site, r.vendor, r.buyer, r.rating, r.text)].append(i)
    kept = list(folded)
    for r in undated:
        queue = queues.get((r.site, r.vendor, r.buyer, r.rating, r.text))
        if queue:
            i = queue.pop(0)
            kept[i] = _combine([kept[i], r])
        else:
            kept.append(r)
    return kept


def merge(pages: Iterable[PageRecords], mirrors: Iterable[MirrorList] = ()) -> Merged:
    """Every page's records, mirrors folded into their site and duplicates into one."""
    everything = PageRecords("all")
    lists = list(mirrors)
    for page in pages:
        for name in ("listings", "vendors", "reviews", "threads", "posts", "pastes", "links"):
            getattr(everything, name).extend(getattr(page, name))
        lists.extend(page.mirrors)
    aliases = site_aliases(lists)
    for record in _all(everything):
        record.site = aliases.get(record.site, record.site)
    sites: dict[str, list[str]] = defaultdict(list)
    for onion, canonical in sorted(aliases.items()):
        sites[canonical].append(onion)
    out = PageRecords("all", mirrors=lists)
    out.listings = _fold(
        everything.listings, lambda x: (x.site, x.listing_id), lambda x: int(x.detail)
    )
    out.vendors = _fold(everything.vendors, lambda v: (v.site, v.handle), lambda v: 0)
    out.reviews = _reviews(everything.reviews)
    out.threads = _fold(
        everything.threads, lambda t: (t.site, t.thread_id), lambda t: int(t.author is not None)
    )
    out.posts = _fold(everything.posts, lambda p: (p.site, p.thread_id, p.post_id), lambda p: 0)
    out.pastes = _fold(everything.pastes, lambda p: (p.site, p.paste_id), lambda p: 0)
    out.links = _fold(everything.links, lambda k: (k.site, k.onion), lambda k: 0)
    return Merged(out, {k: [k, *v] for k, v in sorted(sites.items())})


def _all(records: PageRecords) -> Iterable[Record]:
    yield from records.listings
    yield from records.vendors
    yield from records.reviews
    yield from records.threads
    yield from records.posts
    yield from records.pastes
    yield from records.links
