"""Listing classification (category and confidence) and rule-based risk flags."""

from darkrange.analyze.classify._csvfile import ADDED, classify_csv, parse_columns, read_labelled
from darkrange.analyze.classify._default import default_model, default_model_path
from darkrange.analyze.classify._features import listing_text
from darkrange.analyze.classify._flags import FLAGS, RiskFlags, risk_flags
from darkrange.analyze.classify._labels import AGORA_MAPPING, CATEGORIES, agora_category
from darkrange.analyze.classify._lexicon import LEXICON, keyword_category
from darkrange.analyze.classify._model import (
    MODEL_FILE,
    Model,
    Prediction,
    TrainingParams,
)
from darkrange.analyze.classify._model import load as load_model
from darkrange.analyze.classify._model import save as save_model
from darkrange.analyze.classify._model import train as train_model
from darkrange.analyze.classify._rules import Hit

__all__ = [
    "ADDED",
    "AGORA_MAPPING",
    "CATEGORIES",
    "FLAGS",
    "LEXICON",
    "MODEL_FILE",
    "Hit",
    "Model",
    "Prediction",
    "RiskFlags",
    "TrainingParams",
    "agora_category",
    "classify_csv",
    "default_model",
    "default_model_path",
    "keyword_category",
    "listing_text",
    "load_model",
    "parse_columns",
    "read_labelled",
    "risk_flags",
    "save_model",
    "train_model",
]
