"""Accuracy floor of the shipped model on a world it never saw (training used seeds
1001-1005), and the risk flags against that world's truth."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from darkrange.analyze.classify import default_model, listing_text, risk_flags
from darkrange.world.generate import build_state

HELD_OUT_SEED = 9002
# bench/classify.py measured macro-F1 1.000 on seeds 9001-9003 (the worlds share one
# catalogue); the floor leaves room for generator changes that add products.
MACRO_F1_FLOOR = 0.90


@cache
def _held_out() -> tuple[list[str], list[str], list[str]]:
    state, _ = build_state(HELD_OUT_SEED, "small")
    texts = [listing_text([x.title, x.description]) for x in state.listings]
    return texts, [x.category for x in state.listings], [x.subcategory for x in state.listings]


def test_macro_f1_floor_on_a_held_out_world() -> None:
    from sklearn.metrics import f1_score

    texts, truth, _ = _held_out()
    predicted = [p.category for p in default_model().predict(texts)]
    labels = sorted(set(truth))
    assert len(labels) >= 5  # a world with several categories, not only drugs
    assert f1_score(truth, predicted, labels=labels, average="macro") >= MACRO_F1_FLOOR


@pytest.mark.parametrize(
    ("category", "subcategories", "flag"),
    [
        ("weapons", ("pistols", "rifles", "parts", "ammunition"), "firearm_or_part"),
        ("explosives", ("precursors",), "explosive_precursor"),
        ("explosives", ("commercial",), "explosive_device"),
    ],
)
def test_every_catalogue_good_raises_its_flag(
    category: str, subcategories: tuple[str, ...], flag: str
) -> None:
    """Every product of the range's catalogue, in English, Russian and Uzbek."""
    from darkrange.world.text import CATALOGUE

    names = [
        name
        for sub in subcategories
        for good in CATALOGUE[category][sub].goods
        for name in (good.en, good.ru, good.uz)
    ]
    missed = [n for n in names if flag not in risk_flags(n).flags]
    assert not missed


def test_world_listings_raise_the_flags_of_their_truth() -> None:
    texts, _, subs = _held_out()
    expected = {"pistols": "firearm_or_part", "ammunition": "firearm_or_part",
                "commercial": "explosive_device", "precursors": "explosive_precursor"}  # fmt: skip
    checked = [(t, expected[s]) for t, s in zip(texts, subs, strict=True) if s in expected]
    assert checked
    assert [t for t, flag in checked if flag not in risk_flags(t).flags] == []


def test_drug_listings_rarely_flagged() -> None:
    texts, truth, _ = _held_out()
    drugs = [t for t, c in zip(texts, truth, strict=True) if c == "drugs"]
    flagged = np.mean([bool(risk_flags(t).flags) for t in drugs])
    assert flagged <= 0.02
