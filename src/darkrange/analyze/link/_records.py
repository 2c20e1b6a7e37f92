"""Reading a records folder (`darkrange parse --out DIR`): one Parquet file per record kind.

Columns are named as the fields of darkrange.extract.records' dataclasses; a column a file lacks
reads as None, so records from an older parser still load. `pointers` (the WARC captures) may be
a list of structs or a JSON string.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from darkrange.errors import FormatError, InputError

__all__ = [
    "KINDS",
    "Columns",
    "check_records",
    "first_pointer",
    "iter_records",
    "read_columns",
    "read_kind",
    "when",
]

KINDS = ("listings", "vendors", "reviews", "threads", "posts", "pastes")


def check_records(folder: Path) -> None:
    """Refuse a folder that is missing or holds no records."""
    if not folder.is_dir():
        raise InputError(f"records folder {folder} does not exist")
    if not any((folder / f"{kind}.parquet").is_file() for kind in KINDS):
        names = ", ".join(f"{k}.parquet" for k in KINDS)
        raise InputError(f"{folder} holds no records ({names}); run `darkrange parse` first")


def read_kind(folder: Path, kind: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of one record kind ([] when its file is absent); missing columns read as None."""
    path = folder / f"{kind}.parquet"
    if not path.is_file():
        return []
    try:
        schema = pq.read_schema(path)
        present = [c for c in columns if c in schema.names] if columns else None
        table = pq.read_table(path, columns=present)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FormatError(f"{path} is not a readable Parquet file: {exc}") from None
    rows: list[dict[str, Any]] = table.to_pylist()
    if columns:
        missing = [c for c in columns if c not in table.column_names]
        for row in rows:
            for c in missing:
                row[c] = None
    return rows


def iter_records(folder: Path, columns: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, row) for every record of every kind, in a stable order."""
    for kind in KINDS:
        for row in read_kind(folder, kind, columns):
            yield kind, row


def _pointers(row: dict[str, Any]) -> list[dict[str, Any]]:
    raw = row.get("pointers")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return [p for p in raw or [] if isinstance(p, dict)]


def when(value: object) -> datetime | None:
    """A capture or post time as an aware UTC datetime (datetime, ISO text or Unix seconds)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def first_pointer(row: dict[str, Any]) -> dict[str, Any]:
    """The latest capture of a record as plain JSON values ({} when it has none)."""
    pointers = _pointers(row)
    if not pointers:
        return {}
    latest = max(pointers, key=lambda p: (str(when(p.get("captured")) or ""), str(p.get("file"))))
    captured = when(latest.get("captured"))
    return {
        "file": latest.get("file"),
        "offset": latest.get("offset"),
        "record_id": latest.get("record_id"),
        "target_uri": latest.get("target_uri"),
        "captured": captured.isoformat() if captured else None,
    }


def captures(row: dict[str, Any]) -> list[datetime]:
    return [t for t in (when(p.get("captured")) for p in _pointers(row)) if t is not None]


class Columns:
    """One record kind read column by column (Python lists only for the fields asked for):
    far cheaper than a dict per row when there are hundreds of thousands of rows."""

    def __init__(self, table: pa.Table | None, columns: list[str]) -> None:
        self.table = table
        self.rows = 0 if table is None else table.num_rows
        self.values: dict[str, list[Any]] = {}
        self._arrays: dict[str, pa.Array] = {}
        for c in columns:
            if table is not None and c in table.column_names:
                self.values[c] = table.column(c).to_pylist()
            else:
                self.values[c] = [None] * self.rows

    def __getitem__(self, column: str) -> list[Any]:
        return self.values[column]

    def row(self, i: int, columns: list[str]) -> dict[str, Any]:
        """One row as a dict (for the few rows that need one)."""
        out: dict[str, Any] = {}
        for c in columns:
            if c in self.values:
                out[c] = self.values[c][i]
            elif self.table is not None and c in self.table.column_names:
                if c not in self._arrays:  # one contiguous array: O(1) to index
                    self._arrays[c] = self.table.column(c).combine_chunks()
                out[c] = self._arrays[c][i].as_py()
            else:
                out[c] = None
        return out

    def pointer_counts(self) -> list[int]:
        """Per row, how many WARC pointers it carries."""
        if self.table is None or "pointers" not in self.table.column_names:
            return [0] * self.rows
        column = self.table.column("pointers").combine_chunks()
        if pa.types.is_list(column.type):
            counts: list[int] = pc.fill_null(pc.list_value_length(column), 0).to_pylist()
            return counts
        return [len(_pointers({"pointers": p})) for p in column.to_pylist()]

    def latest_captures(self) -> list[datetime | None]:
        """Per row, the latest `pointers[].captured` (None without one), in Arrow when the
        pointers are a list of structs with a timestamp, else row by row."""
        if self.table is None or "pointers" not in self.table.column_names:
            return [None] * self.rows
        column = self.table.column("pointers").combine_chunks()
        kind = column.type
        if (
            pa.types.is_list(kind)
            and pa.types.is_struct(kind.value_type)
            and kind.value_type.get_field_index("captured") >= 0
            and pa.types.is_timestamp(kind.value_type.field("captured").type)
        ):
            return _latest_in_arrow(column)
        return [
            max(found) if (found := captures({"pointers": p})) else None for p in column.to_pylist()
        ]


def _latest_in_arrow(column: pa.Array) -> list[datetime | None]:
    lengths = pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False)
    field = pc.struct_field(pc.list_flatten(column), "captured")
    stamps = pc.cast(field, pa.timestamp("us", tz="UTC"))
    never = np.iinfo(np.int64).min
    micros = pc.fill_null(pc.cast(stamps, pa.int64()), never).to_numpy(zero_copy_only=False)
    latest = np.full(len(lengths), never, dtype=np.int64)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    np.maximum.at(latest, rows, micros)
    out = pa.array(np.where(latest == never, 0, latest), type=pa.int64())
    out = pc.cast(out, pa.timestamp("us", tz="UTC")).to_pylist()
    return [t if m != never else None for t, m in zip(out, latest.tolist(), strict=True)]


def read_columns(folder: Path, kind: str, columns: list[str]) -> Columns:
    """A record kind's columns (empty when its file is absent); missing columns read as None."""
    path = folder / f"{kind}.parquet"
    if not path.is_file():
        return Columns(None, columns)
    try:
        schema = pq.read_schema(path)
        table = pq.read_table(path, columns=[c for c in columns if c in schema.names])
    except (pa.ArrowInvalid, OSError) as exc:
        raise FormatError(f"{path} is not a readable Parquet file: {exc}") from None
    return Columns(table, [c for c in columns if c != "pointers"])
