"""Field-by-field comparison of snapshots after a round trip."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from darkrange.share import CaseSnapshot


def without_provenance(items: tuple[Any, ...]) -> list[Any]:
    stripped = [replace(x, provenance=None) if hasattr(x, "provenance") else x for x in items]
    return sorted(stripped, key=repr)


def assert_same_case(want: CaseSnapshot, got: CaseSnapshot) -> None:
    """Every field equal; items compared without provenance (an import adds it) and order."""
    assert got.case == want.case
    for f in fields(want):
        if f.name == "case":
            continue
        a, b = getattr(want, f.name), getattr(got, f.name)
        assert without_provenance(b) == without_provenance(a), f.name
