"""`link`: records -> identities.csv and identities.json, with people's decisions applied."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from darkrange.analyze.link._cluster import Clustering, Link, cluster
from darkrange.analyze.link._decisions import Decision, latest_decisions, read_decisions
from darkrange.analyze.link._explain import HARD, evidence
from darkrange.analyze.link._features import FEATURES
from darkrange.analyze.link._model import LinkModel, default_model
from darkrange.analyze.link._prepare import Prepared, prepare
from darkrange.analyze.link._profiles import AccountKey
from darkrange.errors import FormatError, InputError

__all__ = ["LinkResult", "link_records", "read_clusters", "resolve"]

_F = {name: i for i, name in enumerate(FEATURES)}
Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    return None


@dataclass
class LinkResult:
    prepared: Prepared
    clustering: Clustering
    scores: dict[tuple[int, int], float]
    confirmed: dict[tuple[int, int], Decision] = field(default_factory=dict)
    rejected: dict[tuple[int, int], Decision] = field(default_factory=dict)
    ignored_decisions: int = 0
    rows: dict[tuple[int, int], int] = field(default_factory=dict)  # pair -> feature row

    def identity_of(self) -> dict[AccountKey, str]:
        out = {}
        for group in self.clustering.groups:
            ident = identity_id([self.prepared.profiles[i].key for i in group])
            for i in group:
                out[self.prepared.profiles[i].key] = ident
        return out


def identity_id(keys: list[AccountKey]) -> str:
    """Named after its first account, so an identity keeps its id while it grows."""
    first = min(keys)
    return "ID-" + hashlib.sha256(f"{first[0]}:{first[1]}".encode()).hexdigest()[:10]


def read_clusters(chain: Path) -> dict[str, str]:
    """address -> cluster id, from `darkrange chain cluster` output (CSV) or a chain store."""
    if chain.is_file():
        try:
            with chain.open(encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError) as exc:
            raise FormatError(f"cannot read {chain}: {exc}") from None
        if rows and not {"address", "cluster_id"} <= rows[0].keys():
            raise FormatError(f"{chain}: expected columns address,cluster_id")
        return {r["address"]: r["cluster_id"] for r in rows}
    if chain.is_dir():
        from darkrange.chain import ChainStore, cluster_addresses

        table, _ = cluster_addresses(ChainStore.open(chain))
        return dict(
            zip(
                table.column("address").to_pylist(),
                table.column("cluster_id").to_pylist(),
                strict=True,
            )
        )
    raise InputError(f"--chain {chain}: no such clusters file or chain store")


def resolve(prepared: Prepared, model: LinkModel, decisions: list[Decision]) -> LinkResult:
    """Score candidate pairs, apply decisions, cluster."""
    index = {p.key: i for i, p in enumerate(prepared.profiles)}
    t = prepared.table
    probs = model.scores(t.x)
    pairs = list(zip(t.left.tolist(), t.right.tolist(), strict=True))
    scores = dict(zip(pairs, probs.tolist(), strict=True))
    confirmed: dict[tuple[int, int], Decision] = {}
    rejected: dict[tuple[int, int], Decision] = {}
    ignored = 0
    for (a, b), d in latest_decisions(decisions).items():
        if a not in index or b not in index:
            ignored += 1
            continue
        pair = (min(index[a], index[b]), max(index[a], index[b]))
        (confirmed if d.decision == "confirm" else rejected)[pair] = d
    hard = (t.x[:, [_F[h] for h in HARD]] != 0).any(axis=1).tolist()
    links = [
        Link(a, b, s, h)
        for (a, b), s, h in zip(pairs, probs.tolist(), hard, strict=True)
        if (a, b) not in rejected
    ]
    clustering = cluster(
        len(prepared.profiles), links, list(confirmed), list(rejected), threshold=model.threshold
    )
    rows = {pair: k for k, pair in enumerate(pairs)}
    return LinkResult(prepared, clustering, scores, confirmed, rejected, ignored, rows)


def link_records(
    records: Path,
    out: Path,
    chain: Path | None = None,
    decisions_file: Path | None = None,
    model: LinkModel | None = None,
    progress: Progress = _noop,
) -> LinkResult:
    """Link the accounts in a records folder; write out/identities.csv and identities.json."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; give a folder")
    clusters = read_clusters(chain) if chain is not None else {}
    decisions = read_decisions(decisions_file or out / "decisions.csv")
    prepared = prepare(records, clusters, progress)
    result = resolve(prepared, model or default_model(), decisions)
    write_outputs(result, model or default_model(), clusters, out, records)
    return result


def _membership(result: LinkResult) -> dict[int, float]:
    """Each account's strongest link into its own identity (1.0 alone or confirmed)."""
    best: dict[int, float] = defaultdict(float)
    ident = {i: g[0] for g in result.clustering.groups for i in g}
    for (a, b), s in result.scores.items():
        if ident[a] == ident[b]:
            best[a], best[b] = max(best[a], s), max(best[b], s)
    for a, b in result.confirmed:
        best[a] = best[b] = 1.0
    for g in result.clustering.groups:
        if len(g) == 1:
            best[g[0]] = 1.0
    return best


