"""Writing a snapshot in each sharing format, through darkrange.share."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from darkrange import share
from darkrange.errors import StateError


def _need(name: str) -> Any:
    func = getattr(share, name, None)
    if func is None:
        raise StateError(f"this darkrange has no share.{name}: the format is not available")
    return func


def _json(data: Any) -> str:
    if hasattr(data, "to_json"):  # a pymisp MISPEvent
        return str(data.to_json(indent=1))
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write(
    snap: share.CaseSnapshot, fmt: str, out: Path, pseudonymise: bool, now: datetime
) -> list[Path]:
    """Write `snap` as `fmt` to `out` (a file, or a folder for csv and report)."""
    if out.exists():
        raise StateError(f"{out} exists; not overwriting")
    if fmt == "stix":
        out.write_text(
            _json(_need("to_stix")(snap, pseudonymise=pseudonymise, now=now)), encoding="utf-8"
        )
        return [out]
    if fmt == "misp":
        out.write_text(
            _json(_need("to_misp")(snap, pseudonymise=pseudonymise, now=now)), encoding="utf-8"
        )
        return [out]
    if fmt == "graphml":
        text = _need("to_graphml")(snap, pseudonymise=pseudonymise)
        out.write_text(text if isinstance(text, str) else text.decode("utf-8"), encoding="utf-8")
        return [out]
    out.mkdir(parents=True)
    if fmt == "csv":
        written = _need("to_csv")(snap, out, pseudonymise=pseudonymise)
    else:
        written = _need("court_report")(snap, out, pseudonymise=pseudonymise, now=now)
    return sorted(Path(p) for p in (written or ()) if p is not None) or sorted(out.rglob("*"))


def read(path: Path, fmt: str, partner: str, now: datetime) -> share.CaseSnapshot:
    """A partner's STIX bundle or MISP event as a snapshot."""
    from darkrange.errors import FormatError, InputError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (ValueError, UnicodeDecodeError):
        raise FormatError(f"{path}: not JSON") from None
    reader = _need("from_stix" if fmt == "stix" else "from_misp")
    snap: share.CaseSnapshot = reader(data, partner=partner, imported_at=now)
    return snap
