"""Records to Parquet, one file per kind (docs/formats/records.md). Columns follow the record
dataclasses in field order, then `captured` (the latest capture) and `pointers`. Every file is
written beside its final name and moved into place only when all are complete."""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from darkrange.errors import InputError
from darkrange.extract.records._model import (
    Contact,
    Link,
    Listing,
    Paste,
    Post,
    Price,
    Record,
    Review,
    Thread,
    Vendor,
    WarcPointer,
)

__all__ = ["TABLES", "schema_of", "write_tables"]

TIME = pa.timestamp("us", tz="UTC")
POINTER = pa.struct([("file", pa.string()), ("offset", pa.int64()), ("record_id", pa.string()),
                     ("target_uri", pa.string()), ("captured", TIME)])  # fmt: skip
_ARROW: dict[Any, pa.DataType] = {
    str: pa.string(),
    float: pa.float64(),
    int: pa.int64(),
    bool: pa.bool_(),
    datetime: TIME,
    list[Price]: pa.list_(pa.struct([("amount", pa.float64()), ("currency", pa.string())])),
    list[Contact]: pa.list_(pa.struct([("kind", pa.string()), ("value", pa.string())])),
    list[tuple[str, str]]: pa.list_(pa.struct([("label", pa.string()), ("value", pa.string())])),
}
TABLES: dict[str, type[Record]] = {"listings": Listing, "vendors": Vendor, "reviews": Review,
                                   "threads": Thread, "posts": Post, "pastes": Paste,
                                   "links": Link}  # fmt: skip


def _arrow_type(hint: Any) -> pa.DataType:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = args[0]
    return _ARROW[hint]


def schema_of(kind: type[Record]) -> pa.Schema:
    hints = typing.get_type_hints(kind)
    columns = [(f.name, _arrow_type(hints[f.name])) for f in dataclasses.fields(kind)
               if f.name != "pointers"]  # fmt: skip
    return pa.schema([*columns, ("captured", TIME), ("pointers", pa.list_(POINTER))])


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, tuple):
        return {"label": value[0], "value": value[1]}
    if isinstance(value, WarcPointer | Price | Contact):
        return dataclasses.asdict(value)
    return value


def _table(kind: type[Record], records: list[Any]) -> pa.Table:
    schema = schema_of(kind)
    names = [f.name for f in dataclasses.fields(kind) if f.name != "pointers"]
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    for record in records:
        for name in names:
            columns[name].append(_value(getattr(record, name)))
        columns["captured"].append(record.captured)
        columns["pointers"].append(_value(record.pointers))
    return pa.table(columns, schema=schema)


def write_tables(out: Path, tables: dict[str, tuple[type[Record], list[Any]]],
                 extra: dict[str, pa.Table] | None = None) -> dict[str, Path]:  # fmt: skip
    """Write NAME.parquet for each table into `out` (created if needed)."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    ready = {name: _table(kind, records) for name, (kind, records) in tables.items()}
    ready.update(extra or {})
    written: dict[str, Path] = {}
    try:
        for name, table in ready.items():
            temporary = out / f".{name}.parquet.partial"
            pq.write_table(table, temporary, compression="zstd")
            written[name] = temporary
    except OSError as exc:
        for temporary in written.values():
            temporary.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    final = {}
    for name, temporary in written.items():
        final[name] = out / f"{name}.parquet"
        os.replace(temporary, final[name])
    return final
