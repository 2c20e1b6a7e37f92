"""Set-valued account facts (keys, contacts, addresses) as integer arrays, so the questions a
pair asks of them ("do they share one?") are answered for all candidate pairs at once in numpy
instead of a Python loop over hundreds of thousands of pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Memberships", "Vocabulary", "memberships"]


class Vocabulary:
    """Strings to dense integer ids, in order of first sight (deterministic for one input)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def id(self, value: str) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.ids)
        return found

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Memberships:
    """Each account's set of value ids as CSR rows, plus the sorted (account, value) keys."""

    indptr: np.ndarray  # accounts + 1
    values: np.ndarray  # value ids, row by row
    width: int  # ids are < width
    keys: np.ndarray  # sorted account * width + value

    def counts(self) -> np.ndarray:
        counts: np.ndarray = np.diff(self.indptr)
        return counts

    def explode(self, accounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in `accounts`, value) for every value of every listed account."""
        counts = self.indptr[accounts + 1] - self.indptr[accounts]
        total = int(counts.sum())
        position = np.repeat(np.arange(len(accounts), dtype=np.int64), counts)
        starts = np.repeat(self.indptr[accounts] - (np.cumsum(counts) - counts), counts)
        return position, self.values[starts + np.arange(total, dtype=np.int64)]

    def has(self, accounts: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Whether each account holds the value at the same position."""
        if len(self.keys) == 0:
            return np.zeros(len(accounts), dtype=bool)
        probe = accounts.astype(np.int64) * self.width + values
        at = np.searchsorted(self.keys, probe)
        at[at >= len(self.keys)] = 0
        found: np.ndarray = self.keys[at] == probe
        return found

    def shared(
        self, left: np.ndarray, right: np.ndarray, other: Memberships | None = None
    ) -> np.ndarray:
        """Per pair: some value of `left`'s set (in self) is in `right`'s set (in `other`, by
        default self too)."""
        other = other or self
        out = np.zeros(len(left), dtype=bool)
        position, values = self.explode(left)
        hit = other.has(right[position], values)
        out[position[hit]] = True
        return out


def memberships(sets: Sequence[Iterable[int]], width: int) -> Memberships:
    rows = [sorted(set(s)) for s in sets]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    values = np.fromiter((v for r in rows for v in r), dtype=np.int64, count=int(indptr[-1]))
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), np.diff(indptr))
    keys = np.sort(owner * max(1, width) + values)
    return Memberships(indptr, values, max(1, width), keys)
