"""Snapshot items <-> plain JSON, generically from the dataclasses' type hints.

Used where a format has no place of its own for darkrange's fields (the MISP comment of a
carrier object) and by `snapshot_to_json` / `snapshot_from_json`, the snapshot's own file
form (docs/formats/exports.md).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from darkrange.errors import FormatError
from darkrange.share._snapshot import CaseSnapshot
from darkrange.share._stix_base import parse_timestamp, timestamp

T = TypeVar("T")


def item_to_json(item: Any) -> Any:
    """A snapshot item (or any value inside one) as JSON-ready data."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: item_to_json(getattr(item, f.name)) for f in dataclasses.fields(item)}
    if isinstance(item, dict):
        return {str(k): item_to_json(v) for k, v in item.items()}
    if isinstance(item, tuple | list):
        return [item_to_json(x) for x in item]
    if isinstance(item, datetime):
        return timestamp(item)
    return item


def item_from_json(cls: type[T], data: Any) -> T:
    """The dataclass `cls` from `item_to_json`'s output; FormatError when it does not fit."""
    try:
        value = _decode(cls, data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FormatError(f"cannot read a {cls.__name__} from the data: {exc}") from None
    return typing.cast(T, value)


def snapshot_to_json(snapshot: CaseSnapshot) -> dict[str, Any]:
    return {"darkrange_snapshot": 1, **item_to_json(snapshot)}


def snapshot_from_json(data: dict[str, Any]) -> CaseSnapshot:
    if not isinstance(data, dict) or data.get("darkrange_snapshot") != 1:
        raise FormatError("not a darkrange case snapshot (no darkrange_snapshot: 1)")
    body = {k: v for k, v in data.items() if k != "darkrange_snapshot"}
    return item_from_json(CaseSnapshot, body)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, data: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return None if data is None else _decode(options[0], data)
    if origin is tuple:
        inner = typing.get_args(hint)[0]
        return tuple(_decode(inner, x) for x in data)
    if origin is typing.Literal or hint in (str, bool):
        return data
    if hint is int:
        return int(data)
    if hint is float:
        return float(data)
    if hint is datetime:
        parsed = parse_timestamp(data)
        if parsed is None:
            raise ValueError(f"not a time: {data!r}")
        return parsed
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(data, dict):
            raise TypeError(f"{hint.__name__} wants an object")
        hints = _hints(hint)
        known = {f.name for f in dataclasses.fields(hint)}
        return hint(**{k: _decode(hints[k], v) for k, v in data.items() if k in known})
    return data
