"""Comparing a submission with the expected answer: a credit between 0 and 1.

Text and choice answers match exactly (case-insensitive unless the question says otherwise,
spaces trimmed); a regex must match the whole submission; sets earn F1 against the truth; paths
earn F1 of their hops plus an order bonus; numbers match within a tolerance.
"""

from __future__ import annotations

import re
from typing import Any

from darkrange.errors import InputError
from darkrange.train._schema import Answer

__all__ = ["Credit", "credit", "lcs", "parse_submission", "set_f1"]

Credit = float


def _norm(value: Any, case_sensitive: bool) -> str:
    text = " ".join(str(value).split())
    return text if case_sensitive else text.casefold()


def parse_submission(kind: str, text: str) -> list[str]:
    """Items of a set or path answer: separated by commas, semicolons, spaces or new lines."""
    if kind in ("set", "path"):
        return [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    return [text.strip()]


def set_f1(submitted: list[str], truth: list[str]) -> float:
    """F1 of two sets (duplicates ignored); two empty sets agree fully."""
    got, want = set(submitted), set(truth)
    if not got and not want:
        return 1.0
    hit = len(got & want)
    if hit == 0:
        return 0.0
    precision, recall = hit / len(got), hit / len(want)
    return 2 * precision * recall / (precision + recall)


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence: how much of the order is right."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _number(text: str) -> float:
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        return float(cleaned)
    except ValueError:
        raise InputError(f"{text!r} is not a number") from None


def _as_list(truth: Any) -> list[Any]:
    return list(truth) if isinstance(truth, list | tuple) else [truth]


def credit(answer: Answer, truth: Any, submitted: str) -> Credit:
    """Credit in [0, 1] for `submitted` against the resolved `truth` of `answer`."""
    kind, cs = answer.type, answer.case_sensitive
    if kind == "regex":
        flags = 0 if cs else re.IGNORECASE
        return 1.0 if re.fullmatch(str(truth), submitted.strip(), flags) else 0.0
    if kind in ("text", "choice"):
        # A truth list means several right answers (e.g. every key a vendor used).
        accepted = {_norm(t, cs) for t in _as_list(truth)}
        return 1.0 if _norm(submitted, cs) in accepted else 0.0
    if kind == "number":
        got = _number(submitted)
        want = float(_as_list(truth)[0])
        allowed = max(answer.tolerance, answer.relative_tolerance * abs(want))
        return 1.0 if abs(got - want) <= allowed + 1e-9 else 0.0
    items = [_norm(x, cs) for x in parse_submission(kind, submitted)]
    want_items = [_norm(x, cs) for x in _as_list(truth)]
    f1 = set_f1(items, want_items)
    if kind == "set":
        return f1
    # path: hops found (F1) plus a bonus for the order they are in
    order = lcs(items, want_items) / max(len(items), len(want_items), 1)
    return (1 - answer.order_bonus) * f1 + answer.order_bonus * order
