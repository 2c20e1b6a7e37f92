"""Risk flags: rules an analyst can read, independent of the classifier.

explosive_precursor  a substance of EU Regulation 2019/1148 Annex I (over its limit) or II
firearm_or_part      firearms, frames and receivers, barrels, slides, bolts, suppressors,
                     80% lowers, ammunition
explosive_device     detonators, grenades (not ecstasy "Grenades"), military and commercial
                     explosives, IEDs
terrorist_financing  donation or support language next to a cause ("the brothers", jihad,
                     mujahideen, the movement), or donation language with a crypto address
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from darkrange.analyze.classify._features import normalise
from darkrange.analyze.classify._precursors import precursor_hits
from darkrange.analyze.classify._rules import Hit, Rule, compile_rules, compile_terms, rule_hits

FLAGS = ("explosive_precursor", "firearm_or_part", "explosive_device", "terrorist_financing")

_CALIBRES = (
    r"\b9\s?mm\b",
    r"\b9x(?:19|18)\b",
    r"\b7[.,]62x(?:39|54r?)\b",
    r"\b5[.,]45x39\b",
    r"\b5[.,]56(?:x45)?\b",
    r"\.22\s?lr\b",
    r"\.(?:45|40)\s?(?:acp|s&w)\b",
    r"\.38\s?(?:special|spl)\b",
    r"\.(?:223|308|357|380)\b",
    r"\b(?:12|20)\s?(?:gauge|ga)\b",
    r"\b12\s+калибра\b",
    r"\b\d+\s+kalibrli\b",
)
_FIREARMS = (
    r"\bfirearms?\b",
    r"\bpistols?\b",
    r"\bhandguns?\b",
    r"\brevolvers?\b",
    r"\brifles?\b",
    r"\bshotguns?\b",
    r"\bcarbines?\b",
    r"\b(?:sub)?machine\s?guns?\b",
    r"\bak-?(?:47|74)\b",
    r"\bakm\b",
    r"\bar-?15\b",
    r"\bglock\b",
    r"\bberetta\b",
    r"\bsig\s?sauer\b",
    r"\bwalther\b",
    r"\bcz\s?75\b",
    r"\bmakarov\b",
    r"\btokarev\b",
    r"\btt-33\b",
    r"\bsmith\s?(?:&|and)\s?wesson\b",
    r"\bheckler\b",
    r"\bsaiga\b",
    r"\bremington\s+\d",
    r"\bпистолет\w*",
    r"\bревольвер\w*",
    r"\bвинтовк\w*",
    r"\bкарабин\w*",
    r"\bружь[ея]\w*",
    r"\bобрез\b",
    r"\bавтомат(?:ы|а|ов)?\b",
    r"\bогнестрел\w*",
    r"\bмакаров\w*",
    r"\bтокарев\w*",
    r"\bсайга\b",
    r"\bакм\b",
    r"\bак-(?:47|74)\b",
    r"\bto'pponcha\w*",
    r"\bmiltiq\w*",
)
_PARTS = (
    r"\b80\s?%\s+(?:lower|frame)s?\b",
    r"\b(?:lower|upper)\s+receivers?\b",
    r"\bthreaded\s+barrels?\b",
    r"\bbolt\s+carriers?\b",
    r"\bsuppressors?\b",
    r"\bsilencers?\b",
    r"\bглушител\w*",
    r"\bпбс\b",
    r"\bammo\b",
    r"\bammunition\b",
    r"\b\d+\s?(?:rounds|rds)\b",
    r"\bfmj\b",
    r"\bjhp\b",
    r"\bhollow\s?points?\b",
    r"\bbuckshot\b",
    r"\bparabellum\b",
    r"\bпатрон(?:ы|ов|а)?\b",
    r"\bo'q-dori\w*",
    r"\bo'q(?:lar\w*|i)?\b",
    *_CALIBRES,
)
# Words that name a part only next to a firearm ("slide" alone is a photo slide).
_CONTEXT_PARTS = (
    r"\b(?:frames?|slides?|barrels?|bolts?|receivers?|magazines?|triggers?)\b",
    r"\b(?:рамк|затвор|ресивер|ствол|магазин)\w*",
    r"\b(?:ramka|zatvor|stvol|magazin)\w*",
)
_FIREARM_CONTEXT = "|".join((*_FIREARMS, *_CALIBRES, r"\bак\b", r"\bak\b"))

_DRUG_CONTEXT = (
    r"\b(?:pills?|tabs?|tablets?|mdma|xtc|ecstasy|molly|mg|pressed|presses)\b"
    r"|экстази|таблет|\bмдма\b|\bколес"
)
_DEVICES = (
    r"\bdetonators?\b",
    r"\bblasting\s+caps?\b",
    r"\bdet(?:onating)?\s+cord\b",
    r"\bprimacord\b",
    r"\bied\b",
    r"\bpipe\s+bombs?\b",
    r"\b(?:hand|frag(?:mentation)?|stun)\s+grenades?\b",
    r"\b(?:rgd-?5|rgo|rgn|m67|f-1)\s+grenades?\b",
    r"\bsemtex\b",
    r"\b(?:plastic|military|high|improvised)\s+explosives?\b",
    r"\bdynamite\b",
    r"\bpetn\b",
    r"\brdx\b",
    r"\btatp\b",
    r"\banfo\b",
    r"\bemulsion\s+(?:explosives?|blasting)\b",
    r"\b(?:электро)?детонатор\w*",
    r"\bкапсюл\w*-детонатор\w*",
    r"\bдетонирующ\w*\s+шнур\w*",
    r"\bтротил\w*",
    r"\bгексоген\w*",
    r"\bпластит\w*",
    r"\b(?:пвв|pvv)-\d\w*",
    r"\bplastit\w*",
    r"\bсемтекс\w*",
    r"\b(?:аммонит|ammonit)\w*(?=\s+\d)",
    r"\bammonal\b",
    r"\bblasting\s+cartridges?\b",
    r"\bаммонал\w*",
    r"\bдинамит\w*",
    r"\bвзрывчатк\w*",
    r"\bвзрывчат\w*\s+веществ\w*",
    r"\bэмульсионн\w*\s+вв\b",
    r"\bвзрывн\w*\s+устройств\w*",
    r"\bргд-5\b",
    r"\bф-1\b",
    r"\bportlovchi\b",
    r"\btrotil\w*",
)
_GRENADES = (r"\bgrenades?\b", r"\bгранат(?:а|ы|у|ой)?\b", r"\bgranata\w*")
_TNT = (r"\btnt\b",)  # also a courier: only with an explosives context
_EXPLOSIVE_CONTEXT = r"\bblock\b|шашк|blasting|explosive|detonat|military\s+surplus|\d+\s?g\b"

_RULES = compile_rules(
    (
        Rule("firearm_or_part", "firearm", _FIREARMS),
        Rule("firearm_or_part", "firearm part or ammunition", _PARTS),
        Rule("firearm_or_part", "firearm part", _CONTEXT_PARTS, needs=_FIREARM_CONTEXT),
        Rule("explosive_device", "explosive or initiating device", _DEVICES),
        Rule(
            "explosive_device",
            "grenade without drug context",
            _GRENADES,
            unless=_DRUG_CONTEXT + r"|\bsmoke\b|дымов",
        ),
        Rule("explosive_device", "TNT with explosives context", _TNT, needs=_EXPLOSIVE_CONTEXT),
    )
)

# Terrorist financing: money words and cause words near each other.
_MONEY = compile_terms(
    (
        r"\bdonat\w*",
        r"\bcontribut\w*",
        r"\bpledge\w*",
        r"\bfund(?:s|ing|raising)?\b",
        r"\bproceeds\b",
        r"\bsupport\w*",
        r"\bsadaq\w*",
        r"\bzakat\w*",
        r"\bsend what you can\b",
        r"\bevery coin\b",
        r"\bпожертв\w*",
        r"\bвзнос\w*",
        r"\bсбор\w*\s+средств\w*",
        r"\bсредства\b",
        r"\bподдерж\w*",
        r"\bпомог\w*",
        r"\bсадак\w*",
        r"\bзакят\w*",
        r"\bмонет\w*",
        r"\bxayriya\w*",
        r"\bqo'llab-quvvatla\w*",
        r"\bmablag'\w*",
        r"\bbadal\w*",
        r"\byordam\w*",
    )
)
_CAUSE = compile_terms(
    (
        r"\b(?:the|our)\s+brothers\b",
        r"\bbrothers\s+and\s+sisters\b",
        r"\bmujah[ie]d\w*",
        r"\bjihad\w*",
        r"\bfi\s*sabil\s*(?:i?llah|allah)\b",
        r"\bshah[ie]d\w*",
        r"\bthe\s+(?:cause|movement)\b",
        r"\bfighters\b",
        r"\bбрать(?:ев|ям|я)\b",
        r"\bмоджахед\w*",
        r"\bмуджахид\w*",
        r"\bджихад\w*",
        r"\bшахид\w*",
        r"\bдвижени[юея]\b",
        r"\bнаше\w*\s+дел\w*",
        r"\bbirodar\w*",
        r"\bmujohid\w*",
        r"\bjihod\w*",
        r"\bharakat\w*",
    )
)
_DONATION = re.compile(r"\bdonat\w*|\bпожертв\w*|\bsadaq\w*|\bсадак\w*|\bzakat\w*|\bxayriya\w*")
_ADDRESS = re.compile(
    r"\b(?:bc1[ac-hj-np-z02-9]{11,71}|[13][1-9a-hj-np-za-km-z]{25,34}"
    r"|[48][1-9a-hj-np-za-km-z]{94}(?:[1-9a-hj-np-za-km-z]{11})?)\b",
    re.IGNORECASE,
)
_NEAR = 120  # characters: a money word and a cause word in the same appeal


def _financing_hits(text: str, raw: str) -> list[Hit]:
    money = list(_MONEY.finditer(text))
    if not money:
        return []
    hits: list[Hit] = []
    for cause in _CAUSE.finditer(text):
        near = [m for m in money if abs(m.start() - cause.start()) <= _NEAR]
        if near:
            term = f"{near[0].group(0)} ... {cause.group(0)}"
            reason = "support or donation language for a cause"
            hits.append(Hit("terrorist_financing", term, reason, cause.start()))
    donation = _DONATION.search(text)
    address = _ADDRESS.search(raw) if donation else None
    if donation and address:
        term = f"{donation.group(0)} ... {address.group(0)[:12]}..."
        hits.append(Hit("terrorist_financing", term, "donation appeal with a crypto address", 0))
    return hits


@dataclass(frozen=True)
class RiskFlags:
    """The flags raised on one text and the terms behind them."""

    hits: tuple[Hit, ...]

    @property
    def flags(self) -> tuple[str, ...]:
        raised = {h.flag for h in self.hits}
        return tuple(f for f in FLAGS if f in raised)

    def explanation(self) -> str:
        """'flag: "term" (reason); ...' with each term once, flags in FLAGS order."""
        parts: list[str] = []
        for flag in self.flags:
            seen: dict[str, str] = {}
            for hit in self.hits:
                if hit.flag == flag and hit.term not in seen:
                    seen[hit.term] = hit.reason
            terms = ", ".join(f'"{t}" [{r}]' for t, r in seen.items())
            parts.append(f"{flag}: {terms}")
        return "; ".join(parts)


def risk_flags(text: str) -> RiskFlags:
    """The risk flags of a listing's text (any language; English and Russian named terms)."""
    clean = normalise(text)
    hits = precursor_hits(clean) + rule_hits(_RULES, clean) + _financing_hits(clean, text)
    return RiskFlags(tuple(sorted(hits, key=lambda h: (FLAGS.index(h.flag), h.offset))))
