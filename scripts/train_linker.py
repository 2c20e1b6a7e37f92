"""Train the identity linker's logistic regression on worlds of training seeds (with truth).

    .venv/bin/python scripts/train_linker.py [--seeds 7001,7002,...] [--cache DIR]

Each world is generated (or reused from --cache), turned into page records as a complete crawl
would give them (bench/_world_records.py), and every candidate pair the blocking proposes is
labelled by truth/accounts.csv (same person_id or not). Writes the coefficients to
src/darkrange/analyze/link/linker.json. Seeds used here must never be used by bench/link.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from _world_records import convert, truth_accounts  # noqa: E402
from darkrange.analyze.link._features import FEATURES  # noqa: E402
from darkrange.analyze.link._prepare import prepare  # noqa: E402

TRAIN_SEEDS = {7001: "small", 7002: "small", 7003: "small", 7101: "demo", 7102: "demo"}
OUT = REPO / "src" / "darkrange" / "analyze" / "link" / "linker.json"


def world(seed: int, size: str, cache: Path) -> Path:
    folder = cache / f"w{seed}"
    if not (folder / "world.json").exists():
        cmd = [sys.executable, "-m", "darkrange.cli", "world", "generate", "--seed", str(seed),
               "--size", size, "--out", str(folder), "--force"]  # fmt: skip
        subprocess.run(cmd, check=True)
    return folder


def labelled(seed: int, size: str, cache: Path, hide: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs and labels of one world; `hide` > 0 hides keys and contacts from some profiles
    (a partial crawl), so the model also learns what contacts and style are worth alone."""
    folder = world(seed, size, cache)
    records = cache / f"r{seed}-{hide}"
    if not (records / "vendors.parquet").exists():
        convert(folder, records, hide=hide, seed=seed)
    prepared = prepare(records)
    truth = truth_accounts(folder)
    person = [truth.get(p.key, {}).get("person_id") for p in prepared.profiles]
    t = prepared.table
    y = np.array(
        [
            person[a] is not None and person[a] == person[b]
            for a, b in zip(t.left, t.right, strict=True)
        ]
    )
    print(f"seed {seed}: {len(prepared.profiles)} accounts, {len(y)} pairs, {y.sum()} same person")
    return t.x, y


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default=",".join(map(str, TRAIN_SEEDS)))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/darkrange-linker"))
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    parts = [
        labelled(s, TRAIN_SEEDS.get(s, "small"), args.cache, hide)
        for s in seeds
        for hide in (0.0, 0.5)
    ]
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit(x, y)
    coef = [float(c) for c in model.coef_[0]]
    # Hard evidence too rare in the training worlds to be fitted (a key rotation seen across
    # two captures, a shared Bitcoin address or chain cluster) weighs as much as the same key.
    priors = {}
    for name in ("certified", "shared_address", "shared_cluster", "shared_contacts"):
        k = FEATURES.index(name)
        seen = int(((x[:, k] > 0) & y).sum())
        if seen < 30 or coef[k] < coef[FEATURES.index("same_key")]:
            coef[k] = max(coef[k], coef[FEATURES.index("same_key")])
            priors[name] = f"set to the same-key weight ({seen} positive training pairs)"
    model.coef_[0] = coef
    prob = model.predict_proba(x)[:, 1]
    data = {
        "features": list(FEATURES),
        "coefficients": [round(c, 6) for c in coef],
        "priors": priors,
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": 0.5,
        "trained_on": {"seeds": seeds, "pairs": len(y), "positive": int(y.sum())},
        "training_fit": {
            "precision_at_threshold": float(
                ((prob >= 0.5) & y).sum() / max(1, (prob >= 0.5).sum())
            ),
            "recall_at_threshold": float(((prob >= 0.5) & y).sum() / max(1, y.sum())),
        },
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    for name, coef in sorted(zip(FEATURES, model.coef_[0], strict=True), key=lambda t: -abs(t[1])):
        print(f"{name:28s} {coef:+.3f}")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
