"""The model shipped with darkrange, trained by scripts/train_classifier.py."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from darkrange.analyze.classify._model import Model, load
from darkrange.errors import StateError

DEFAULT_MODEL_FILE = "default_model.npz"


def default_model_path() -> Path:
    return Path(str(resources.files(__package__ or __name__).joinpath(DEFAULT_MODEL_FILE)))


@cache
def default_model() -> Model:
    """The shipped model, loaded once per process."""
    path = default_model_path()
    if not path.is_file():
        raise StateError(
            f"the default classifier model is missing ({path}); "
            "run scripts/train_classifier.py or pass --model"
        )
    return load(path)
