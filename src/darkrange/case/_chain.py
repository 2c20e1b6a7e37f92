"""The hash chain shared by the audit log and every custody log.

Each entry's hash is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of its
fields, `prev_hash` included, so editing any past entry breaks its own hash and removing one
breaks the next entry's `prev_hash` (or, for the last, the chain head's seq).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from darkrange.case._schema_log import GENESIS


def canonical(fields: Mapping[str, object]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(fields: Mapping[str, object]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def stamp(moment: datetime) -> str:
    """The stored and hashed form of a time: UTC, microseconds, `Z`."""
    if moment.utcoffset() is None:
        raise ValueError("log times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Link:
    """One stored entry as the verifier sees it: its fields (without `hash`) and its hash."""

    seq: int
    fields: Mapping[str, object]
    hash: str


@dataclass(frozen=True)
class ChainVerdict:
    entries: int
    first_bad: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad is None

    def __str__(self) -> str:
        if self.ok:
            return f"intact: {self.entries} entr{'y' if self.entries == 1 else 'ies'}"
        return f"broken at seq {self.first_bad}: {self.problem}"


def verify_links(links: Iterable[Link], head_seq: int, head_hash: str) -> ChainVerdict:
    """Walk entries in seq order; name the first seq that was edited, removed or re-linked."""
    prev_seq, prev_hash, count = 0, GENESIS, 0
    for link in links:
        count += 1
        if link.seq != prev_seq + 1:
            return ChainVerdict(count, prev_seq + 1, f"entry {prev_seq + 1} was removed")
        if link.fields.get("prev_hash") != prev_hash:
            return ChainVerdict(count, link.seq, "prev_hash does not match the entry before")
        if link_hash(link.fields) != link.hash:
            return ChainVerdict(count, link.seq, "entry was edited: its hash does not match")
        prev_seq, prev_hash = link.seq, link.hash
    if head_seq > prev_seq:
        return ChainVerdict(count, prev_seq + 1, f"entries {prev_seq + 1}-{head_seq} were removed")
    if head_seq != prev_seq or head_hash != prev_hash:
        return ChainVerdict(count, head_seq + 1, "entries were added past the chain head")
    return ChainVerdict(count)
