"""Sign-in throttling: after too many failures a user name, or an address, is locked out.

Counts live in the server process (one per worker); a lockout lasts `lockout_seconds` from the
last failure, and a successful sign-in clears the user's count.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


@dataclass
class LoginThrottle:
    max_user: int
    max_ip: int
    lockout_seconds: int
    now: Callable[[], float] = time.monotonic
    _users: dict[str, _Failures] = field(default_factory=dict)
    _ips: dict[str, _Failures] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _locked(self, table: dict[str, _Failures], key: str, limit: int) -> int:
        """Seconds left of a lockout, 0 if none."""
        entry = table.get(key)
        if entry is None:
            return 0
        left = self.lockout_seconds - (self.now() - entry.last)
        if left <= 0:
            del table[key]
            return 0
        return math.ceil(left) if entry.count >= limit else 0

    def refusal(self, username: str, ip: str) -> str | None:
        """Why this attempt is refused before checking the password, or None."""
        with self._lock:
            user_left = self._locked(self._users, username, self.max_user)
            ip_left = self._locked(self._ips, ip, self.max_ip)
        if user_left:
            return f"too many failed sign-ins for {username}: try again in {_minutes(user_left)}"
        if ip_left:
            return f"too many failed sign-ins from your address: try again in {_minutes(ip_left)}"
        return None

    def failed(self, username: str, ip: str) -> None:
        with self._lock:
            self._prune()
            for table, key in ((self._users, username), (self._ips, ip)):
                entry = table.setdefault(key, _Failures())
                entry.count += 1
                entry.last = self.now()

    def _prune(self, limit: int = 10_000) -> None:
        # many made-up user names must not grow memory without bound: drop expired entries
        for table in (self._users, self._ips):
            if len(table) > limit:
                now = self.now()
                for key in [k for k, v in table.items() if now - v.last > self.lockout_seconds]:
                    del table[key]

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._users.pop(username, None)


def _minutes(seconds: int) -> str:
    minutes = (seconds + 59) // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
