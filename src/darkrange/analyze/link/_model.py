"""The combined score: a logistic regression over the pair features, shipped as JSON.

The coefficients come from scripts/train_linker.py (worlds of training seeds, scored against
their truth). A logistic regression stays readable: each feature's contribution to a link is
its coefficient times its value, and the explanation lists the largest ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from darkrange.analyze.link._features import FEATURES
from darkrange.errors import FormatError

__all__ = ["LinkModel", "default_model", "load_model"]

MODEL_FILE = "linker.json"


@dataclass(frozen=True)
class LinkModel:
    coefficients: tuple[float, ...]
    intercept: float
    threshold: float  # merge links scoring at least this
    meta: dict[str, Any]

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability that each pair is one person."""
        if len(x) == 0:
            return np.zeros(0)
        z = x @ np.asarray(self.coefficients) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))

    def contributions(self, row: np.ndarray) -> list[tuple[str, float]]:
        """Each feature's share of the log-odds for one pair, largest magnitude first."""
        parts = [
            (n, float(c * v)) for n, c, v in zip(FEATURES, self.coefficients, row, strict=True)
        ]
        return sorted((p for p in parts if p[1]), key=lambda p: -abs(p[1]))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "threshold": self.threshold,
            **self.meta,
        }


def _parse(data: Any, where: str) -> LinkModel:
    try:
        features = tuple(data["features"])
        coefficients = tuple(float(c) for c in data["coefficients"])
        intercept, threshold = float(data["intercept"]), float(data["threshold"])
    except (KeyError, TypeError, ValueError):
        raise FormatError(f"{where}: not a linker model (features, coefficients, ...)") from None
    if features != FEATURES or len(coefficients) != len(FEATURES):
        raise FormatError(f"{where}: model features differ from this version's; retrain it")
    meta = {
        k: v
        for k, v in data.items()
        if k not in ("features", "coefficients", "intercept", "threshold")
    }
    return LinkModel(coefficients, intercept, threshold, meta)


def load_model(path: Path) -> LinkModel:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(f"cannot read linker model {path}: {exc}") from None
    return _parse(data, str(path))


def default_model() -> LinkModel:
    text = resources.files("darkrange.analyze.link").joinpath(MODEL_FILE).read_text("utf-8")
    return _parse(json.loads(text), MODEL_FILE)
