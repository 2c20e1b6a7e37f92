"""Both cores for the heavy numpy and scipy steps: their C loops (sorting, sparse products)
release the GIL, so threads over chunks run in parallel without copying data to processes."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["in_threads"]

T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """Threads to use: DARKRANGE_THREADS, else the cores this process may run on (at most 4)."""
    told = os.environ.get("DARKRANGE_THREADS", "")
    if told.isdigit() and int(told) > 0:
        return int(told)
    return max(1, min(4, len(os.sched_getaffinity(0))))


def in_threads(fn: Callable[[T], R], chunks: Sequence[T]) -> list[R]:
    """fn over chunks, results in the order of the chunks (so output never depends on timing)."""
    n = min(workers(), len(chunks))
    if n <= 1:
        return [fn(c) for c in chunks]
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(fn, chunks))
