"""Mirrors and phishing clones: which onion addresses are one site, which only look like one.

Every host's home page gets a fingerprint (simhash of its text, onion addresses left out) and
its own mirror list (the onions on the page its "mirrors" link leads to). Hosts whose home
pages look alike form a group. Within a group, two hosts are the same site when each lists the
other; the cluster most hosts vouch for is the site, every other cluster a clone of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from darkrange.collect.crawl._scope import distance


@dataclass
class HostInfo:
    host: str
    order: int  # seed order first, then discovery order: decides ties
    fingerprint: int = 0
    mirror_list: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Resolution:
    site: str  # the canonical host of the site this host belongs to
    relation: str  # "site", "mirror" or "clone"
    clone_of: str | None = None
    reasons: tuple[str, ...] = ()


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent: dict[str, str], a: str, b: str) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def _same_site(a: HostInfo, b: HostInfo) -> bool:
    if not a.mirror_list and not b.mirror_list:
        return True  # no lists to compare: identical pages are taken as one site
    a_ok = b.host in a.mirror_list or not a.mirror_list
    b_ok = a.host in b.mirror_list or not b.mirror_list
    return a_ok and b_ok


def _reasons(clone: list[HostInfo], site: list[HostInfo]) -> tuple[str, ...]:
    site_lists = set().union(*(h.mirror_list for h in site))
    own = set().union(*(h.mirror_list for h in clone))
    reasons = []
    names = {h.host for h in clone}
    if not names & site_lists:
        reasons.append("not in the site's own mirror list")
    if own and not own & {h.host for h in site}:
        reasons.append("its mirror list does not name the site's addresses")
    return tuple(reasons) or ("pages look alike but the mirror lists disagree",)


def resolve(hosts: list[HostInfo], max_distance: int) -> dict[str, Resolution]:
    """The site, relation and (for clones) the imitated site of every host."""
    ordered = sorted(hosts, key=lambda h: h.order)
    by_host = {h.host: h for h in ordered}
    looks: dict[str, str] = {h.host: h.host for h in ordered}
    same: dict[str, str] = {h.host: h.host for h in ordered}
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.fingerprint and distance(a.fingerprint, b.fingerprint) <= max_distance:
                _union(looks, a.host, b.host)
                if _same_site(a, b):
                    _union(same, a.host, b.host)
    out: dict[str, Resolution] = {}
    groups: dict[str, list[HostInfo]] = {}
    for h in ordered:
        groups.setdefault(_find(looks, h.host), []).append(h)
    for members in groups.values():
        clusters: dict[str, list[HostInfo]] = {}
        for h in members:
            clusters.setdefault(_find(same, h.host), []).append(h)

        def support(cluster: list[HostInfo], members: list[HostInfo] = members) -> int:
            names = {h.host for h in cluster}
            return sum(1 for m in members if m.mirror_list & names)

        ranked = sorted(clusters.values(), key=lambda c: (-support(c), -len(c), c[0].order))
        real = ranked[0]
        for h in real:
            relation = "site" if h is real[0] else "mirror"
            out[h.host] = Resolution(real[0].host, relation)
        for cluster in ranked[1:]:
            why = _reasons(cluster, real)
            for h in cluster:
                relation = "clone" if h is cluster[0] else "mirror"
                out[h.host] = Resolution(cluster[0].host, relation, real[0].host, why)
    for host in by_host:
        out.setdefault(host, Resolution(host, "site"))
    return out
