"""Accounts into identities: strongest links first, with guards against chaining errors.

Single linkage over scores alone chains: A~B and B~C merge A with C however unlike they are
(a crew sharing one key would become one person). So a link merges two groups only when
- its score reaches the threshold, and a link without hard evidence reaches `soft_threshold`;
- no pair across the two groups was rejected by a person;
- the scored pairs across the two groups agree on average (mean score >= `agreement`).
Confirmed links are applied first and always hold. Links held back are reported with why, and
so is every link with hard evidence that scored below the threshold (for a person to review).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Clustering", "Link", "cluster"]


@dataclass(frozen=True)
class Link:
    a: int
    b: int
    score: float
    hard: bool


@dataclass
class Clustering:
    groups: list[list[int]]
    merged: list[Link] = field(default_factory=list)
    held_back: list[tuple[Link, str]] = field(default_factory=list)


class _Groups:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))


def cluster(
    n: int,
    links: Sequence[Link],
    confirmed: Sequence[tuple[int, int]] = (),
    rejected: Sequence[tuple[int, int]] = (),
    threshold: float = 0.5,
    soft_threshold: float = 0.97,
    agreement: float = 0.5,
) -> Clustering:
    groups = _Groups(n)
    result = Clustering(groups=[])
    for a, b in confirmed:
        groups.union(a, b)
    banned: dict[int, set[int]] = defaultdict(set)
    for a, b in rejected:
        banned[a].add(b)
        banned[b].add(a)
    scored: dict[int, dict[int, float]] = defaultdict(dict)
    for link in links:
        scored[link.a][link.b] = scored[link.b][link.a] = link.score
    # A soft link below the threshold can neither merge nor be held back: skip it unsorted.
    active = [link for link in links if link.hard or link.score >= threshold]
    for link in sorted(active, key=lambda k: (-k.score, k.a, k.b)):
        ra, rb = groups.find(link.a), groups.find(link.b)
        if ra == rb:
            continue
        if link.score < threshold:
            if link.hard:  # hard evidence is never dropped silently: a person should look
                result.held_back.append((link, f"score below the threshold {threshold:.2f}"))
            continue
        reason = _refusal(link, groups, ra, rb, banned, scored, soft_threshold, agreement)
        if reason:
            result.held_back.append((link, reason))
            continue
        groups.union(ra, rb)
        result.merged.append(link)
    result.groups = sorted((sorted(m) for m in groups.members.values()), key=lambda g: g[0])
    return result


def _refusal(
    link: Link,
    groups: _Groups,
    ra: int,
    rb: int,
    banned: dict[int, set[int]],
    scored: dict[int, dict[int, float]],
    soft_threshold: float,
    agreement: float,
) -> str:
    if not link.hard and link.score < soft_threshold:
        return f"soft evidence only, score below {soft_threshold:.2f}"
    small, large = sorted((groups.members[ra], groups.members[rb]), key=len)
    other = set(large)
    if any(banned[i] & other for i in small):
        return "a link between these groups was rejected by a person"
    cross = [s for i in small for j, s in scored[i].items() if j in other]
    if cross and sum(cross) / len(cross) < agreement:
        return f"the groups disagree: mean score {sum(cross) / len(cross):.2f} across them"
    return ""
