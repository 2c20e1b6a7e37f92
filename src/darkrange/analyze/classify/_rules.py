"""Matching named terms in listing text: one regular expression per rule, with the context a
rule needs (a firearm brand before "slide" counts) and the context that cancels it ("Grenades"
sold with "pills" are ecstasy)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    """One risk flag raised by one term."""

    flag: str
    term: str  # the text as found (normalised: lower case)
    reason: str
    offset: int


@dataclass(frozen=True)
class Rule:
    """Terms that raise a flag, with optional context: `needs` must match somewhere in the
    text, `unless` must not."""

    flag: str
    reason: str
    terms: tuple[str, ...]
    needs: str = ""
    unless: str = ""


def compile_terms(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    terms: re.Pattern[str]
    needs: re.Pattern[str] | None
    unless: re.Pattern[str] | None


def compile_rules(rules: Sequence[Rule]) -> list[_Compiled]:
    return [
        _Compiled(
            r,
            compile_terms(r.terms),
            re.compile(r.needs) if r.needs else None,
            re.compile(r.unless) if r.unless else None,
        )
        for r in rules
    ]


def rule_hits(compiled: Sequence[_Compiled], text: str) -> list[Hit]:
    """Every term of every rule found in normalised text, where its context allows."""
    hits: list[Hit] = []
    for c in compiled:
        found = list(c.terms.finditer(text))
        if not found:
            continue
        if c.needs is not None and c.needs.search(text) is None:
            continue
        if c.unless is not None and c.unless.search(text) is not None:
            continue
        hits += [Hit(c.rule.flag, m.group(0).strip(), c.rule.reason, m.start()) for m in found]
    return hits
