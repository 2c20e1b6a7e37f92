"""The snapshot checks its own consistency and survives its JSON form."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from darkrange.errors import FormatError, InputError
from darkrange.share import (
    CaseSnapshot,
    Evaluation,
    Identity,
    Note,
    Person,
    snapshot_from_json,
    snapshot_to_json,
)
from tests.share._sample import sample_snapshot, t


def test_json_form_round_trips() -> None:
    snap = sample_snapshot()
    assert snapshot_from_json(json.loads(json.dumps(snapshot_to_json(snap)))) == snap
    with pytest.raises(FormatError):
        snapshot_from_json({"case": {}})


def test_bad_codes_and_references_are_refused() -> None:
    with pytest.raises(InputError, match="source evaluation"):
        Evaluation(source="D")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="handling code"):
        Evaluation(handling="H9")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="person category"):
        Person(id="p", category="witness", display_name="W")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="names no one"):
        Identity(id="i", account_ids=("a", "b"), status="confirmed", score=0.9)
    with pytest.raises(InputError, match="timezone-aware"):
        Note(id="n", text="x", kind="fact", created=t(1).replace(tzinfo=None))
    snap = sample_snapshot()
    with pytest.raises(InputError, match="not in the case"):
        replace(snap, notes=(Note(id="n9", text="x", kind="fact", about=("person:nobody",)),))
    with pytest.raises(InputError, match="share the id"):
        replace(snap, persons=snap.persons + snap.persons[:1])
    with pytest.raises(InputError, match="legal basis"):
        CaseSnapshot(case=replace(snap.case, legal_basis=" "))
