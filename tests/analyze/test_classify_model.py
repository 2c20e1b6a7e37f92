"""The shipped model on known texts (English and Russian), retraining, and the model file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from darkrange.analyze.classify import (
    CATEGORIES,
    MODEL_FILE,
    default_model,
    load_model,
    save_model,
    train_model,
)
from darkrange.errors import FormatError, InputError

KNOWN = [
    ("Glock 19 Gen4 9mm, new in box, unfired", "weapons"),
    ("AKM 7.62x39, excellent condition, comes with the original case", "weapons"),
    ("Пистолет Макарова (ПМ), не стрелянный, в заводской коробке", "weapons"),
    ("Патроны 9x19 Parabellum, 100 шт.", "weapons"),
    ("TNT block 200g, military surplus, factory sealed", "explosives"),
    ("Тротиловая шашка 200 г, заводская упаковка", "explosives"),
    ("Аммиачная селитра 34,4% N, 50 кг, технический сорт", "explosives"),
    ("28g OG Kush indoor, fresh batch, lab tested", "drugs"),
    ("Мефедрон крис 1 г, чистейший продукт, проверено реагентами", "drugs"),
    ("100 x MDMA pills 200mg, stealth shipping", "drugs"),
    ("US CVV fresh, valid rate above 80%, dead items replaced", "fraud"),
    ("СС США (свежие), валид выше 80%, замена невалида", "fraud"),
    ("UK passport, hologram and UV features included, made to your details", "forgeries"),
    ("Паспорт РФ (внутренний), голограмма и УФ-защита", "forgeries"),
    ("Android RAT lifetime licence, fully undetected, support over Jabber", "hacking"),
    ("€50 notes, grade A, passes pen and UV tests", "counterfeits"),
    ("Supporter donation, tier II. All proceeds go to the movement.", "extremism"),
]


@pytest.mark.parametrize(("text", "expected"), KNOWN)
def test_shipped_model_knows_these(text: str, expected: str) -> None:
    [prediction] = default_model().predict([text])
    assert prediction.category == expected
    assert 0.0 < prediction.confidence <= 1.0


def test_shipped_model_speaks_only_our_categories() -> None:
    model = default_model()
    assert set(model.classes) == set(CATEGORIES)
    assert model.predict([]) == []
    probs = model.probabilities(["anything at all", ""])
    assert np.allclose(probs.sum(axis=1), 1.0)


def _small_set() -> tuple[list[str], list[str]]:
    texts = [
        "blue widget large",
        "blue widget small",
        "blue widget boxed",
        "red gadget shiny",
        "red gadget used",
        "red gadget spare",
    ]
    return texts, ["alpha"] * 3 + ["beta"] * 3


def test_retraining_changes_predictions(tmp_path: Path) -> None:
    texts, labels = _small_set()
    model = train_model(texts, labels)
    assert [p.category for p in model.predict(["a blue widget", "one red gadget"])] == [
        "alpha",
        "beta",
    ]
    flipped = train_model(texts, ["beta"] * 3 + ["alpha"] * 3)
    assert [p.category for p in flipped.predict(["a blue widget", "one red gadget"])] == [
        "beta",
        "alpha",
    ]


def test_save_and_load_give_the_same_predictions(tmp_path: Path) -> None:
    texts, labels = _small_set()
    model = train_model(texts, labels)
    path = save_model(model, tmp_path / "m")
    assert path.name == MODEL_FILE
    again = load_model(tmp_path / "m")
    probe = ["blue widget", "red gadget", "nothing known"]
    assert [p.category for p in again.predict(probe)] == [p.category for p in model.predict(probe)]
    assert again.classes == ("alpha", "beta")
    # The same model gives the same bytes (fixed zip member times).
    save_model(model, tmp_path / "m2")
    assert (tmp_path / "m" / MODEL_FILE).read_bytes() == (tmp_path / "m2" / MODEL_FILE).read_bytes()


def test_training_needs_two_labels() -> None:
    with pytest.raises(InputError, match="at least two labels"):
        train_model(["a", "b"], ["x", "x"])


def test_a_model_file_is_never_unpickled(tmp_path: Path) -> None:
    # An object array needs pickle to load: the loader refuses it instead of running it.
    bad = tmp_path / "evil"
    bad.mkdir()
    np.savez(bad / MODEL_FILE, meta=np.array([object()], dtype=object))
    with pytest.raises(FormatError, match="not a darkrange classifier model"):
        load_model(bad)


def test_broken_model_files_are_format_errors(tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).write_bytes(b"not a zip at all")
    with pytest.raises(FormatError):
        load_model(tmp_path)
    texts, labels = _small_set()
    good = save_model(train_model(texts, labels), tmp_path / "good")
    cut = tmp_path / "cut"
    cut.mkdir()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(cut / MODEL_FILE, "w") as dst:
        for item in src.infolist():
            if item.filename != "intercept.npy":
                dst.writestr(item, src.read(item))
    with pytest.raises(FormatError):
        load_model(cut)
    with pytest.raises(InputError, match="no classifier model"):
        load_model(tmp_path / "missing")
