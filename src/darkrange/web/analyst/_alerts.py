"""Watchlist alerts (`darkrange watch run` state folders) and their acknowledgement.

`--watch` names a state folder (holding alerts.jsonl), a watchlist YAML (its state is
`NAME.state` beside it) or a folder of either. An acknowledgement is kept beside the alerts in
`acknowledged.json` (alert id -> who, when, note), rewritten whole and swapped in, so the
watch run's own files are never touched.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from darkrange.errors import FormatError, InputError

ALERTS = "alerts.jsonl"
ACKS = "acknowledged.json"


@dataclass
class AlertRow:
    state: int  # which state folder (its position in `states`)
    alert: dict[str, Any]
    ack: dict[str, Any] | None


def states(watch: Path) -> list[Path]:
    """Every watch state folder under the configured path, in name order."""
    if watch.is_file() and watch.suffix in (".yaml", ".yml"):
        found = [watch.with_name(f"{watch.stem}.state")]
    elif (watch / ALERTS).is_file():
        found = [watch]
    elif watch.is_dir():
        found = sorted(p.parent for p in watch.glob(f"*/{ALERTS}"))
    else:
        found = []
    return [p for p in found if (p / ALERTS).is_file()]


def _read_acks(state: Path) -> dict[str, Any]:
    path = state / ACKS
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(f"{path} is unreadable: {exc}") from None
    return data if isinstance(data, dict) else {}


def _read_alerts(state: Path) -> list[dict[str, Any]]:
    path = state / ALERTS
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:
                raise FormatError(f"{path} line {n + 1} is not JSON") from None
    return out


def alerts(watch: Path, show_acknowledged: bool = False) -> list[AlertRow]:
    """Alerts of every state folder, newest first; acknowledged ones only when asked."""
    rows = []
    for n, state in enumerate(states(watch)):
        acks = _read_acks(state)
        for alert in _read_alerts(state):
            ack = acks.get(str(alert.get("alert_id")))
            if ack is None or show_acknowledged:
                rows.append(AlertRow(n, alert, ack))
    rows.sort(key=lambda r: (str(r.alert.get("raised_at", "")), str(r.alert.get("alert_id"))))
    rows.reverse()
    return rows


def acknowledge(
    watch: Path, state_no: int, alert_id: str, by: str, note: str, at: datetime
) -> None:
    found = states(watch)
    if not 0 <= state_no < len(found):
        raise InputError(f"no watch state {state_no}")
    state = found[state_no]
    if not any(str(a.get("alert_id")) == alert_id for a in _read_alerts(state)):
        raise InputError(f"no alert {alert_id} in {state.name}")
    acks = _read_acks(state)
    if alert_id in acks:
        raise InputError(f"alert {alert_id} was acknowledged by {acks[alert_id]['by']} already")
    acks[alert_id] = {"by": by, "at": at.isoformat(timespec="seconds"), "note": note}
    tmp = state / f".{ACKS}.tmp"
    tmp.write_text(json.dumps(acks, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, state / ACKS)
