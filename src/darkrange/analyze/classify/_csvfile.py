"""Classifying a CSV file of listings, and reading labelled CSV files to train on.

The output keeps every input column and row, in order, and adds category, confidence,
risk_flags (';'-separated) and explanation. It is written beside its destination and renamed
into place, so a failed or killed run leaves no half-written file; the input is never the
output.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from darkrange.analyze.classify._features import listing_text
from darkrange.analyze.classify._flags import risk_flags
from darkrange.analyze.classify._labels import CATEGORIES
from darkrange.analyze.classify._model import Model
from darkrange.errors import FormatError, InputError

ADDED = ("category", "confidence", "risk_flags", "explanation")
BATCH = 2000
# Descriptions can be long; the csv module's default limit (128 KiB a field) is not a format
# rule.
_FIELD_LIMIT = 64 * 1024 * 1024

Advance = Callable[[int, int], None]  # (rows done, rows in all)


def parse_columns(spec: str) -> list[str]:
    """'title, description' -> ['title', 'description']."""
    columns = [c.strip() for c in spec.split(",") if c.strip()]
    if not columns:
        raise InputError("--text-columns names no column (e.g. --text-columns title,description)")
    return columns


@dataclass
class _Table:
    path: Path
    header: list[str]
    rows: Iterator[list[str]]


def _open_rows(path: Path, handle: Iterator[str]) -> _Table:
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path} is empty: expected a CSV header line") from None
    except csv.Error as exc:
        raise FormatError(f"{path}: not a readable CSV ({exc})") from None
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not UTF-8 text") from None
    if not any(h.strip() for h in header):
        raise InputError(f"{path} has an empty header line")
    return _Table(path, [h.strip() for h in header], _checked(path, reader, len(header)))


def _checked(path: Path, reader: Iterator[list[str]], width: int) -> Iterator[list[str]]:
    line = 1
    try:
        for row in reader:
            line += 1
            if not row:
                continue  # a blank line is not a listing
            if len(row) > width:
                raise FormatError(
                    f"{path}: row {line} has {len(row)} fields, the header has {width}"
                )
            yield row + [""] * (width - len(row))
    except csv.Error as exc:
        raise FormatError(f"{path}: not a readable CSV near row {line} ({exc})") from None
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not UTF-8 text near row {line}") from None


def _indexes(table: _Table, columns: Sequence[str]) -> list[int]:
    missing = [c for c in columns if c not in table.header]
    if missing:
        raise InputError(
            f"{table.path} has no column {', '.join(missing)} "
            f"(its columns: {', '.join(table.header)})"
        )
    return [table.header.index(c) for c in columns]


def _check_paths(source: Path, out: Path) -> None:
    if not source.is_file():
        raise InputError(f"no such file: {source}")
    if out.exists() and out.resolve() == source.resolve():
        raise InputError(f"--out {out} is the input file; write the result to another file")
    if out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name")
    if not out.parent.is_dir():
        raise InputError(f"no such folder for --out: {out.parent}")


def _count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return max(0, sum(1 for row in csv.reader(handle) if row) - 1)


def classify_csv(
    source: Path,
    out: Path,
    text_columns: Sequence[str],
    model: Model,
    prefix: str = "",
    advance: Advance | None = None,
) -> int:
    """Write out = source plus the added columns; the number of rows classified."""
    _check_paths(source, out)
    csv.field_size_limit(_FIELD_LIMIT)
    total = _count_rows(source)
    added = [prefix + a for a in ADDED]
    done = 0
    with source.open(newline="", encoding="utf-8-sig") as handle:
        table = _open_rows(source, handle)
        wanted = _indexes(table, text_columns)
        clash = [a for a in added if a in table.header]
        if clash:
            raise InputError(
                f"{source} already has a column {', '.join(clash)}; "
                "use --prefix (e.g. --prefix predicted_) to name the new ones apart"
            )
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as sink:
                writer = csv.writer(sink, lineterminator="\n")
                writer.writerow(table.header + added)
                for batch in _batches(table.rows):
                    writer.writerows(_classified(batch, wanted, model))
                    done += len(batch)
                    if advance is not None:
                        advance(done, max(total, done))
            if done == 0:
                raise InputError(f"{source} has a header but no rows")
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return done


def _batches(rows: Iterator[list[str]]) -> Iterator[list[list[str]]]:
    batch: list[list[str]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _classified(batch: list[list[str]], wanted: list[int], model: Model) -> list[list[str]]:
    texts = [listing_text([row[i] for i in wanted]) for row in batch]
    predictions = model.predict(texts)
    out = []
    for row, text, p in zip(batch, texts, predictions, strict=True):
        flags = risk_flags(text)
        out.append(
            [*row, p.category, f"{p.confidence:.4f}", ";".join(flags.flags), flags.explanation()]
        )
    return out


def read_labelled(
    paths: Sequence[Path], text_columns: Sequence[str], label_column: str, any_labels: bool
) -> tuple[list[str], list[str], int]:
    """Texts and labels from labelled CSV files, and how many rows had no label (left out).
    Labels are lower-cased; unless any_labels, they must be darkrange's categories."""
    csv.field_size_limit(_FIELD_LIMIT)
    texts: list[str] = []
    labels: list[str] = []
    unlabelled = 0
    for path in paths:
        if not path.is_file():
            raise InputError(f"no such file: {path}")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            table = _open_rows(path, handle)
            wanted = _indexes(table, text_columns)
            label_at = _indexes(table, [label_column])[0]
            for row in table.rows:
                label = row[label_at].strip().lower()
                if not label:
                    unlabelled += 1
                    continue
                texts.append(listing_text([row[i] for i in wanted]))
                labels.append(label)
    if not labels:
        raise InputError("no labelled rows in " + ", ".join(str(p) for p in paths))
    unknown = sorted(set(labels) - set(CATEGORIES))
    if unknown and not any_labels:
        raise InputError(
            f"labels {', '.join(unknown[:5])} are not darkrange categories "
            f"({', '.join(CATEGORIES)}); pass --any-labels to train on your own"
        )
    return texts, labels, unlabelled
