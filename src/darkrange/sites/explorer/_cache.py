"""A bounded LRU of whole answers, for the explorer's repeated requests.

Crawlers and trainees ask the same things again and again (the tip, a hot address, the block a
payment sits in). An answer depends only on the request and the tip the clock gives, so the app
keeps rendered answers here and empties the cache when the tip moves (the clock only moves
forward: nothing cached before is asked for again). Bounded in entries and in bytes, so a
client walking millions of distinct paths only churns it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

MAX_ENTRIES = 20_000
MAX_BYTES = 64 << 20


class AnswerCache(Generic[K, V]):
    """Least recently used entries leave first; each entry is charged its size in bytes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[0]

    def put(self, key: K, value: V, size: int) -> None:
        if size > self.max_bytes // 8:
            return  # one huge answer must not push out hundreds of small ones
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._entries[key] = (value, size)
        self.bytes += size
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0
