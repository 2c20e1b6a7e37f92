"""The evidence between two accounts, as numbers a model can weigh and a judge can read.

Computed for all candidate pairs at once: per-account facts become arrays (set-valued ones as
integer memberships), and each feature is a numpy expression over the pairs' two indexes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from scipy import sparse

from darkrange.analyze.link._handles import core, pair_handle_similarity
from darkrange.analyze.link._profiles import Profile
from darkrange.analyze.link._sets import Memberships, Vocabulary, memberships
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
    blocks: np.ndarray  # per pair, a bit mask of the block kinds that proposed it


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NEVER = np.iinfo(np.int64).min
_US = timedelta(microseconds=1)


def _micros(t: datetime | None) -> int:
    """Exact integer microseconds (floats would blur the migration window's edges)."""
    return _NEVER if t is None else (t - _EPOCH) // _US


def _hours(p: Profile) -> np.ndarray | None:
    if len(p.times) < 5:
        return None
    hist = np.bincount([t.hour for t in p.times], minlength=24).astype(np.float64)
    return hist / np.linalg.norm(hist)


@dataclass
class _Facts:
    """Per-account values as arrays, computed once for every pair to index."""

    keys: Memberships  # fingerprints
    ids: Memberships  # fingerprints and their 16-digit key ids
    certifiers: Memberships  # in the same vocabulary as ids
    contacts: Memberships  # (kind, value)
    contact_kinds: Memberships
    contact_kind: np.ndarray  # contact id -> kind id
    addresses: Memberships
    clusters: Memberships
    site: np.ndarray
    last_seen: np.ndarray  # microseconds, _NEVER when unknown
    joined: np.ndarray
    country: np.ndarray  # -1 when unknown
    log_price: np.ndarray  # NaN when unknown
    hours: np.ndarray  # accounts x 24, rows of zeros when unknown
    hours_known: np.ndarray


def _facts(profiles: Sequence[Profile], clusters: Mapping[str, str]) -> _Facts:
    keys, contacts, kinds, words, sites = (Vocabulary() for _ in range(5))
    contact_kind: list[int] = []

    def contact(kind: str, value: str) -> int:
        found = contacts.ids.get(f"{kind}:{value}")
        if found is None:
            found = contacts.id(f"{kind}:{value}")
            contact_kind.append(kinds.id(kind))
        return found

    rows: dict[str, list[list[int]]] = {k: [] for k in ("keys", "ids", "cert", "con", "kind")}
    rows |= {"addr": [], "clu": []}
    for p in profiles:
        rows["keys"].append([keys.id(f) for f in p.fingerprints])
        rows["ids"].append([keys.id(i) for f in p.fingerprints for i in (f, f[-16:])])
        rows["cert"].append([keys.id(c) for c in p.certifiers])
        rows["con"].append([contact(k, v) for k, v in p.contacts])
        rows["kind"].append([kinds.id(k) for k, _ in p.contacts])
        rows["addr"].append([words.id(a) for a in p.addresses])
        rows["clu"].append(
            [words.id("cluster:" + clusters[a]) for a in p.addresses if a in clusters]
        )
    country: dict[str, int] = {}
    hours = np.zeros((len(profiles), 24), dtype=np.float64)
    hours_known = np.zeros(len(profiles), dtype=bool)
    for i, p in enumerate(profiles):
        h = _hours(p)
        if h is not None:
            hours[i], hours_known[i] = h, True
    prices = [p.log_price() for p in profiles]
    return _Facts(
        keys=memberships(rows["keys"], len(keys)),
        ids=memberships(rows["ids"], len(keys)),
        certifiers=memberships(rows["cert"], len(keys)),
        contacts=memberships(rows["con"], len(contacts)),
        contact_kinds=memberships(rows["kind"], len(kinds)),
        contact_kind=np.array(contact_kind, dtype=np.int64),
        addresses=memberships(rows["addr"], len(words)),
        clusters=memberships(rows["clu"], len(words)),
        site=np.array([sites.id(p.site) for p in profiles], dtype=np.int64),
        last_seen=np.array(
            [_micros(max(p.seen) if p.seen else None) for p in profiles], dtype=np.int64
        ),
        joined=np.array([_micros(p.joined) for p in profiles], dtype=np.int64),
        country=np.array(
            [
                -1 if (c := p.country()) is None else country.setdefault(c, len(country))
                for p in profiles
            ],
            dtype=np.int64,
        ),
        log_price=np.array([np.nan if x is None else x for x in prices], dtype=np.float64),
        hours=hours,
        hours_known=hours_known,
    )


def _contact_conflict(f: _Facts, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One kind (say XMPP) given on both, with no value in common: two people, usually."""
    position, contact = f.contacts.explode(left)
    kind = f.contact_kind[contact]
    partner = right[position]
    both = f.contact_kinds.has(partner, kind)
    hit = f.contacts.has(partner, contact)
    n_kinds = f.contact_kinds.width
    group = position * n_kinds + kind
    # A kind both give is in conflict when none of `left`'s values of that kind is `right`'s.
    # Counted per (pair, kind) slot: cheaper than sets of group ids for 800,000 pairs.
    slots = len(left) * n_kinds
    given = np.bincount(group[both], minlength=slots) > 0
    shared = np.bincount(group[hit], minlength=slots) > 0
    out: np.ndarray = np.asarray((given & ~shared).reshape(len(left), n_kinds).any(axis=1))
    return out


def _migration(f: _Facts, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`a` stopped being seen well before the last capture and `b` appeared around then."""
    known = f.last_seen != _NEVER
    if not known.any():
        return np.zeros(len(a), dtype=bool)
    horizon = int(f.last_seen[known].max())
    ok = (f.site[a] != f.site[b]) & known[a] & (f.joined[b] != _NEVER)
    # Unknown times are set to the horizon before any arithmetic (no int64 wrap-around).
    last = np.where(known[a], f.last_seen[a], horizon)
    joined = np.where(ok, f.joined[b], horizon)
    ok &= horizon - last >= timedelta(days=10) // _US
    ok &= (last - _MIGRATION_BEFORE // _US <= joined) & (joined <= last + _MIGRATION_AFTER // _US)
    found: np.ndarray = ok
    return found


def _cosines_where(
    matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray, known: np.ndarray
) -> np.ndarray:
    """Row cosines for the pairs where both rows mean something, 0 elsewhere (the sparse
    products are the costliest step, so pairs that would be zeroed are never computed)."""
    out = np.zeros(len(left), dtype=np.float64)
    at = np.flatnonzero(known)
    out[at] = row_cosines(matrix, left[at], right[at])
    return out


def pair_features(
    profiles: Sequence[Profile],
    vectors: Vectors,
    left: np.ndarray,
    right: np.ndarray,
    clusters: Mapping[str, str],
    blocks: np.ndarray | None = None,
) -> PairTable:
    """Features of the candidate pairs (left[k], right[k]), sorted by (left, right)."""
    x = np.zeros((len(left), len(FEATURES)), dtype=np.float64)
    blocks = np.zeros(len(left), dtype=np.int64) if blocks is None else blocks
    if len(left) == 0:
        return PairTable(left, right, x, blocks)
    f = _facts(profiles, clusters)

    def put(name: str, value: np.ndarray) -> None:
        x[:, _F[name]] = value

    same = f.keys.shared(left, right)
    certified = f.certifiers.shared(left, right, f.ids) | f.certifiers.shared(right, left, f.ids)
    both_keys = (f.keys.counts()[left] > 0) & (f.keys.counts()[right] > 0)
    shared_contacts = f.contacts.shared(left, right)
    contact_conflict = _contact_conflict(f, left, right) & ~shared_contacts
    put("same_key", same)
    put("certified", certified)
    put("key_conflict", both_keys & ~same & ~certified)
    put("shared_contacts", shared_contacts)
    put("contact_conflict", contact_conflict)
    put("shared_address", f.addresses.shared(left, right))
    if clusters:
        put("shared_cluster", f.clusters.shared(left, right))
    handles = pair_handle_similarity([p.handle for p in profiles], left, right)
    put("handle_similarity", handles)
    cores = np.unique([core(p.handle) for p in profiles], return_inverse=True)[1].ravel()
    put("handle_core_equal", cores[left] == cores[right])
    both_text = vectors.has_text[left] & vectors.has_text[right]
    style = _cosines_where(vectors.style, left, right, both_text)
    put("style_known", both_text)
    put("style_similarity", style)
    put("habit_similarity", np.where(both_text, habit_similarity(vectors.habits, left, right), 0))
    both_titles = vectors.has_titles[left] & vectors.has_titles[right]
    put("products_known", both_titles)
    put("product_similarity", _cosines_where(vectors.products, left, right, both_titles))
    pa, pb = f.log_price[left], f.log_price[right]
    price_known = ~np.isnan(pa) & ~np.isnan(pb)
    put("price_known", price_known)
    put("price_similarity", np.where(price_known, np.exp(-np.abs(pa - pb)), 0.0))
    ka, kb = f.country[left], f.country[right]
    put("country_known", (ka >= 0) & (kb >= 0))
    put("same_country", (ka >= 0) & (ka == kb))
    hours_known = f.hours_known[left] & f.hours_known[right]
    put("hours_known", hours_known)
    both = np.flatnonzero(hours_known)
    hours = np.zeros(len(left), dtype=np.float64)
    hours[both] = np.einsum("ij,ij->i", f.hours[left[both]], f.hours[right[both]])
    put("hours_similarity", hours)
    put("migration", _migration(f, left, right) | _migration(f, right, left))
    put("same_site", f.site[left] == f.site[right])
    put("key_and_handle", same * handles)
    put("key_and_style", same * style)
    put("key_and_contact_conflict", same & contact_conflict)
    return PairTable(left, right, x, blocks)
