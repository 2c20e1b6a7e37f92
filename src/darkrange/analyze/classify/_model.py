"""A linear classifier over TF-IDF features, trained with scikit-learn and kept as plain arrays.

Confidence is a softmax over the linear scores with one temperature fitted on held-out
(cross-validated) scores, so "0.9" means right about nine times in ten on data like the
training data. A model is one .npz file of numbers and strings, loaded with
allow_pickle=False: an agency's model file cannot run code.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import minimize_scalar

from darkrange.analyze.classify._features import BLOCKS, Block, features, fit_block, normalise
from darkrange.analyze.classify._lexicon import CUE_NAMES, cue_matrix
from darkrange.errors import FormatError, InputError

FORMAT = "darkrange-classifier/1"
MODEL_FILE = "model.npz"
# Used when classes are too small to cross-validate: LinearSVC scores sit near +-1, and this
# spreads them to confidences that still rank predictions sensibly.
DEFAULT_TEMPERATURE = 0.3

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainingParams:
    """What a training run may vary; the defaults are the shipped model's."""

    c: float = 0.5
    word_min_df: int = 2
    char_min_df: int = 3
    word_terms: int = 30_000
    char_terms: int = 60_000
    folds: int = 3
    cue_weight: float = 0.5


@dataclass(frozen=True)
class Prediction:
    category: str
    confidence: float


@dataclass(frozen=True)
class Model:
    blocks: tuple[Block, ...]
    classes: tuple[str, ...]
    coef: npt.NDArray[np.float32]  # (classes, features)
    intercept: npt.NDArray[np.float32]  # (classes,)
    temperature: float
    cue_weight: float
    meta: dict[str, Any] = field(default_factory=dict)

    def scores(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        matrix = _matrix(self.blocks, [normalise(t) for t in texts], self.cue_weight)
        raw = matrix @ self.coef.T.astype(np.float64) + self.intercept
        return np.asarray(raw, dtype=np.float64)

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return _softmax(self.scores(texts), self.temperature)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """The most likely class of each text, with its calibrated probability."""
        if not texts:
            return []
        probs = self.probabilities(texts)
        best = probs.argmax(axis=1)
        return [
            Prediction(self.classes[i], round(float(probs[row, i]), 4))
            for row, i in enumerate(best)
        ]


def _softmax(scores: npt.NDArray[np.float64], temperature: float) -> npt.NDArray[np.float64]:
    if scores.shape[1] == 1:  # one class: always it
        return np.ones_like(scores)
    z = scores / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    params: TrainingParams | None = None,
    progress: Progress | None = None,
    meta: dict[str, Any] | None = None,
) -> Model:
    """Fit vocabulary, IDF and a LinearSVC (balanced class weights) on texts; calibrate the
    confidence by cross-validation. Deterministic for the same input."""
    params = params or TrainingParams()
    say = progress or (lambda _: None)
    if len(texts) != len(labels):
        raise InputError("texts and labels differ in length")
    classes = tuple(sorted(set(labels)))
    if len(classes) < 2:
        raise InputError(f"training needs at least two labels; found {len(classes)}")
    docs = [normalise(t) for t in texts]
    say("vocabulary")
    blocks = (
        fit_block("word", docs, params.word_min_df, params.word_terms),
        fit_block("char", docs, params.char_min_df, params.char_terms),
    )
    matrix = _matrix(blocks, docs, params.cue_weight)
    y = np.array([classes.index(label) for label in labels])
    say("calibration")
    temperature = _fit_temperature(matrix, y, params)
    say("fit")
    svc = _svc(params).fit(matrix, y)
    coef, intercept = _one_row_per_class(svc, len(classes))
    info = {"format": FORMAT, "examples": len(texts), "counts": dict(Counter(labels))}
    meta = {**info, **(meta or {})}
    return Model(blocks, classes, coef, intercept, temperature, params.cue_weight, meta)


def _matrix(blocks: Sequence[Block], docs: list[str], cue_weight: float) -> sp.csr_matrix:
    """N-gram blocks and the weighted lexicon and risk-flag cues, side by side."""
    cues = sp.csr_matrix(cue_matrix(docs) * np.float32(cue_weight))
    return sp.csr_matrix(sp.hstack([features(blocks, docs), cues], format="csr"))


def _svc(params: TrainingParams) -> Any:
    from sklearn.svm import LinearSVC

    return LinearSVC(C=params.c, class_weight="balanced", random_state=0, max_iter=5000)


