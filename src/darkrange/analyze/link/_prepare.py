"""From a records folder to scored candidate pairs: profiles, vectors, blocks, features."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def prepare(
    records: Path, clusters: Mapping[str, str] | None = None, progress: Progress = _noop
) -> Prepared:
    clusters = clusters or {}
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
