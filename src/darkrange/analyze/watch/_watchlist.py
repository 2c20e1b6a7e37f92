"""Watchlists: YAML files of selectors, handles, keywords, regular expressions and rules.

```yaml
name: precursors            # names the watchlist in every alert
webhooks: [http://127.0.0.1:8080/alerts]
selectors: [bc1q..., 8F3A..., dongarden@jabb.nightjar.io]
handles: [DonTiger]         # also matches its Cyrillic, leetspeak and affixed spellings
keywords: [ammonium nitrate]
patterns: [{name: glock, regex: 'glock\\s*\\d+'}]
rules:                      # YARA-like: named strings and a condition
  - name: precursor-kit
    strings: {$a: ammonium nitrate, $b: '/alumin(i)?um\\s+powder/i', $c: fuel oil}
    condition: 2 of them    # any of them | all of them | N of them | any of ($a, $b)
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from darkrange.analyze.link import core, skeleton
from darkrange.errors import FormatError, InputError

__all__ = ["Rule", "Watchlist", "load_watchlist", "parse_watchlist"]

_KEYS = {"name", "webhooks", "webhook", "selectors", "handles", "keywords", "patterns", "rules"}
_CONDITION = re.compile(
    r"^\s*(any|all|\d+)\s+of\s+(them|\(\s*(\$\w+(?:\s*,\s*\$\w+)*)\s*\))\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class Rule:
    """A YARA-like rule: named strings (plain text or /regex/flags) and how many must match."""

    name: str
    strings: dict[str, re.Pattern[str]]
    needed: int  # how many of `among` must match
    among: tuple[str, ...]
    condition: str

    def matches(self, text: str) -> list[str]:
        """The names of the strings found, when the condition holds; else []."""
        found = [n for n in self.among if self.strings[n].search(text)]
        return found if len(found) >= self.needed else []


@dataclass(frozen=True)
class Watchlist:
    name: str
    selectors: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    keywords: tuple[tuple[str, re.Pattern[str]], ...] = ()
    patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()
    rules: tuple[Rule, ...] = ()
    webhooks: tuple[str, ...] = ()
    handle_forms: dict[str, str] = field(default_factory=dict)  # skeleton/core -> handle

    def handle_match(self, handle: str) -> str | None:
        """The watched handle this one is, or spells differently; None if none."""
        for form in (handle.casefold(), "s:" + skeleton(handle), "c:" + core(handle)):
            if form in self.handle_forms:
                return self.handle_forms[form]
        return None


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise FormatError(f"watchlist: {what} must be a list of strings")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _compile(text: str, where: str) -> re.Pattern[str]:
    """'/regex/flags' as a regex (flags i, s, m), anything else as literal text, ignoring case."""
    match = re.fullmatch(r"/(.+)/([ism]*)", text, re.S)
    try:
        if match:
            flags = 0
            for letter in match.group(2):
                flags |= {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE}[letter]
            return re.compile(match.group(1), flags)
        return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)
    except re.error as exc:
        raise FormatError(f"watchlist: {where}: bad regular expression: {exc}") from None


def _rule(data: Any, n: int) -> Rule:
    if not isinstance(data, dict) or not isinstance(data.get("strings"), dict):
        raise FormatError(f"watchlist: rule {n + 1} needs a name, strings and a condition")
    name = str(data.get("name") or f"rule-{n + 1}")
    strings = {}
    for key, value in data["strings"].items():
        label = str(key) if str(key).startswith("$") else f"${key}"
        if not isinstance(value, str) or not value:
            raise FormatError(f"watchlist: rule {name}: string {label} is empty or not text")
        strings[label] = _compile(value, f"rule {name} {label}")
    condition = str(data.get("condition") or "any of them")
    m = _CONDITION.match(condition)
    if m is None:
        raise FormatError(
            f"watchlist: rule {name}: condition {condition!r} is not 'any|all|N of them' "
            "or 'any|all|N of ($a, $b)'"
        )
    among = (
        tuple(strings) if m.group(3) is None else tuple(s.strip() for s in m.group(3).split(","))
    )
    unknown = [s for s in among if s not in strings]
    if unknown:
        raise FormatError(f"watchlist: rule {name}: condition names unknown {', '.join(unknown)}")
    count = m.group(1).lower()
    needed = 1 if count == "any" else len(among) if count == "all" else int(count)
    if not 1 <= needed <= len(among):
        raise FormatError(f"watchlist: rule {name}: needs {needed} of {len(among)} strings")
    return Rule(name, strings, needed, among, condition)


def parse_watchlist(data: Any, default_name: str = "watchlist") -> Watchlist:
    if not isinstance(data, dict):
        raise FormatError("watchlist: expected a YAML mapping (selectors:, keywords:, ...)")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise FormatError(f"watchlist: unknown keys {', '.join(unknown)}")
    handles = _strings(data.get("handles"), "handles")
    forms: dict[str, str] = {}
    for h in handles:
        for form in (h.casefold(), "s:" + skeleton(h), "c:" + core(h)):
            forms.setdefault(form, h)
    patterns = []
    for n, p in enumerate(data.get("patterns") or []):
        if isinstance(p, str):
            p = {"name": p, "regex": p}
        if not isinstance(p, dict) or not isinstance(p.get("regex"), str):
            raise FormatError(f"watchlist: pattern {n + 1} needs a regex")
        name = str(p.get("name") or p["regex"])
        try:
            patterns.append((name, re.compile(p["regex"], re.IGNORECASE)))
        except re.error as exc:
            raise FormatError(f"watchlist: pattern {name}: bad regular expression: {exc}") from None
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        raise FormatError("watchlist: rules must be a list")
    watchlist = Watchlist(
        name=str(data.get("name") or default_name),
        selectors=_strings(data.get("selectors"), "selectors"),
        handles=handles,
        keywords=tuple(
            (k, _compile(k, f"keyword {k}")) for k in _strings(data.get("keywords"), "keywords")
        ),
        patterns=tuple(patterns),
        rules=tuple(_rule(r, n) for n, r in enumerate(rules)),
        webhooks=_strings(data.get("webhooks"), "webhooks")
        + _strings(data.get("webhook"), "webhook"),
        handle_forms=forms,
    )
    if not (watchlist.selectors or handles or watchlist.keywords or patterns or watchlist.rules):
        raise FormatError("watchlist: nothing to watch (selectors, handles, keywords, ...)")
    return watchlist


def load_watchlist(path: Path) -> Watchlist:
    if not path.is_file():
        raise InputError(f"watchlist {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FormatError(f"watchlist {path} is not valid YAML: {exc}") from None
    return parse_watchlist(data, path.stem)
