"""Truth queries against the session world (tests may read truth; solvers never do)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from darkrange.errors import FormatError, InputError
from darkrange.train import WorldView, run_query


def test_plot_fields_filters_and_functions(course_world: Path) -> None:
    w = WorldView(course_world)
    plots = json.loads((course_world / "truth" / "plots.json").read_text())
    cell = next(p for p in plots if p["plot"] == "cell-precursors")
    assert run_query(w, "plots[cell-precursors].vendor_accounts.handle") == [
        a["handle"] for a in cell["vendor_accounts"]
    ]
    assert run_query(w, "plots[cell-precursors].order_txids[*][0]") == [
        o[0] for o in cell["order_txids"]
    ]
    assert run_query(w, "plots[cell-precursors].mix_txids:split") == [
        t for hops in cell["mix_txids"] for t in hops
    ]
    market = cell["vendor_accounts"][0]["site"]
    text = (course_world / "truth" / "listings.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    want = [r["listing_id"] for r in rows if r["site"] == market and r["category"] != "drugs"]
    got = run_query(w, "listings[site=$m,category!=drugs].listing_id", {"m": market})
    assert got == want
    assert run_query(w, "listings[site=$m].listing_id:count", {"m": market}) == sum(
        r["site"] == market for r in rows
    )
    assert run_query(w, "world.seed") == 11


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [
        ("plots[no-such-plot]", InputError, "no plot 'no-such-plot'"),
        ("plots[0].nope", InputError, "no field 'nope'"),
        ("plots[99]", InputError, "no item"),
        ("sites[site=$x]", InputError, r"\$x is used before"),
        ("plots:explode", FormatError, "unknown function"),
    ],
)
def test_bad_queries(course_world: Path, query: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        run_query(WorldView(course_world), query)
