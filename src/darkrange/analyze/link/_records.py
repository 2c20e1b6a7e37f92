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

import pyarrow as pa
import pyarrow.parquet as pq

from darkrange.errors import FormatError, InputError

__all__ = ["KINDS", "check_records", "first_pointer", "iter_records", "read_kind", "when"]

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
