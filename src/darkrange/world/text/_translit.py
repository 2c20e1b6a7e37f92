"""Leetspeak and Latin <-> Cyrillic transliteration, the two disguises handles wear."""

from __future__ import annotations

# Letter -> digit, as vendors write them; unleet() reads the digits back as letters.
LEET: dict[str, str] = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "b": "8"}
_UNLEET = str.maketrans({v: k for k, v in LEET.items()} | {"@": "a", "$": "s"})

# Longest first: digraphs before single letters.
_LAT_TO_CYR: tuple[tuple[str, str], ...] = (
    ("shch", "щ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ya", "я"),
    ("yu", "ю"),
    ("yo", "ё"),
    ("a", "а"),
    ("b", "б"),
    ("c", "к"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "дж"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("q", "к"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("v", "в"),
    ("w", "в"),
    ("x", "кс"),
    ("y", "й"),
    ("z", "з"),
)
_CYR_TO_LAT: tuple[tuple[str, str], ...] = (
    ("дж", "j"),
    ("а", "a"),
    ("б", "b"),
    ("в", "v"),
    ("г", "g"),
    ("д", "d"),
    ("е", "e"),
    ("ё", "yo"),
    ("ж", "zh"),
    ("з", "z"),
    ("и", "i"),
    ("й", "y"),
    ("к", "k"),
    ("л", "l"),
    ("м", "m"),
    ("н", "n"),
    ("о", "o"),
    ("п", "p"),
    ("р", "r"),
    ("с", "s"),
    ("т", "t"),
    ("у", "u"),
    ("ф", "f"),
    ("х", "h"),
    ("ц", "ts"),
    ("ч", "ch"),
    ("ш", "sh"),
    ("щ", "shch"),
    ("ъ", ""),
    ("ы", "y"),
    ("ь", ""),
    ("э", "e"),
    ("ю", "yu"),
    ("я", "ya"),
)


def _convert(text: str, table: tuple[tuple[str, str], ...]) -> str:
    low = text.lower()
    out: list[str] = []
    i = 0
    while i < len(low):
        for src, dst in table:
            if low.startswith(src, i):
                out.append(dst)
                i += len(src)
                break
        else:
            out.append(low[i])
            i += 1
    return "".join(out)


def unleet(text: str) -> str:
    """Lower case with leetspeak digits read back as letters ('Dr4g0n' -> 'dragon')."""
    return text.lower().translate(_UNLEET)


def to_cyrillic(text: str) -> str:
    """Latin letters written in Cyrillic, phonetically ('kush_king' -> 'куш_кинг')."""
    return _convert(text, _LAT_TO_CYR)


def to_latin(text: str) -> str:
    """Cyrillic letters written in Latin ('куш_кинг' -> 'kush_king'); Latin passes through."""
    return _convert(text, _CYR_TO_LAT)


def latin_skeleton(text: str) -> str:
    """One spelling for a name in any of its disguises: leet, case, Cyrillic transliteration.

    Two handles with the same skeleton are the same name written differently; lossy letters
    (c/k, q/k, w/v, x/ks) fold together on both sides.
    """
    return to_latin(to_cyrillic(unleet(text)))
