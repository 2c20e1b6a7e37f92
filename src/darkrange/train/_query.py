"""Truth queries: `plots[cell-precursors].vendor_accounts[*].handle` and the like.

A query starts with a source (`plots`, `world`, `sites_json`, a truth table such as `accounts`,
or a fact of the exercise as `$name`) and applies steps left to right:

- `.field`: a field of an object; on a list, the field of every item
- `[*]`: every item of a list; later `[...]` steps apply to each item (`order_txids[*][0]`:
  the first txid of every order)
- `[N]`, `[-1]`: one item of a list
- `[name]`: the item of a list of plots whose `plot` is `name`
- `[key=value,key2!=value2,key3~=part]`: items whose fields match all conditions (`~=`: the
  field contains `part`, e.g. one of a `;`-separated list); a value `$name` is a fact
- `:split`, `:first`, `:last`, `:unique`, `:sorted`, `:count`, `:sum`, `:lower`, `:upper`,
  `:int`, `:number`: functions on the whole current value
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from darkrange.errors import FormatError, InputError
from darkrange.train._world import TRUTH_TABLES, WorldView

__all__ = ["FUNCTIONS", "check_query", "run_query"]

_TOKEN = re.compile(r"\.([A-Za-z_][\w-]*)|\[([^\]]*)\]|:([a-z]+)")
_HEAD = re.compile(r"^(\$?[A-Za-z_][\w-]*)")
_COND = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*(!=|~=|=)\s*(.*?)\s*$")

SOURCES = ("plots", "world", "sites_json", *TRUTH_TABLES)


def _split(v: Any) -> Any:
    if isinstance(v, list):
        return [x for item in v for x in _split(item)]
    return [p for p in str(v).split(";") if p] if v not in (None, "") else []


def _number(v: Any) -> Any:
    if isinstance(v, list):
        return [_number(x) for x in v]
    return float(v)


def _unique(v: Any) -> list[Any]:
    out: list[Any] = []
    for x in _as_list(v):
        if x not in out:
            out.append(x)
    return out


FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "split": _split,
    "first": lambda v: _as_list(v)[0] if _as_list(v) else None,
    "last": lambda v: _as_list(v)[-1] if _as_list(v) else None,
    "unique": _unique,
    "sorted": lambda v: sorted(_as_list(v), key=str),
    "count": lambda v: len(_as_list(v)),
    "sum": lambda v: sum(float(x) for x in _as_list(v)),
    "lower": lambda v: [str(x).lower() for x in v] if isinstance(v, list) else str(v).lower(),
    "upper": lambda v: [str(x).upper() for x in v] if isinstance(v, list) else str(v).upper(),
    "int": lambda v: [int(float(x)) for x in v] if isinstance(v, list) else int(float(v)),
    "number": _number,
}


def _as_list(v: Any) -> list[Any]:
    return list(v) if isinstance(v, list) else [v]


class _Each(list[Any]):
    """The items after `[*]`: later `[...]` steps apply to each item, not to the list."""


def _parse(query: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a query into its source and steps; a FormatError names what is wrong."""
    text = query.strip()
    head = _HEAD.match(text)
    if not head:
        raise FormatError(f"query {query!r} must start with a source or a $fact")
    source = head.group(1)
    if not source.startswith("$") and source not in SOURCES:
        raise FormatError(
            f"query {query!r}: unknown source {source!r} (one of {', '.join(SOURCES)})"
        )
    steps: list[tuple[str, str]] = []
    pos = head.end()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise FormatError(f"query {query!r}: cannot read from {text[pos:]!r}")
        if m.group(1) is not None:
            steps.append(("field", m.group(1)))
        elif m.group(2) is not None:
            steps.append(("select", m.group(2).strip()))
        else:
            if m.group(3) not in FUNCTIONS:
                raise FormatError(f"query {query!r}: unknown function :{m.group(3)}")
            steps.append(("func", m.group(3)))
        pos = m.end()
    return source, steps


def check_query(query: str) -> list[str]:
    """The facts ($names) a query uses; raises FormatError when it cannot be parsed."""
    source, steps = _parse(query)
    used = [source[1:]] if source.startswith("$") else []
    for kind, arg in steps:
        if kind == "select" and "=" in arg:
            for cond in arg.split(","):
                m = _COND.match(cond)
                if not m:
                    raise FormatError(f"query {query!r}: bad condition {cond!r}")
                if m.group(3).startswith("$"):
                    used.append(m.group(3)[1:])
    return used


def _start(world: WorldView, source: str, facts: Mapping[str, Any]) -> Any:
    if source.startswith("$"):
        if source[1:] not in facts:
            raise InputError(f"fact {source} is used before it is defined")
        return facts[source[1:]]
    if source == "plots":
        return world.plots
    if source == "world":
        return world.manifest
    if source == "sites_json":
        return world.sites_json
    return world.truth(source)


def _field(node: Any, name: str, query: str) -> Any:
    if isinstance(node, list):
        return [_field(item, name, query) for item in node]
    if not isinstance(node, dict):
        raise InputError(f"query {query!r}: .{name} on a {type(node).__name__}")
    if name not in node:
        raise InputError(f"query {query!r}: no field {name!r} (have {', '.join(sorted(node))})")
    return node[name]


def _matches(item: Any, conds: list[tuple[str, str, Any]]) -> bool:
    if not isinstance(item, dict):
        return False
    for key, op, want in conds:
        have = item.get(key)
        have_s = "" if have is None else str(have)
        wants = [str(w) for w in _as_list(want)]
        if op == "=" and have_s not in wants:
            return False
        if op == "!=" and have_s in wants:
            return False
        if op == "~=" and not any(w in have_s for w in wants):
            return False
    return True


def _select(node: Any, arg: str, facts: Mapping[str, Any], query: str) -> Any:
    if isinstance(node, _Each):
        return _Each(_select(item, arg, facts, query) for item in node)
    if not isinstance(node, list):
        raise InputError(f"query {query!r}: [{arg}] on a {type(node).__name__}, not a list")
    if arg == "*":
        return _Each(node)
    if re.fullmatch(r"-?\d+", arg):
        i = int(arg)
        if not -len(node) <= i < len(node):
            raise InputError(f"query {query!r}: no item [{arg}] (the list has {len(node)})")
        return node[i]
    if "=" not in arg:
        for item in node:
            if isinstance(item, dict) and item.get("plot") == arg:
                return item
        raise InputError(f"query {query!r}: no plot {arg!r} in this world")
    conds: list[tuple[str, str, Any]] = []
    for cond in arg.split(","):
        m = _COND.match(cond)
        if not m:
            raise FormatError(f"query {query!r}: bad condition {cond!r}")
        value: Any = m.group(3)
        if value.startswith("$"):
            if value[1:] not in facts:
                raise InputError(f"fact {value} is used before it is defined")
            value = facts[value[1:]]
        conds.append((m.group(1), m.group(2), value))
    return [item for item in node if _matches(item, conds)]


def run_query(world: WorldView, query: str, facts: Mapping[str, Any] | None = None) -> Any:
    """Evaluate a truth query against one world."""
    facts = facts or {}
    source, steps = _parse(query)
    node = _start(world, source, facts)
    for kind, arg in steps:
        if kind == "field":
            each = isinstance(node, _Each)
            node = _field(node, arg, query)
            node = _Each(node) if each else node
        elif kind == "select":
            node = _select(node, arg, facts, query)
        else:
            node = FUNCTIONS[arg](node)
    return list(node) if isinstance(node, _Each) else node
