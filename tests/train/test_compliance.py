"""The compliance score from an audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkrange.errors import FormatError, InputError
from darkrange.train import load_audit, score_compliance

BASIS = "2026-01-05T09:00:00Z"


def entry(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"time": "2026-01-05T10:00:00Z", "case": "C-1"}
    return {**base, **kw}


def test_clean_trail_scores_full() -> None:
    trail = [
        entry(action="crawl", legal_basis_recorded_at=BASIS),
        entry(action="consult", justification="vendor profile for the precursor case"),
        entry(action="share", recipients=["customs"], exported_categories=["suspect"]),
    ]
    c = score_compliance(trail)
    assert c.score == 100.0
    assert c.violations == []
    assert c.checks == 7  # a case on each, basis, justification, protected data, recipients


def test_collection_before_legal_basis_is_a_violation() -> None:
    late = entry(action="capture", legal_basis_recorded_at="2026-01-05T11:00:00Z")
    none = entry(action="ingest")
    c = score_compliance([late, none])
    assert [(v.entry, v.rule) for v in c.violations] == [(0, "legal_basis"), (1, "legal_basis")]
    assert c.score == 50.0


def test_unjustified_consultation_and_bystander_export() -> None:
    c = score_compliance(
        [
            entry(action="search", justification="n/a"),
            entry(action="export", recipients=[], exported_categories=["suspect", "Bystander"]),
            entry(action="note", case=""),
        ]
    )
    rules = sorted(v.rule for v in c.violations)
    assert rules == ["case", "justification", "protected_data", "recipients"]
    assert "bystander" in next(v.detail for v in c.violations if v.rule == "protected_data")


def test_unix_times_and_empty_trail() -> None:
    ok = {"time": 200, "action": "crawl", "case": "C", "legal_basis_recorded_at": 100}
    assert score_compliance([ok]).score == 100.0
    assert score_compliance([]).score == 100.0


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"action": "crawl", "time": "yesterday", "case": "c"}, "not an ISO 8601"),
        ({"time": 1, "case": "c"}, "action is missing"),
        ({"time": 1, "action": "x", "recpients": []}, "unknown field 'recpients'"),
        ({"time": 1, "action": "share", "exported_categories": "victim"}, "list of strings"),
    ],
)
def test_bad_entries_name_the_problem(bad: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        score_compliance([entry(action="view", justification="ok reason"), bad])


def test_load_audit_json_and_jsonl(tmp_path: Path) -> None:
    rows = [entry(action="crawl", legal_basis_recorded_at=BASIS)]
    (tmp_path / "a.json").write_text(json.dumps(rows))
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert load_audit(tmp_path / "a.json") == load_audit(tmp_path / "a.jsonl") == rows
    (tmp_path / "bad.json").write_text("[{")
    with pytest.raises(FormatError, match="not JSON"):
        load_audit(tmp_path / "bad.json")
