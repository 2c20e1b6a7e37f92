"""Listing classification: the shipped model against a keyword baseline, side by side.

    .venv/bin/python bench/classify.py

1. Held-out worlds (seeds 9001-9003, size small; training used 1001-1005): the shipped model
   and the keyword baseline. The worlds draw products from one catalogue, so this measures
   little beyond "the catalogue is learned"; 2 and 3 are the honest figures.
2. Real Agora (2014) dev listings, model trained on worlds and catalogue only (no Agora).
3. Real Agora dev listings, 5-fold cross-validation grouped by vendor (no vendor on both sides),
   model trained on worlds + catalogue + the other folds: how the shipped model's recipe does
   on vendors it has not seen.

Writes bench/results/classify.json, classify.md and confusion-matrix PNGs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from train_classifier import (
    AGORA,
    TRAIN_SEEDS,
    Example,
    agora_corpus,
    catalogue_corpus,
    world_corpus,
)

from _common import RESULTS, save
from darkrange.analyze.classify import (
    CATEGORIES,
    default_model,
    keyword_category,
    risk_flags,
    train_model,
)

HELD_OUT_SEEDS = (9001, 9002, 9003)
FOLDS = 5


def scores(truth: list[str], predicted: list[str]) -> dict[str, Any]:
    """Macro-F1 over the classes present in truth; precision, recall and support per class."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = [c for c in CATEGORIES if c in set(truth)]
    p, r, f, n = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    per_class = {
        c: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3),
            "f1": round(float(f[i]), 3), "support": int(n[i])}
        for i, c in enumerate(labels)
    }  # fmt: skip
    accuracy = float(np.mean(np.array(truth) == np.array(predicted)))
    return {
        "macro_f1": round(float(np.mean(f)), 3),
        "accuracy": round(accuracy, 3),
        "per_class": per_class,
    }


def keyword(examples: list[Example]) -> list[str]:
    from darkrange.analyze.classify._features import normalise

    return [keyword_category(normalise(e.text)) for e in examples]


def agora_cross_validation(
    train: list[Example], agora: list[Example]
) -> tuple[list[str], list[float]]:
    from sklearn.model_selection import GroupKFold

    predicted = [""] * len(agora)
    confidence = [0.0] * len(agora)
    groups = [e.group for e in agora]
    for k, (fit, test) in enumerate(GroupKFold(FOLDS).split(agora, groups=groups)):
        print(f"  fold {k + 1}/{FOLDS}", file=sys.stderr)
        rows = train + [agora[i] for i in fit]
        model = train_model([e.text for e in rows], [e.label for e in rows])
        for i, p in zip(test, model.predict([agora[i].text for i in test]), strict=True):
            predicted[i], confidence[i] = p.category, p.confidence
    return predicted, confidence


def reliability(truth: list[str], predicted: list[str], conf: list[float]) -> list[dict[str, Any]]:
    """Accuracy per confidence band: a calibrated model's bands read like their range."""
    right = np.array(truth) == np.array(predicted)
    c = np.array(conf)
    bands = []
    for lo, hi in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.01)):
        inside = (c >= lo) & (c < hi)
        if inside.any():
            bands.append({"band": f"{lo:.2f}-{min(hi, 1.0):.2f}", "n": int(inside.sum()),
                          "accuracy": round(float(right[inside].mean()), 3)})  # fmt: skip
    return bands


def confusion_png(truth: list[str], predicted: list[str], title: str, name: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = [c for c in CATEGORIES if c in set(truth) | set(predicted)]
    matrix = confusion_matrix(truth, predicted, labels=labels)
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    shown = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                color = "white" if shown[i, j] > 0.6 else "black"
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8, color=color)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true (row-normalised colour, counts in cells)")
    ax.set_title(title)
    fig.tight_layout()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def flag_rates(examples: list[Example]) -> dict[str, Any]:
    """Share of listings of a true category that raise each flag (worlds: flags vs truth)."""
    raised: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for e in examples:
        totals[e.label] = totals.get(e.label, 0) + 1
        for flag in risk_flags(e.text).flags:
            raised.setdefault(e.label, {}).setdefault(flag, 0)
            raised[e.label][flag] += 1
    return {
        label: {f: round(n / totals[label], 3) for f, n in sorted(flags.items())}
        for label, flags in sorted(raised.items())
    }


