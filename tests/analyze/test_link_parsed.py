"""The real chain of tools on a tiny world: capture pages to WARC, `darkrange parse`, then link,
index and watch what the parser wrote (not the converter's upper bound)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest

from darkrange.analyze.link import link_records
from darkrange.analyze.search import Query, build_index, search
from darkrange.analyze.watch import run_watch
from darkrange.cli import main
from tests.analyze.test_linkfix import world_records_module
from tests.extract.test_records_capture import capture, world_of


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    world = world_of(tmp_path_factory)
    folder = tmp_path_factory.mktemp("parsed")
    capture(world, 20, folder / "warc")
    assert main(["parse", "--warc", str(folder / "warc"), "--out", str(folder / "records")]) == 0
    return world, folder / "records"


def test_parsed_records_link_like_the_truth(parsed: tuple[Path, Path], tmp_path: Path) -> None:
    world, records = parsed
    result = link_records(records, tmp_path / "out")
    truth = world_records_module().truth_accounts(world)
    ident = result.identity_of()
    people: dict[str, list[tuple[str, str]]] = defaultdict(list)
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, row in truth.items():
        if key in ident:
            people[row["person_id"]].append(key)
            groups[ident[key]].append(key)
    true = {p for g in people.values() for p in combinations(sorted(g), 2)}
    predicted = {p for g in groups.values() for p in combinations(sorted(g), 2)}
    assert len(ident) >= 10 and true
    assert len(true & predicted) / max(1, len(predicted)) >= 0.95
    assert len(true & predicted) / len(true) >= 0.9


def test_parsed_records_are_searchable_and_watchable(
    parsed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, records = parsed
    assert build_index(records, tmp_path / "index") > 0
    hits = search(tmp_path / "index", Query("stealth"))
    assert hits and all(h.pointer.get("file", "").endswith((".warc", ".warc.gz")) for h in hits)
    watchlist = tmp_path / "w.yaml"
    watchlist.write_text("keywords: [stealth]\n", encoding="utf-8")
    run = run_watch(watchlist, records=records)
    assert run.new and run.new[0].where["pointer"]["record_id"].startswith("<urn:uuid:")