def _link_json(
    result: LinkResult, model: LinkModel, a: int, b: int, clusters: dict[str, str]
) -> dict[str, Any]:
    profiles, t = result.prepared.profiles, result.prepared.table
    pa, pb = profiles[a], profiles[b]
    out: dict[str, Any] = {
        "a": {"site": pa.site, "handle": pa.handle},
        "b": {"site": pb.site, "handle": pb.handle},
    }
    decision = result.confirmed.get((a, b))
    score = result.scores.get((a, b))
    out["score"] = round(score, 4) if score is not None else None
    out["status"] = "confirmed" if decision else "suggested"
    if decision:
        out["decision"] = {"by": decision.by, "at": decision.at, "reason": decision.reason}
    items: list[dict[str, Any]] = []
    if score is not None:
        row = t.x[result.rows[(a, b)]]
        items = evidence(pa, pb, row, dict(model.contributions(row)), clusters)
    out["evidence"] = items
    # Every hard fact, then the two soft facts that weigh most for the link.
    lines = [e["text"] for e in items if e["hard"] and e["weight"] >= 0]
    lines += [e["text"] for e in items if not e["hard"] and e["weight"] > 0][:2]
    if decision:
        lines.insert(0, f"confirmed by {decision.by} on {decision.at}: {decision.reason}")
    out["explanation"] = "; ".join(lines) or "no evidence beyond a person's decision"
    return out


def _crews(result: LinkResult, ident: dict[AccountKey, str]) -> list[dict[str, Any]]:
    """Keys shown by accounts of more than one identity: a crew, or one person not yet linked."""
    holders: dict[str, set[str]] = defaultdict(set)
    for p in result.prepared.profiles:
        for fpr in p.fingerprints:
            holders[fpr].add(ident[p.key])
    return [
        {"fingerprint": f, "identities": sorted(ids), "note": "shared key: possibly a crew"}
        for f, ids in sorted(holders.items())
        if len(ids) > 1
    ]


def write_outputs(
    result: LinkResult,
    model: LinkModel,
    clusters: dict[str, str],
    out: Path,
    records: Path,
) -> None:
    profiles = result.prepared.profiles
    ident = result.identity_of()
    member = _membership(result)
    crews = _crews(result, ident)
    crew_of: dict[str, list[str]] = defaultdict(list)
    for c in crews:
        for i in c["identities"]:
            crew_of[i].append(c["fingerprint"])
    merged_by_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for link in result.clustering.merged:
        merged_by_group[ident[profiles[link.a].key]].append((link.a, link.b))
    for a, b in sorted(result.confirmed):
        merged_by_group[ident[profiles[a].key]].append((a, b))
    identities = []
    rows = []
    for group in sorted(result.clustering.groups, key=lambda g: ident[profiles[g[0]].key]):
        iid = ident[profiles[group[0]].key]
        flags = [f"shared key {f}: possibly a crew" for f in crew_of.get(iid, [])]
        accounts = []
        for i in group:
            p = profiles[i]
            rows.append((iid, p.site, p.handle, f"{member[i]:.4f}"))
            accounts.append(
                {
                    "site": p.site,
                    "site_name": p.site_name,
                    "handle": p.handle,
                    "score": round(member[i], 4),
                    "roles": sorted(p.roles),
                    "pointer": p.pointer,
                }
            )
        links = [
            _link_json(result, model, a, b, clusters)
            for a, b in sorted(set(merged_by_group.get(iid, [])))
        ]
        identities.append(
            {"identity_id": iid, "accounts": accounts, "flags": flags, "links": links}
        )
    held = [
        {**_link_json(result, model, k.a, k.b, clusters), "held_back": why}
        for k, why in result.clustering.held_back
        if ident[profiles[k.a].key] != ident[profiles[k.b].key]
    ]
    doc = {
        "format": "darkrange-identities/1",
        "records": str(records),
        "model": {
            "threshold": model.threshold,
            **{k: v for k, v in model.meta.items() if k == "trained_on"},
        },
        "note": "Automated links are suggestions until a person confirms them (LED Art. 11).",
        "counts": {
            "accounts": len(profiles),
            "identities": len(identities),
            "candidate_pairs": len(result.scores),
            "merged_links": len(result.clustering.merged),
            "confirmed": len(result.confirmed),
            "rejected": len(result.rejected),
            "decisions_not_applicable": result.ignored_decisions,
        },
        "identities": identities,
        "held_back": held,
        "shared_keys": crews,
    }
    out.mkdir(parents=True, exist_ok=True)
    _atomic(out / "identities.json", json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    _atomic(
        out / "identities.csv",
        _csv_text([("identity_id", "site", "handle", "score"), *sorted(rows)]),
    )


def _csv_text(rows: list[tuple[str, ...]]) -> str:
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