def _one_row_per_class(
    svc: Any, n_classes: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    coef = np.asarray(svc.coef_, dtype=np.float32)
    intercept = np.asarray(svc.intercept_, dtype=np.float32)
    if n_classes == 2:  # scikit-learn keeps one row for two classes: score(b) = -score(a)
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    return coef, intercept


def _fit_temperature(matrix: Any, y: npt.NDArray[np.int_], params: TrainingParams) -> float:
    """The softmax temperature that best fits held-out scores (lowest log loss)."""
    from sklearn.model_selection import StratifiedKFold

    folds = min(params.folds, int(np.bincount(y).min()))
    if folds < 2:
        return DEFAULT_TEMPERATURE
    n_classes = int(y.max()) + 1
    held_out = np.zeros((len(y), n_classes))
    for fit_rows, test_rows in StratifiedKFold(folds, shuffle=True, random_state=0).split(
        matrix, y
    ):
        svc = _svc(params).fit(matrix[fit_rows], y[fit_rows])
        coef, intercept = _one_row_per_class(svc, n_classes)
        held_out[test_rows] = matrix[test_rows] @ coef.T + intercept

    def loss(log_t: float) -> float:
        probs = _softmax(held_out, float(np.exp(log_t)))
        return float(-np.log(probs[np.arange(len(y)), y] + 1e-12).mean())

    best = minimize_scalar(loss, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return round(float(np.exp(best.x)), 4)


def save(model: Model, folder: Path) -> Path:
    """Write the model as folder/model.npz (numbers and strings only)."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {
        "classes": np.array(model.classes, dtype=str),
        "coef": model.coef.astype(np.float16),
        "intercept": model.intercept.astype(np.float32),
        "temperature": np.array(model.temperature, dtype=np.float64),
        "cue_weight": np.array(model.cue_weight, dtype=np.float64),
        "cues": np.array(CUE_NAMES, dtype=str),
        "meta": np.array(json.dumps(model.meta, sort_keys=True, ensure_ascii=False)),
    }
    for block in model.blocks:
        arrays[f"{block.name}_terms"] = np.array(block.terms, dtype=str)
        arrays[f"{block.name}_idf"] = block.idf.astype(np.float32)
    path = folder / MODEL_FILE
    tmp = folder / (MODEL_FILE + ".tmp.npz")
    _write_npz(tmp, arrays)
    tmp.replace(path)  # a killed run leaves the old model whole
    return path


def _write_npz(path: Path, arrays: dict[str, Any]) -> None:
    """np.savez_compressed with fixed member times: the same model gives the same bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asanyarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def load(path: Path) -> Model:
    """A model from a folder holding model.npz, or from the .npz itself."""
    file = path / MODEL_FILE if path.is_dir() else path
    if not file.is_file():
        raise InputError(f"no classifier model at {path} (expected {MODEL_FILE})")
    try:
        with np.load(file, allow_pickle=False) as data:
            return _from_arrays({k: data[k] for k in data.files}, file)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise FormatError(f"{file}: not a darkrange classifier model ({exc})") from None


def _from_arrays(data: dict[str, Any], file: Path) -> Model:
    meta = json.loads(str(data["meta"]))
    if meta.get("format") != FORMAT:
        raise FormatError(f"{file}: unknown model format {meta.get('format')!r}")
    blocks = tuple(
        Block(b, tuple(str(t) for t in data[f"{b}_terms"]), data[f"{b}_idf"].astype(np.float32))
        for b in BLOCKS
    )
    classes = tuple(str(c) for c in data["classes"])
    coef = data["coef"].astype(np.float32)
    intercept = data["intercept"].astype(np.float32)
    if tuple(str(c) for c in data["cues"]) != CUE_NAMES:
        raise FormatError(f"{file}: made with another lexicon; retrain it with this version")
    width = sum(len(b.terms) for b in blocks) + len(CUE_NAMES)
    if coef.shape != (len(classes), width) or intercept.shape != (len(classes),):
        raise FormatError(f"{file}: model arrays do not fit together")
    if any(len(b.idf) != len(b.terms) for b in blocks):
        raise FormatError(f"{file}: model arrays do not fit together")
    weight = float(data["cue_weight"])
    return Model(blocks, classes, coef, intercept, float(data["temperature"]), weight, meta)
