"""Telephone numbers written by hand: E.164 with a country code, or a national number."""

from __future__ import annotations

__all__ = ["phone_check"]

# ITU-T E.164 country codes in service (1- and 7-prefixed zones, then 2- and 3-digit codes).
_CC2 = frozenset(
    [
        "20",
        "27",
        "30",
        "31",
        "32",
        "33",
        "34",
        "36",
        "39",
        "40",
        "41",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "60",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "81",
        "82",
        "84",
        "86",
        "90",
        "91",
        "92",
        "93",
        "94",
        "95",
        "98",
    ]
)
_CC3 = frozenset(
    [str(n) for n in (211, 212, 213, 216, 218, 290, 291, 297, 298, 299, 420, 421, 423)]
    + [str(n) for n in range(220, 259)]
    + [str(n) for n in range(260, 270)]
    + [str(n) for n in range(350, 360)]
    + [str(n) for n in (370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383)]
    + [str(n) for n in (385, 386, 387, 389)]
    + [str(n) for n in range(500, 510)]
    + [str(n) for n in range(590, 600)]
    + [str(n) for n in (670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683)]
    + [str(n) for n in range(685, 693)]
    + [str(n) for n in (800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886)]
    + [str(n) for n in (888, *range(960, 969), *range(970, 978), 979, *range(992, 997), 998)]
)


def phone_check(written: str) -> tuple[str, str]:
    """Normalise a number as written; returns (normalized, reason), reason "" when plausible.

    With a "+" or "00" the number is international: its country code must exist and it has at
    most 15 digits (E.164). Without, it is a national number of 7 to 15 digits.
    """
    digits = "".join(c for c in written if c.isdigit())
    international = written.lstrip("(").startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if not international:
        reason = "" if 7 <= len(digits) <= 15 else f"{len(digits)} digits, expected 7 to 15"
        return digits, reason
    normalized = "+" + digits
    if not 7 <= len(digits) <= 15:
        return normalized, f"{len(digits)} digits, E.164 allows 7 to 15 with the country code"
    if digits[0] not in "17" and digits[:2] not in _CC2 and digits[:3] not in _CC3:
        return normalized, "no such country code"
    return normalized, ""
