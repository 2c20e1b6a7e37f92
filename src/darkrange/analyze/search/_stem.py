"""Light stemming for English and Russian: FTS5 has none for Russian, so the index keeps a
lower-cased, suffix-stripped copy of each text and queries are stemmed the same way.

Suffix stripping, not a full Snowball stemmer: it folds the common inflections (plurals,
cases, verb endings) that make "пистолеты" miss "пистолет" or "pistols" miss "pistol", and
never strips a word below three letters.
"""

from __future__ import annotations

import re

__all__ = ["language_of", "stem_text", "stem_word", "tokens"]

_TOKEN = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_RU_ENDINGS = tuple(
    sorted(
        (
            "иями", "ями", "ами", "иях", "ях", "ах", "ого", "его", "ому", "ему", "ыми", "ими",
            "ая", "яя", "ое", "ее", "ые", "ие", "ий", "ый", "ой", "ей", "ую", "юю", "ам", "ям",
            "ов", "ев", "ом", "ем", "ия", "ие", "ться", "тся", "ешь", "ет", "ют", "ут", "ит",
            "ат", "ят", "ть", "ла", "ло", "ли", "ы", "и", "а", "я", "о", "е", "у", "ю", "ь", "й",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
_EN_ENDINGS = ("ies", "ing", "edly", "ed", "es", "ly", "s")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("ё", "е"))


def stem_word(word: str) -> str:
    """A word's stem: Russian or English suffixes stripped, at least three letters kept."""
    if _CYRILLIC.search(word):
        for ending in _RU_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
        return word
    if word.isdigit():
        return word
    for ending in _EN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            return stem + "y" if ending == "ies" else stem
    return word


def stem_text(text: str) -> str:
    return " ".join(stem_word(t) for t in tokens(text))


def language_of(text: str) -> str:
    """'ru' when a third of the letters are Cyrillic, else 'en' (the range's two languages)."""
    letters = sum(ch.isalpha() for ch in text[:2000])
    cyrillic = len(_CYRILLIC.findall(text[:2000]))
    return "ru" if letters and cyrillic / letters > 0.3 else "en"
