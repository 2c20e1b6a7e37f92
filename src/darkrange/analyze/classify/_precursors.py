"""Explosives precursors of Regulation (EU) 2019/1148, Annexes I and II, by their English,
Russian and Uzbek names and formulas, with Annex I's concentration limits.

Annex I substances are restricted above the limit (not for sale to the general public);
Annex II substances are reportable (suspicious transactions) at any concentration. A listing
that states a concentration at or below an Annex I limit is not flagged; one that states none
is flagged, since the buyer cannot know either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from darkrange.analyze.classify._rules import Hit, compile_terms


@dataclass(frozen=True)
class Precursor:
    name: str
    annex: str  # "I" (restricted above the limit) or "II" (reportable)
    limit: float | None  # Annex I limit, % w/w; None for Annex II
    patterns: tuple[str, ...]


# More specific names first: "calcium ammonium nitrate" must not also count as "ammonium
# nitrate", "potassium perchlorate" not as "potassium chlorate".
PRECURSORS: tuple[Precursor, ...] = (
    Precursor(
        "calcium ammonium nitrate",
        "II",
        None,
        (
            r"calcium\s+ammonium\s+nitrate",
            r"известково-?\s*аммиачн\w*\s+селитр\w*",
            r"кальци\w*-?\s*аммиачн\w*\s+селитр\w*",
        ),
    ),
    Precursor(
        "hydrogen peroxide",
        "I",
        12.0,
        (
            r"hydrogen\s+peroxide",
            r"\bh2o2\b",
            r"перекис\w*\s+водород\w*",
            r"пероксид\w*\s+водород\w*",
            r"vodorod\s+peroksid\w*",
        ),
    ),
    Precursor(
        "nitromethane",
        "I",
        16.0,
        (r"\bnitro-?methane\b", r"\bнитрометан\w*", r"\bnitrometan\w*", r"\bch3no2\b"),
    ),
    Precursor(
        "nitric acid",
        "I",
        3.0,
        (r"\bnitric\s+acid", r"\bhno3\b", r"\bазотн\w*\s+кислот\w*", r"\bazot\s+kislota\w*"),
    ),
    Precursor(
        "sulphuric acid",
        "I",
        15.0,
        (
            r"\bsul(?:ph|f)uric\s+acid",
            r"\bh2so4\b",
            r"\bсерн\w*\s+кислот\w*",
            r"\bsulfat\s+kislota\w*",
        ),
    ),
    Precursor(
        "potassium perchlorate",
        "I",
        40.0,
        (
            r"\bpotassium\s+perchlorate",
            r"\bkclo4\b",
            r"\bперхлорат\w*\s+кали\w*",
            r"\bкали\w*\s+перхлорат\w*",
            r"\bkaliy\s+perxlorat\w*",
        ),
    ),
    Precursor(
        "potassium chlorate",
        "I",
        40.0,
        (
            r"\bpotassium\s+chlorate",
            r"\bkclo3\b",
            r"\bхлорат\w*\s+кали\w*",
            r"\bкали\w*\s+хлорат\w*",
            r"\bбертолетов\w*\s+сол\w*",
            r"\bkaliy\s+xlorat\w*",
        ),
    ),
    Precursor(
        "sodium perchlorate",
        "I",
        40.0,
        (
            r"\bsodium\s+perchlorate",
            r"\bnaclo4\b",
            r"\bперхлорат\w*\s+натри\w*",
            r"\bnatriy\s+perxlorat\w*",
        ),
    ),
    Precursor(
        "sodium chlorate",
        "I",
        40.0,
        (
            r"\bsodium\s+chlorate",
            r"\bnaclo3\b",
            r"\bхлорат\w*\s+натри\w*",
            r"\bnatriy\s+xlorat\w*",
        ),
    ),
    Precursor(
        "ammonium nitrate",
        "I",
        16.0,  # % nitrogen by weight; see _over_limit
        (
            r"\bammonium\s+nitrate",
            r"\bnh4no3\b",
            r"\bаммиачн\w*\s+селитр\w*",
            r"\bнитрат\w*\s+аммони\w*",
            r"\bammiakli\s+selitra\w*",
        ),
    ),
    Precursor(
        "hexamine",
        "II",
        None,
        (
            r"\bhexamine\b",
            r"\bhexamethylene\s*tetramine",
            r"\bmethenamine\b",
            r"\bуротропин\w*",
            r"\bгексамин\w*",
            r"\bгексаметилентетрамин\w*",
            r"\burotropin\w*",
        ),
    ),
    Precursor("acetone", "II", None, (r"\bacetone?\b", r"\bацетон\w*", r"\baseton\b")),
    Precursor(
        "potassium nitrate",
        "II",
        None,
        (
            r"\bpotassium\s+nitrate",
            r"\bkno3\b",
            r"\bsalt\s*pet(?:er|re)\b",
            r"\bкалийн\w*\s+селитр\w*",
            r"\bкалиев\w*\s+селитр\w*",
            r"\bнитрат\w*\s+кали\w*",
            r"\bkaliy\s+nitrat\w*",
        ),
    ),
    Precursor(
        "sodium nitrate",
        "II",
        None,
        (
            r"\bsodium\s+nitrate",
            r"\bnano3\b",
            r"\bнатриев\w*\s+селитр\w*",
            r"\bчилийск\w*\s+селитр\w*",
            r"\bнитрат\w*\s+натри\w*",
            r"\bnatriy\s+nitrat\w*",
        ),
    ),
    Precursor(
        "calcium nitrate",
        "II",
        None,
        (
            r"\bcalcium\s+nitrate",
            r"\bca\(no3\)2",
            r"\bкальциев\w*\s+селитр\w*",
            r"\bнитрат\w*\s+кальци\w*",
            r"\bkalsiy\s+nitrat\w*",
        ),
    ),
    Precursor(
        "aluminium powder",
        "II",
        None,
        (
            r"\balumin(?:i)?um\s+(?:powder|dust)",
            r"\bpowdered\s+alumin(?:i)?um",
            r"\bалюминиев\w*\s+(?:пудр|порош)\w*",
            r"\b(?:пудр|порош)\w*\s+алюмини\w*",
            r"\balyuminiy\s+kukun\w*",
        ),
    ),
    Precursor(
        "magnesium powder",
        "II",
        None,
        (
            r"\bmagnesium\s+(?:powder|dust)",
            r"\bpowdered\s+magnesium",
            r"\bмагниев\w*\s+порош\w*",
            r"\bпорош\w*\s+магни\w*",
            r"\bmagniy\s+kukun\w*",
        ),
    ),
    Precursor(
        "magnesium nitrate hexahydrate",
        "II",
        None,
        (
            r"\bmagnesium\s+nitrate",
            r"\bmg\(no3\)2",
            r"\bнитрат\w*\s+магни\w*",
            r"\bmagniy\s+nitrat\w*",
        ),
    ),
)

_COMPILED = [(p, compile_terms(p.patterns)) for p in PRECURSORS]
# "50%", "34,4 %", "34.4% N": the number and whether it is a nitrogen content.
_CONCENTRATION = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%(\s*n\b)?")
_AFTER = 30  # characters after the name where its concentration may stand
_BEFORE = 12  # "50% hydrogen peroxide"
# Pure ammonium nitrate is 35% nitrogen: an AN purity converts to a nitrogen content.
_AN_NITROGEN = 0.35


def precursor_hits(text: str) -> list[Hit]:
    """Every precursor named in normalised text, with why it is flagged."""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for precursor, pattern in _COMPILED:
        for match in pattern.finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            reason = _reason(precursor, text, span)
            if reason:
                hits.append(Hit("explosive_precursor", match.group(0), reason, span[0]))
    return sorted(hits, key=lambda h: h.offset)


def _reason(precursor: Precursor, text: str, span: tuple[int, int]) -> str:
    """Why the name is flagged, or "" when its stated concentration is under the limit."""
    if precursor.limit is None:
        return f"{precursor.name}, EU 2019/1148 Annex II (reportable)"
    found = _concentration(text, span)
    if found is None:
        return (
            f"{precursor.name}, EU 2019/1148 Annex I (restricted above {precursor.limit:g}% w/w; "
            "concentration not stated)"
        )
    value, nitrogen = found
    if precursor.name == "ammonium nitrate":
        content = value if nitrogen else value * _AN_NITROGEN
        if content < precursor.limit:
            return ""
        return (
            f"ammonium nitrate at {content:g}% nitrogen, EU 2019/1148 Annex I "
            f"(restricted from {precursor.limit:g}% N)"
        )
    if value <= precursor.limit:
        return ""
    return (
        f"{precursor.name} at {value:g}%, EU 2019/1148 Annex I "
        f"(restricted above {precursor.limit:g}% w/w)"
    )


def _concentration(text: str, span: tuple[int, int]) -> tuple[float, bool] | None:
    after = _CONCENTRATION.search(text, span[1], min(len(text), span[1] + _AFTER))
    if after is None:
        before = list(_CONCENTRATION.finditer(text, max(0, span[0] - _BEFORE), span[0]))
        if not before:
            return None
        after = before[-1]
    return float(after.group(1).replace(",", ".")), bool(after.group(2))
