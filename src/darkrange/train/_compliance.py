"""A compliance score from a trainee's own audit trail (format: docs/formats/exercise.md).

Each audit entry is a plain dict: time, action, justification, case, legal_basis_recorded_at,
recipients, exported_categories. The rules follow LED 2016/680: a legal basis is recorded before
any collection, every consultation of personal data is justified, and no bystander or victim
data leaves the agency in an export.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from darkrange.errors import FormatError, InputError

__all__ = [
    "COLLECTION",
    "CONSULTATION",
    "DISCLOSURE",
    "PROTECTED",
    "Compliance",
    "Violation",
    "load_audit",
    "score_compliance",
]

COLLECTION = frozenset({"collect", "crawl", "capture", "ingest", "legal_request"})
CONSULTATION = frozenset({"consult", "search", "view"})
DISCLOSURE = frozenset({"export", "disclose", "share"})
PROTECTED = frozenset({"bystander", "victim"})
# Words that are not a justification, however often they are typed into the box.
_EMPTY = frozenset({"", "-", "n/a", "na", "none", "test", "x", ".", "ok", "todo"})
_FIELDS = (
    "time",
    "action",
    "justification",
    "case",
    "legal_basis_recorded_at",
    "recipients",
    "exported_categories",
)


@dataclass(frozen=True)
class Violation:
    entry: int  # index in the trail, from 0
    rule: str
    detail: str


@dataclass
class Compliance:
    checks: int = 0
    passed: int = 0
    violations: list[Violation] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Share of checks passed, 0..100; a trail with nothing to check scores 100."""
        return 100.0 if self.checks == 0 else round(100.0 * self.passed / self.checks, 1)

    def _check(self, ok: bool, entry: int, rule: str, detail: str) -> None:
        self.checks += 1
        if ok:
            self.passed += 1
        else:
            self.violations.append(Violation(entry, rule, detail))


def _time(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{where}: a time must be ISO 8601 text or Unix seconds")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip():
        try:
            t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{where}: {value!r} is not an ISO 8601 time") from None
        return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()
    raise InputError(f"{where}: a time must be ISO 8601 text or Unix seconds")


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: must be a list of strings")
    return [v.strip().lower() for v in value]


def _one(c: Compliance, i: int, entry: Any) -> None:
    where = f"audit entry {i}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: must be an object")
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise InputError(f"{where}: unknown field {unknown[0]!r}")
    action = str(entry.get("action") or "").strip().lower()
    if not action:
        raise InputError(f"{where}: action is missing")
    when = _time(entry.get("time"), f"{where} time")
    c._check(bool(str(entry.get("case") or "").strip()), i, "case", f"{action} without a case")
    if action in COLLECTION:
        basis = entry.get("legal_basis_recorded_at")
        ok = basis is not None and _time(basis, f"{where} legal_basis_recorded_at") <= when
        c._check(ok, i, "legal_basis", f"{action} before a legal basis was recorded")
    if action in CONSULTATION:
        why = " ".join(str(entry.get("justification") or "").split())
        c._check(why.lower() not in _EMPTY, i, "justification", f"{action} without a reason")
    if action in DISCLOSURE:
        categories = _strings(entry.get("exported_categories"), f"{where} exported_categories")
        leaked = sorted(PROTECTED & set(categories))
        c._check(not leaked, i, "protected_data", f"{action} includes {', '.join(leaked)} data")
        recipients = _strings(entry.get("recipients"), f"{where} recipients")
        c._check(bool(recipients), i, "recipients", f"{action} without a named recipient")


def score_compliance(entries: list[Any]) -> Compliance:
    """Check every entry against the rules; bad entries raise InputError naming the entry."""
    c = Compliance()
    for i, entry in enumerate(entries):
        _one(c, i, entry)
    return c


def load_audit(path: Path) -> list[Any]:
    """An audit trail from a JSON list or JSON Lines file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read audit trail {path}: {exc.strerror}") from None
    try:
        data = json.loads(text) if text.lstrip().startswith("[") else None
        if data is None:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path}: not JSON or JSON Lines (line {exc.lineno})") from None
    if not isinstance(data, list):
        raise FormatError(f"{path}: an audit trail is a list of entries")
    return data
