"""The evidence between two accounts, as numbers a model can weigh and a judge can read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from darkrange.analyze.link._handles import core, handle_similarity
from darkrange.analyze.link._profiles import Profile
from darkrange.analyze.link._style import Vectors, habit_similarity, row_cosines

__all__ = ["FEATURES", "PairTable", "pair_features"]

FEATURES = (
    "same_key",
    "certified",
    "key_conflict",
    "shared_contacts",
    "contact_conflict",
    "shared_address",
    "shared_cluster",
    "handle_similarity",
    "handle_core_equal",
    "style_similarity",
    "style_known",
    "habit_similarity",
    "product_similarity",
    "products_known",
    "price_similarity",
    "price_known",
    "same_country",
    "country_known",
    "hours_similarity",
    "hours_known",
    "migration",
    "same_site",
    "key_and_handle",
    "key_and_style",
    "key_and_contact_conflict",
)
_F = {name: i for i, name in enumerate(FEATURES)}
_MIGRATION_BEFORE, _MIGRATION_AFTER = timedelta(days=7), timedelta(days=21)


@dataclass
class PairTable:
    left: np.ndarray  # account indexes, left < right
    right: np.ndarray
    x: np.ndarray  # pairs x FEATURES
    blocks: list[set[str]]


def _hours(p: Profile) -> np.ndarray | None:
    if len(p.times) < 5:
        return None
    hist = np.bincount([t.hour for t in p.times], minlength=24).astype(np.float64)
    return hist / np.linalg.norm(hist)


@dataclass
class _Facts:
    """Per-account values every pair of it needs, computed once."""

    ids: set[str]  # fingerprints and their 16-digit key ids
    kinds: dict[str, set[str]]  # contact kind -> values
    last_seen: datetime | None
    country: str | None
    log_price: float | None
    hours: np.ndarray | None


def _facts(p: Profile) -> _Facts:
    kinds: dict[str, set[str]] = {}
    for kind, value in p.contacts:
        kinds.setdefault(kind, set()).add(value)
    return _Facts(
        ids=p.fingerprints | {f[-16:] for f in p.fingerprints},
        kinds=kinds,
        last_seen=max(p.seen) if p.seen else None,
        country=p.country(),
        log_price=p.log_price(),
        hours=_hours(p),
    )


def _contacts(a: Profile, b: Profile, fa: _Facts, fb: _Facts) -> tuple[int, bool]:
    shared = len(a.contacts & b.contacts)
    # One kind (say XMPP) given on both, with no value in common: two different people, usually.
    conflict = any(fa.kinds[k].isdisjoint(fb.kinds[k]) for k in fa.kinds.keys() & fb.kinds.keys())
    return shared, conflict and not shared


def _keys(a: Profile, b: Profile, fa: _Facts, fb: _Facts) -> tuple[bool, bool, bool]:
    same = not a.fingerprints.isdisjoint(b.fingerprints)
    certified = bool(a.certifiers & fb.ids or b.certifiers & fa.ids)
    conflict = bool(a.fingerprints and b.fingerprints) and not same and not certified
    return same, certified, conflict


def _migration(a: Profile, b: Profile, fa: _Facts, horizon: datetime | None) -> bool:
    """`a` stopped being seen well before the last capture and `b` appeared around then."""
    last = fa.last_seen
    if a.site == b.site or last is None or b.joined is None or horizon is None:
        return False
    if horizon - last < timedelta(days=10):
        return False
    return last - _MIGRATION_BEFORE <= b.joined <= last + _MIGRATION_AFTER


def pair_features(
    profiles: Sequence[Profile],
    vectors: Vectors,
    pairs: Mapping[tuple[int, int], set[str]],
    clusters: Mapping[str, str],
) -> PairTable:
    ordered = sorted(pairs)
    left = np.array([a for a, _ in ordered], dtype=np.int64)
    right = np.array([b for _, b in ordered], dtype=np.int64)
    x = np.zeros((len(ordered), len(FEATURES)), dtype=np.float64)
    if not ordered:
        return PairTable(left, right, x, [])
    style = row_cosines(vectors.style, left, right)
    products = row_cosines(vectors.products, left, right)
    habits = habit_similarity(vectors.habits, left, right)
    facts = [_facts(p) for p in profiles]
    seen = [f.last_seen for f in facts if f.last_seen is not None]
    horizon = max(seen) if seen else None
    for k, (i, j) in enumerate(ordered):
        a, b, fa, fb = profiles[i], profiles[j], facts[i], facts[j]
        row = x[k]
        same, certified, conflict = _keys(a, b, fa, fb)
        shared, contact_conflict = _contacts(a, b, fa, fb)
        row[_F["same_key"]], row[_F["certified"]], row[_F["key_conflict"]] = (
            same,
            certified,
            conflict,
        )
        row[_F["shared_contacts"]] = shared > 0
        row[_F["contact_conflict"]] = contact_conflict
        row[_F["shared_address"]] = bool(a.addresses & b.addresses)
        if clusters and a.addresses and b.addresses:
            ca = {clusters[x] for x in a.addresses if x in clusters}
            cb = {clusters[x] for x in b.addresses if x in clusters}
            row[_F["shared_cluster"]] = bool(ca & cb)
        row[_F["handle_similarity"]] = handle_similarity(a.handle, b.handle)
        row[_F["handle_core_equal"]] = core(a.handle) == core(b.handle)
        both_text = bool(vectors.has_text[i] and vectors.has_text[j])
        row[_F["style_known"]] = both_text
        row[_F["style_similarity"]] = style[k] if both_text else 0.0
        row[_F["habit_similarity"]] = habits[k] if both_text else 0.0
        both_titles = bool(vectors.has_titles[i] and vectors.has_titles[j])
        row[_F["products_known"]] = both_titles
        row[_F["product_similarity"]] = products[k] if both_titles else 0.0
        pa, pb = fa.log_price, fb.log_price
        if pa is not None and pb is not None:
            row[_F["price_known"]], row[_F["price_similarity"]] = 1, np.exp(-abs(pa - pb))
        ka, kb = fa.country, fb.country
        if ka and kb:
            row[_F["country_known"]], row[_F["same_country"]] = 1, ka == kb
        ha, hb = fa.hours, fb.hours
        if ha is not None and hb is not None:
            row[_F["hours_known"]], row[_F["hours_similarity"]] = 1, float(ha @ hb)
        row[_F["migration"]] = _migration(a, b, fa, horizon) or _migration(b, a, fb, horizon)
        row[_F["same_site"]] = a.site == b.site
        row[_F["key_and_handle"]] = same * row[_F["handle_similarity"]]
        row[_F["key_and_style"]] = same * row[_F["style_similarity"]]
        row[_F["key_and_contact_conflict"]] = same * contact_conflict
    return PairTable(left, right, x, [pairs[p] for p in ordered])