def main() -> int:
    started = time.perf_counter()
    train_worlds = world_corpus(TRAIN_SEEDS)
    catalogue = catalogue_corpus()
    held_out = world_corpus(HELD_OUT_SEEDS)
    truth_h = [e.label for e in held_out]
    shipped = default_model()

    t0 = time.perf_counter()
    pred_h = [p.category for p in shipped.predict([e.text for e in held_out])]
    flags_h = [risk_flags(e.text) for e in held_out]
    per_listing_ms = (time.perf_counter() - t0) / len(held_out) * 1000
    results: dict[str, Any] = {
        "held_out_worlds": {
            "seeds": list(HELD_OUT_SEEDS),
            "listings": len(held_out),
            "model": scores(truth_h, pred_h),
            "keyword_baseline": scores(truth_h, keyword(held_out)),
            "flag_rates_by_true_category": flag_rates(held_out),
            "png": confusion_png(truth_h, pred_h, "held-out worlds 9001-9003", "classify-worlds"),
        },
        "ms_per_listing_model_and_flags": round(per_listing_ms, 3),
        "flagged_listings": sum(1 for f in flags_h if f.flags),
    }
    if AGORA.is_file():
        agora = agora_corpus()
        truth_a = [e.label for e in agora]
        print("worlds-only model", file=sys.stderr)
        rows = train_worlds + catalogue
        worlds_only = train_model([e.text for e in rows], [e.label for e in rows])
        pred_w = [p.category for p in worlds_only.predict([e.text for e in agora])]
        print("Agora cross-validation", file=sys.stderr)
        pred_cv, conf_cv = agora_cross_validation(rows, agora)
        results["agora_dev"] = {
            "listings": len(agora),
            "worlds_only_model": scores(truth_a, pred_w),
            "cross_validated_model": scores(truth_a, pred_cv),
            "keyword_baseline": scores(truth_a, keyword(agora)),
            "reliability_cross_validated": reliability(truth_a, pred_cv, conf_cv),
            "png": confusion_png(truth_a, pred_cv, "Agora dev, 5-fold by vendor", "classify-agora"),
        }
    results["seconds"] = round(time.perf_counter() - started, 1)
    save("classify", results, _table(results))
    return 0


def _row(name: str, s: dict[str, Any]) -> list[str]:
    pc = s["per_class"]

    def pr(c: str) -> str:
        return f"{pc[c]['precision']:.2f} / {pc[c]['recall']:.2f}" if c in pc else "-"

    return [name, f"{s['macro_f1']:.3f}", f"{s['accuracy']:.3f}", pr("weapons"), pr("explosives")]


def _table(results: dict[str, Any]) -> list[list[str]]:
    head = ["evaluation", "macro-F1", "accuracy", "weapons P / R", "explosives P / R"]
    h = results["held_out_worlds"]
    table = [
        head,
        _row("held-out worlds: shipped model", h["model"]),
        _row("held-out worlds: keyword baseline", h["keyword_baseline"]),
    ]
    if "agora_dev" in results:
        a = results["agora_dev"]
        table += [
            _row("Agora dev: model, worlds only", a["worlds_only_model"]),
            _row("Agora dev: model, vendor-grouped 5-fold CV", a["cross_validated_model"]),
            _row("Agora dev: keyword baseline", a["keyword_baseline"]),
        ]
        ratio = a["cross_validated_model"]["macro_f1"] / max(
            a["keyword_baseline"]["macro_f1"], 1e-9
        )
        table.append(["Agora macro-F1 ratio, CV model / keywords", f"{ratio:.2f}x", "", "", ""])
    return table


if __name__ == "__main__":
    sys.exit(main())
