"""Identity linking on held-out worlds (seeds never used in training) and on real Agora data.

    .venv/bin/python bench/link.py [--seeds 8801,8802] [--large SEED] [--cache DIR]

Worlds are turned into records by bench/_world_records.py: an UPPER BOUND of what a complete
crawl yields (every profile, listing and post, captured at its last online week). Scores are
pairwise precision and recall of accounts grouped into identities against truth/accounts.csv,
broken down by handle mode (of the pair's second account) and by the hard evidence of merged
links. Agora (real, vendor = identity): each vendor's listings split by date into two
pseudo-accounts, linked by writing style alone (the linker's style vectors, cosine).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import save  # noqa: E402
from _world_records import convert, truth_accounts  # noqa: E402
from darkrange.analyze.link import default_model, prepare, resolve  # noqa: E402
from darkrange.analyze.link._explain import HARD  # noqa: E402
from darkrange.analyze.link._features import FEATURES  # noqa: E402

AGORA = HERE.parent.parent / "shared" / "data" / "listings" / "agora-2014" / "dev.csv"


def world(seed: int, size: str, cache: Path) -> Path:
    folder = cache / f"w{seed}"
    if not (folder / "world.json").exists():
        cmd = [
            sys.executable,
            "-m",
            "darkrange.cli",
            "world",
            "generate",
            "--seed",
            str(seed),
            "--size",
            size,
            "--out",
            str(folder),
            "--force",
        ]
        subprocess.run(cmd, check=True)
    return folder


def evaluate(seed: int, size: str, cache: Path) -> dict[str, Any]:
    folder = world(seed, size, cache)
    records = cache / f"r{seed}"
    if not (records / "vendors.parquet").exists():
        convert(folder, records)
    start = time.perf_counter()
    prepared = prepare(records)
    result = resolve(prepared, default_model(), [])
    seconds = time.perf_counter() - start
    truth = truth_accounts(folder)
    person = {p.key: truth[p.key]["person_id"] for p in prepared.profiles if p.key in truth}
    mode = {p.key: truth[p.key]["handle_mode"] for p in prepared.profiles if p.key in truth}
    ident = result.identity_of()
    true_pairs: set[tuple[tuple[str, str], ...]] = set()
    pred_pairs: set[tuple[tuple[str, str], ...]] = set()
    for groups, label in ((true_pairs, person), (pred_pairs, ident)):
        members: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for k in person:
            members[label[k]].append(k)
        for g in members.values():
            groups.update(tuple(sorted(p)) for p in combinations(g, 2))
    hit = true_pairs & pred_pairs
    by_mode: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a, b in true_pairs:
        m = mode[b] if mode[b] != "kept" else mode[a]
        by_mode[m][0] += (a, b) in hit
        by_mode[m][1] += 1
    evidence: Counter[str] = Counter()
    t = prepared.table
    rows = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(t.left, t.right, strict=True))}
    for link in result.clustering.merged:
        x = t.x[rows[(link.a, link.b)]]
        kinds = [h for h in HARD if x[FEATURES.index(h)]] or ["soft only"]
        evidence.update(kinds)
    return {
        "seed": seed,
        "size": size,
        "accounts": len(prepared.profiles),
        "candidate_pairs": len(t.left),
        "seconds": round(seconds, 2),
        "precision": len(hit) / max(1, len(pred_pairs)),
        "recall": len(hit) / max(1, len(true_pairs)),
        "true_pairs": len(true_pairs),
        "predicted_pairs": len(pred_pairs),
        "recall_by_handle_mode": {m: v[0] / v[1] for m, v in sorted(by_mode.items())},
        "pairs_by_handle_mode": {m: v[1] for m, v in sorted(by_mode.items())},
        "merged_links_by_evidence": dict(sorted(evidence.items())),
    }


def scaled(records: Path, accounts: int, out: Path) -> Path:
    """Copies of a world's records, each with its own sites, handles, keys, contacts and
    addresses, until about `accounts` accounts: a stand-in for a very large crawl (only the
    volume is real; copies share texts, so style blocks are larger than they would be)."""
    import hashlib

    import pyarrow as pa
    import pyarrow.parquet as pq
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from darkrange.formats import onion_from_pubkey

    if (out / "vendors.parquet").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    have = pq.read_table(records / "vendors.parquet").num_rows
    copies = -(-accounts // max(1, have))

    def onion(site: str, c: int) -> str:
        seed = hashlib.sha256(f"{site}/{c}".encode()).digest()
        return onion_from_pubkey(
            Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
        )

    for kind in ("vendors", "listings", "posts", "threads"):
        table = pq.read_table(records / f"{kind}.parquet")
        rows = table.to_pylist()
        out_rows = []
        for c in range(copies):
            sites: dict[str, str] = {}
            for r in rows:
                r = dict(r)
                site = r["site"]
                r["site"] = sites.setdefault(site, onion(site, c))
                for f in ("handle", "vendor", "author"):
                    if r.get(f):
                        r[f] = f"{r[f]}_c{c}"
                if r.get("pgp_fingerprint"):
                    fpr = r["pgp_fingerprint"] + str(c)
                    r["pgp_fingerprint"] = hashlib.sha1(fpr.encode()).hexdigest().upper()
                    r["pgp_armored"] = None
                if r.get("contacts"):
                    r["contacts"] = [
                        {"kind": x["kind"], "value": f"c{c}.{x['value']}"} for x in r["contacts"]
                    ]
                out_rows.append(r)
        pq.write_table(pa.Table.from_pylist(out_rows, schema=table.schema), out / f"{kind}.parquet")
    return out


def timed(records: Path) -> dict[str, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    prepared = prepare(records)
    resolve(prepared, default_model(), [])
    return {
        "accounts": len(prepared.profiles),
        "candidate_pairs": len(prepared.table.left),
        "seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "load_average": os.getloadavg()[0],
    }


def _held_out(vendor: str) -> bool:
    """Half the vendors, fixed by name: tuning never sees them."""
    return hashlib.sha256(vendor.encode("utf-8")).digest()[0] % 2 == 1


def _style_scores(sims: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    same = np.eye(len(sims), dtype=bool)
    tp = int((predicted & same).sum())
    return {
        "vendors": len(sims),
        "top1_accuracy": float(np.mean(np.argmax(sims, axis=1) == np.arange(len(sims)))),
        "precision": tp / max(1, int(predicted.sum())),
        "recall": tp / max(1, len(sims)),
    }


def agora() -> dict[str, Any] | None:
    """Authorship by style alone: each vendor's earlier half of listings vs the later half.

    Before: the linker's style vectors, cosine >= 0.5. After: authorship vectors (all text,
    title templates), hub-corrected scores, mutual best, threshold calibrated on the
    development half of the vendors and measured on the held-out half."""
    if not AGORA.exists():
        return None
    from darkrange.analyze.link._authorship import (
        authorship_matches,
        authorship_scores,
        authorship_vectors,
        calibrate_authorship,
    )
    from darkrange.analyze.link._style import vectorise

    by_vendor: dict[str, list[dict[str, str]]] = defaultdict(list)
    with AGORA.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            by_vendor[r["vendor"]].append(r)
    vendors = sorted(v for v, rows in by_vendor.items() if len(rows) >= 4)
    halves: list[list[list[dict[str, str]]]] = [[], []]
    for v in vendors:
        # By date, then text: the split the earlier runs used, so before and after compare.
        rows = sorted(by_vendor[v], key=lambda r: (r["date"], f"{r['title']}\n{r['description']}"))
        half = len(rows) // 2
        halves[0].append(rows[:half])
        halves[1].append(rows[half:])
    texts = [
        "\n".join(f"{r['title']}\n{r['description']}" for r in rows)
        for side in halves
        for rows in side
    ]
    n = len(vendors)
    old = vectorise(texts, [""] * (2 * n)).style
    new = authorship_vectors(
        texts, [[r["title"] for r in rows] for side in halves for rows in side]
    )
    out: dict[str, Any] = {
        "split": "vendors by sha256(name) parity; tuned on dev, reported on held"
    }
    for part in ("all", "dev", "held"):
        idx = np.array(
            [i for i, v in enumerate(vendors) if part == "all" or _held_out(v) == (part == "held")]
        )
        cos = np.asarray((old[idx] @ old[n + idx].T).todense())
        out[f"before_{part}"] = {"threshold": 0.5, **_style_scores(cos, cos >= 0.5)}
    dev = np.array([i for i, v in enumerate(vendors) if not _held_out(v)])
    dev_scores = authorship_scores(new[dev], new[n + dev])
    threshold = calibrate_authorship(dev_scores, np.eye(len(dev), dtype=bool), precision=1.0)
    for part in ("dev", "held"):
        idx = np.array([i for i, v in enumerate(vendors) if _held_out(v) == (part == "held")])
        scores = authorship_scores(new[idx], new[n + idx])
        out[f"after_{part}"] = {
            "threshold": round(threshold, 4),
            **_style_scores(scores, authorship_matches(scores, threshold)),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="8801,8802")
    parser.add_argument("--size", default="demo")
    parser.add_argument("--large", type=int, default=None, help="also a large world (slow)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/darkrange-bench-link"))
    parser.add_argument("--scale", type=int, default=0, help="time N accounts (with --large)")
    args = parser.parse_args()
    runs = [evaluate(int(s), args.size, args.cache) for s in args.seeds.split(",")]
    if args.large is not None:
        runs.append(evaluate(args.large, "large", args.cache))
    speed = None
    if args.scale and args.large is not None:
        big = scaled(args.cache / f"r{args.large}", args.scale, args.cache / f"scaled{args.scale}")
        speed = timed(big)
    style = agora()
    table = [["world", "accounts", "pairs", "precision", "recall", "seconds"]]
    for r in runs:
        table.append(
            [
                f"{r['size']} {r['seed']}",
                str(r["accounts"]),
                str(r["candidate_pairs"]),
                f"{r['precision']:.4f}",
                f"{r['recall']:.4f}",
                f"{r['seconds']:.1f}",
            ]
        )
    if style:
        for key, label in (
            ("before_all", "Agora style, before, all"),
            ("before_held", "Agora style, before, held-out half"),
            ("after_held", "Agora style, after, held-out half"),
        ):
            r = style[key]
            table.append(
                [
                    f"{label} ({r['vendors']} vendors)",
                    "",
                    "",
                    f"{r['precision']:.3f}",
                    f"{r['recall']:.3f}",
                    f"top-1 {r['top1_accuracy']:.3f}",
                ]
            )
    if speed:
        table.append(
            [
                f"scale test ({speed['load_average']:.1f} load)",
                str(speed["accounts"]),
                str(speed["candidate_pairs"]),
                "",
                "",
                f"{speed['seconds']:.1f} ({speed['cpu_seconds']:.1f} CPU)",
            ]
        )
    save("link", {"worlds": runs, "agora_style": style, "scale": speed}, table)


if __name__ == "__main__":
    main()
