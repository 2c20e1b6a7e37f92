"""From a records folder to scored candidate pairs: profiles, vectors, blocks, features."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from darkrange.analyze.link._blocking import candidate_pairs
from darkrange.analyze.link._features import PairTable, pair_features
from darkrange.analyze.link._profiles import Profile, load_profiles
from darkrange.analyze.link._style import Vectors, vectorise

__all__ = ["Prepared", "prepare"]

_LSH_SEED = 20140607  # fixed: the same records always give the same candidate pairs

Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    return None


@dataclass
class Prepared:
    profiles: list[Profile]
    vectors: Vectors
    table: PairTable


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while hundreds of thousands of records become profiles:
    nothing built here forms a cycle, yet every full collection walks all of it again (about
    a tenth of the reading time for 50,000 accounts). Restored on the way out, even on error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def prepare(
    records: Path, clusters: Mapping[str, str] | None = None, progress: Progress = _noop
) -> Prepared:
    with _no_cycle_collection():
        return _prepare(records, clusters or {}, progress)


def _prepare(records: Path, clusters: Mapping[str, str], progress: Progress) -> Prepared:
    found = load_profiles(records, progress)
    profiles = [found[k] for k in sorted(found)]
    progress("style vectors", 0, 3)
    vectors = vectorise(
        ["\n".join(p.texts) for p in profiles], ["\n".join(p.titles) for p in profiles]
    )
    progress("candidate pairs", 1, 3)
    left, right, blocks = candidate_pairs(profiles, vectors.style, clusters, _LSH_SEED)
    progress("evidence", 2, 3)
    table = pair_features(profiles, vectors, left, right, clusters, blocks)
    progress("evidence", 3, 3)
    return Prepared(profiles, vectors, table)
