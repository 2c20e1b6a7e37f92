"""Linking a whole (tiny, held-out) world's records against its truth."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from pathlib import Path

from darkrange.analyze.link import link_records
from tests.analyze.test_linkfix import tiny_world, world_records_module

__all__ = ["tiny_world"]  # the fixture, imported for pytest


def _pairs(groups: dict[str, list[tuple[str, str]]]) -> set[tuple[tuple[str, str], ...]]:
    return {tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2)}


def test_tiny_world_is_linked_like_its_truth(tiny_world: tuple[Path, Path], tmp_path: Path) -> None:
    world, records = tiny_world
    result = link_records(records, tmp_path / "out")
    truth = world_records_module().truth_accounts(world)
    ident = result.identity_of()
    by_person: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_ident: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, row in truth.items():
        if key in ident:
            by_person[row["person_id"]].append(key)
            by_ident[ident[key]].append(key)
    true, predicted = _pairs(by_person), _pairs(by_ident)
    assert len(true) >= 10  # vendors with accounts on several sites
    assert len(true & predicted) / len(predicted) >= 0.95
    assert len(true & predicted) / len(true) >= 0.95
    # every account in the records is in the output, each exactly once
    assert len(ident) == len(result.prepared.profiles)
