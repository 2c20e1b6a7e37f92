"""Request counting per circuit or session: rate limits, temporary bans, scraper suspension."""

from __future__ import annotations

from dataclasses import dataclass

_MAX_KEYS = 50_000


@dataclass
class _Window:
    minute: int
    current: int
    previous: int


class RateCounter:
    """Requests per minute per key, over a sliding minute (two one-minute buckets, weighted).

    O(1) per request and per key, which matters at a thousand requests a second.
    """

    def __init__(self) -> None:
        self._windows: dict[str, _Window] = {}

    def hit(self, key: str, now: float) -> float:
        """Count one request for `key`; the rate over the last minute, this one included."""
        minute = int(now // 60)
        w = self._windows.get(key)
        if w is None:
            if len(self._windows) >= _MAX_KEYS:
                self._sweep(minute)
            w = self._windows[key] = _Window(minute, 0, 0)
        elif w.minute != minute:
            w.previous = w.current if w.minute == minute - 1 else 0
            w.current = 0
            w.minute = minute
        w.current += 1
        elapsed = (now % 60) / 60.0
        return w.current + w.previous * (1.0 - elapsed)

    def reset(self, key: str) -> None:
        self._windows.pop(key, None)

    def _sweep(self, minute: int) -> None:
        self._windows = {k: w for k, w in self._windows.items() if w.minute >= minute - 1}


class Bans:
    """Circuits banned until a time."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def ban(self, key: str, now: float, seconds: float) -> None:
        if len(self._until) >= _MAX_KEYS:
            self._until = {k: t for k, t in self._until.items() if t > now}
        self._until[key] = now + seconds

    def remaining(self, key: str, now: float) -> float:
        """Seconds of ban left for `key` (0 when not banned)."""
        until = self._until.get(key)
        if until is None:
            return 0.0
        if until <= now:
            del self._until[key]
            return 0.0
        return until - now
