"""Handles as vendors disguise them: affixes, leetspeak, Cyrillic spelling.

`skeleton` reads a handle the way an investigator would say it aloud: lower case, Cyrillic
transliterated to Latin, sounds that two alphabets spell differently folded together (c/k/q,
w/v, x/ks), separators dropped. `core` also drops the affixes markets are full of ("the_",
"real", "_shop", "420", "_v2") and reads leetspeak digits as letters. Two handles of one
person usually share a core; look-alike handles of different people do too, which is why
handle similarity is soft evidence only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

__all__ = ["core", "handle_similarity", "pair_handle_similarity", "skeleton"]

_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
    "ў": "u",
    "қ": "k",
    "ғ": "g",
    "ҳ": "h",
}
_FOLD = (("kh", "h"), ("dzh", "j"), ("ks", "x"), ("x", "ks"), ("c", "k"), ("q", "k"), ("w", "v"))
_LEET = str.maketrans(
    {
        "4": "a",
        "3": "e",
        "1": "i",
        "0": "o",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
    }
)
_AFFIXES = (
    "official",
    "real",
    "the",
    "its",
    "shop",
    "store",
    "team",
    "original",
    "verified",
    "new",
    "market",
    "vendor",
    "v2",
    "v3",
    "eu",
    "nl",
    "uk",
    "us",
    "xx",
    "x",
)
_SEPARATORS = re.compile(r"[\s_.\-]+")
_DIGITS_END = re.compile(r"\d+$")


@lru_cache(maxsize=200_000)
def skeleton(handle: str) -> str:
    """The handle lower-cased, in Latin letters, with separators removed and sounds folded."""
    low = "".join(_CYRILLIC.get(ch, ch) for ch in handle.lower())
    low = _SEPARATORS.sub("", low)
    for src, dst in _FOLD[:3]:
        low = low.replace(src, dst)
    low = low.replace("x", "ks")
    for src, dst in _FOLD[4:]:
        low = low.replace(src, dst)
    return low


_PREFIXES = ("official", "real", "the", "its", "xx")
_SUFFIXES = ("official", "original", "verified", "market", "vendor", "store", "shop", "team",
             "new", "v2", "v3", "eu", "nl", "xx")  # fmt: skip


@lru_cache(maxsize=200_000)
def core(handle: str) -> str:
    """The skeleton without market affixes and trailing numbers, leetspeak read as letters."""
    text = re.sub(r"^(?:xX|Xx)(.+?)(?:Xx|xX)$", r"\1", handle.strip())
    low = _SEPARATORS.sub("", text.lower())
    low = _DIGITS_END.sub("", low) or low
    if not low.isdigit():
        low = low.translate(_LEET)
    changed = True
    while changed:  # peel affixes, never below four letters
        changed = False
        for prefix in _PREFIXES:
            if low.startswith(prefix) and len(low) - len(prefix) >= 4:
                low, changed = low[len(prefix) :], True
        for suffix in _SUFFIXES:
            if low.endswith(suffix) and len(low) - len(suffix) >= 4:
                low, changed = low[: -len(suffix)], True
        stripped = _DIGITS_END.sub("", low)
        if stripped != low and len(stripped) >= 4:
            low, changed = stripped, True
    return skeleton(low)


def handle_similarity(a: str, b: str) -> float:
    """0..1: normalised edit similarity of the cores (affixes and leetspeak set aside), 0.9
    when one core contains the other (a word added), 1 when the skeletons are equal."""
    if a == b or skeleton(a) == skeleton(b):
        return 1.0
    if skeleton(a.lower().translate(_LEET)) == skeleton(b.lower().translate(_LEET)):
        return 1.0
    ca, cb = core(a), core(b)
    best = Levenshtein.normalized_similarity(ca, cb)
    short, long_ = sorted((ca, cb), key=len)
    if len(short) >= 4 and short in long_:
        best = max(best, 0.9)
    return float(best)


def _leet_skeleton(handle: str) -> str:
    return skeleton(handle.lower().translate(_LEET))


def pair_handle_similarity(
    handles: Sequence[str], left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """`handle_similarity(handles[left[k]], handles[right[k]])` for every k, the same numbers,
    with each handle read once and the edit distances computed in rapidfuzz's C loop."""
    out = np.zeros(len(left), dtype=np.float64)
    if len(left) == 0:
        return out
    ids = [_ids(handles, f) for f in (str, skeleton, _leet_skeleton)]
    equal = np.zeros(len(left), dtype=bool)
    for per_account in ids:
        equal |= per_account[left] == per_account[right]
    out[equal] = 1.0
    cores = [core(h) for h in handles]
    rest = np.flatnonzero(~equal)
    if len(rest) == 0:
        return out
    # Unique pairs of cores only: many candidate pairs repeat the same two cores.
    core_ids = _ids(cores, str)
    names = list(dict.fromkeys(cores))  # in id order: ids are given in order of first sight
    width = len(names)
    code = core_ids[left[rest]] * width + core_ids[right[rest]]
    unique, inverse = np.unique(code, return_inverse=True)
    ca = [names[int(u) // width] for u in unique]
    cb = [names[int(u) % width] for u in unique]
    best = process.cpdist(
        ca, cb, scorer=Levenshtein.normalized_similarity, dtype=np.float64, workers=-1
    )
    for k, (x, y) in enumerate(zip(ca, cb, strict=True)):
        short, long_ = (x, y) if len(x) <= len(y) else (y, x)
        if best[k] < 0.9 and len(short) >= 4 and short in long_:
            best[k] = 0.9
    out[rest] = best[inverse.ravel()]
    return out


def _ids(handles: Sequence[str], read: Callable[[str], str]) -> np.ndarray:
    """Each handle's reading as a dense integer id (equal readings, equal ids)."""
    seen: dict[str, int] = {}
    return np.fromiter(
        (seen.setdefault(read(h), len(seen)) for h in handles), dtype=np.int64, count=len(handles)
    )
