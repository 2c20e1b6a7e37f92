"""A watch run: match, keep only alerts never raised before (state folder), deliver.

The state folder holds `alerts.jsonl` (every alert ever raised, with when), `chain.json` (the
last block height looked at per chain store) and `delivered.json` (alert ids each webhook has
acknowledged). Each file is rewritten whole and swapped in, so a killed run loses nothing: an
alert not yet recorded is raised again, a webhook not yet acknowledged is sent again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from darkrange.analyze.watch._match import Alert, match_chain, match_records
from darkrange.analyze.watch._watchlist import load_watchlist
from darkrange.errors import FormatError, InputError

__all__ = ["WatchRun", "deliver", "run_watch"]


@dataclass
class WatchRun:
    watchlist: str
    new: list[Alert]
    repeated: int
    delivered: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _read_json(path: Path, default: Any) -> Any:
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(f"watch state {path} is unreadable: {exc}") from None


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _raised(state: Path) -> list[dict[str, Any]]:
    path = state / "alerts.jsonl"
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:
                raise FormatError(f"{path} line {n + 1} is not JSON") from None
    return out


def run_watch(
    watchlist_file: Path,
    records: Path | None = None,
    chain: Path | None = None,
    state: Path | None = None,
    webhooks: tuple[str, ...] = (),
    now: datetime | None = None,
) -> WatchRun:
    """Apply a watchlist to a records folder and/or a chain store; raise and deliver new alerts."""
    if records is None and chain is None:
        raise InputError("watch run needs --records DIR and/or --chain STORE")
    w = load_watchlist(watchlist_file)
    state = state or watchlist_file.with_name(f"{watchlist_file.stem}.state")
    if state.exists() and not state.is_dir():
        raise InputError(f"--state {state} is a file; give a folder")
    state.mkdir(parents=True, exist_ok=True)
    alerts = match_records(w, records) if records is not None else []
    heights: dict[str, int] = _read_json(state / "chain.json", {})
    if chain is not None:
        key = str(chain.resolve())
        found, heights[key] = match_chain(w, chain, int(heights.get(key, -1)))
        alerts += found
    raised = _raised(state)
    seen = {a["alert_id"] for a in raised}
    new: list[Alert] = []
    for alert in alerts:
        if alert.alert_id not in seen:
            seen.add(alert.alert_id)
            new.append(alert)
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    lines = [json.dumps(a, ensure_ascii=False) for a in raised]
    lines += [json.dumps({**a.to_json(), "raised_at": stamp}, ensure_ascii=False) for a in new]
    _write(state / "alerts.jsonl", "".join(line + "\n" for line in lines))
    _write(state / "chain.json", json.dumps(heights, indent=1, sort_keys=True) + "\n")
    result = WatchRun(w.name, new, len(alerts) - len(new))
    targets = tuple(dict.fromkeys((*w.webhooks, *webhooks)))
    if targets:
        all_alerts = [*raised, *(a.to_json() for a in new)]
        result.delivered, result.failures = deliver(state, w.name, targets, all_alerts)
    return result


def deliver(
    state: Path, watchlist: str, urls: tuple[str, ...], alerts: list[dict[str, Any]]
) -> tuple[dict[str, int], list[str]]:
    """POST every alert a webhook has not acknowledged (a 2xx answer) as one JSON batch."""
    done: dict[str, list[str]] = _read_json(state / "delivered.json", {})
    counts: dict[str, int] = {}
    failures: list[str] = []
    for url in urls:
        acked = set(done.get(url, []))
        pending = [a for a in alerts if a["alert_id"] not in acked]
        if not pending:
            counts[url] = 0
            continue
        sent = [{k: v for k, v in a.items() if k != "raised_at"} for a in pending]
        body = {"watchlist": watchlist, "count": len(sent), "alerts": sent}
        try:
            answer = httpx.post(url, json=body, timeout=10.0)
        except httpx.HTTPError as exc:
            failures.append(f"{url}: {exc.__class__.__name__}: {exc}")
            continue
        if not answer.is_success:
            failures.append(f"{url}: HTTP {answer.status_code}")
            continue
        done[url] = sorted(acked | {a["alert_id"] for a in pending})
        counts[url] = len(pending)
    _write(state / "delivered.json", json.dumps(done, indent=1, sort_keys=True) + "\n")
    return counts, failures
