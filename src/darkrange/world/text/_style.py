"""Writing habits: a persona's stock phrases, emoji, typos, capitals, '!!!' and sign-off.

The same Style applied with the same random state gives the same text, and the habits show
across everything a persona writes: that is what stylometric linking picks up.
"""

from __future__ import annotations

import math
import random

from darkrange.errors import InputError
from darkrange.world.text._calibration import TITLE_FEATURES
from darkrange.world.text._types import LANGUAGES, Caps, Language, PriceHabit, Role, Style

PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "stealth is top notch",
        "all orders ship in 24h",
        "vacuum sealed x3",
        "never had a seizure",
        "quality you can trust",
        "FE only for regulars",
        "reship or refund, your choice",
        "bulk deals available, just ask",
        "fast and discreet",
        "encrypt your address or no ship",
        "10+ years in the game",
        "no tracking, no problems",
        "customer service is our priority",
        "check my reviews",
        "same day dispatch",
    ),
    "ru": (
        "стелс на высоте",
        "отправка в течение 24 часов",
        "вакуумная упаковка в три слоя",
        "работаем только через гарант",
        "качество проверено временем",
        "оптовикам скидки",
        "пишите в личку",
        "работаем без выходных",
        "быстро и надёжно",
        "без кидалова",
        "пишите в жабу",
        "честный вес",
        "на связи круглосуточно",
        "лучший товар в городе",
    ),
    "uz": (
        "yashirin qadoqlash kafolatlanadi",
        "buyurtmalar 24 soat ichida jo'natiladi",
        "sifat kafolatlangan",
        "faqat kafil orqali ishlaymiz",
        "ulgurji xaridorlarga chegirma",
        "tez va ishonchli",
        "sharhlarimni o'qing",
        "har doim aloqadamiz",
    ),
}
# Forum members and buyers have stock phrases too, not a vendor's.
_MEMBER_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "just my two cents",
        "stay safe out there",
        "trust only signed messages",
        "been around since the old days",
        "patience is everything",
        "not a shill",
        "ymmv",
    ),
    "ru": (
        "моё мнение",
        "берегите себя",
        "доверяйте только подписанному",
        "сижу тут с давних времён",
        "терпение решает всё",
        "без обид",
    ),
    "uz": (
        "mening fikrim",
        "ehtiyot bo'ling",
        "faqat imzolanganiga ishoning",
        "sabr hammasini hal qiladi",
    ),
}
EMOJI = ("🔥", "💊", "🌿", "✅", "🚀", "💯", "📦", "⭐", "🍀", "❄️", "💎", "🤝", "⚡", "👑")
_SIGNOFFS: dict[str, tuple[str, ...]] = {
    "en": ("peace", "stay safe", "much love", "cheers", "- the team", "happy shopping", ""),
    "ru": ("С уважением, команда", "Всем добра!", "Мир вам", "Ваш магазин", "Берегите себя", ""),
    "uz": ("Hurmat bilan, jamoa", "Rahmat!", "Tinchlik", "Sog' bo'ling", ""),
}
_TEAMS = ("Greenline", "North", "Phoenix", "Atlas", "Nova", "Orca", "Vector", "Zenit", "Kestrel")
_TYPO_RATES = (0.0, 0.0, 0.0, 0.005, 0.01, 0.01, 0.02, 0.03, 0.05)
_EXCLAMATION_WEIGHTS = (55, 25, 12, 8)
_PRICE_HABITS: tuple[PriceHabit, ...] = ("round", "ninety_nine", "cents")


def make_style(rng: random.Random, language: Language, role: Role = "vendor") -> Style:
    """A new persona's writing habits in a language; a vendor's stock phrases are about stock
    and shipping, a forum member's or buyer's are not."""
    if language not in LANGUAGES:
        raise InputError(f"unknown language {language!r}; expected en, ru or uz")
    pool = PHRASES[language] if role == "vendor" else _MEMBER_PHRASES[language]
    phrases = tuple(rng.sample(pool, rng.randint(2, 4)))
    emoji = tuple(rng.sample(EMOJI, rng.randint(1, 3))) if rng.random() < 0.45 else ()
    caps_draw = rng.random()
    upper = TITLE_FEATURES["all_caps"]  # Agora's share of all-capitals titles
    caps: Caps = (
        "upper_titles" if caps_draw < upper else "lower" if caps_draw < upper + 0.12 else "normal"
    )
    signoff = rng.choice(_SIGNOFFS[language])
    if signoff == "- the team":
        signoff = f"- team {rng.choice(_TEAMS)}"
    return Style(
        language=language,
        phrases=phrases,
        emoji=emoji,
        typo_rate=rng.choice(_TYPO_RATES),
        caps=caps,
        exclamations=rng.choices(range(4), weights=_EXCLAMATION_WEIGHTS)[0],
        signoff=signoff,
        price_habit=rng.choices(_PRICE_HABITS, weights=(45, 35, 20))[0],
    )


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # swapped neighbours
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 1:  # a letter dropped
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # a letter doubled


def _typos(rng: random.Random, text: str, rate: float) -> str:
    # Per word, about four letters' worth of chances; only plain lower-case words, so names,
    # prices, addresses, handles and links stay intact. Geometric skips: one draw per typo, not one
    # per word (listings are generated by the ten thousand).
    chance = min(0.99, rate * 4)
    scale = 1.0 / math.log(1.0 - chance)
    count = text.count(" ") + 1
    at = int(math.log(1.0 - rng.random()) * scale)
    if at >= count:
        return text
    words = text.split(" ")
    while at < count:
        word = words[at]
        if len(word) >= 4 and word.isalpha() and word.islower():
            words[at] = _typo(rng, word)
        at += 1 + int(math.log(1.0 - rng.random()) * scale)
    return " ".join(words)


def _exclaim(rng: random.Random, line: str, count: int) -> str:
    if count and line.endswith(".") and not line.endswith("..") and rng.random() < 0.5:
        return line[:-1] + "!" * count
    return line


def apply_style(rng: random.Random, text: str, style: Style) -> str:
    """The text as the persona writes it: typos, '!', emoji, capitals, a stock phrase, sign-off.

    'upper_titles' writes the first line (a heading, or a one-line title) in capitals.
    """
    if style.typo_rate > 0:
        text = _typos(rng, text, style.typo_rate)
    lines = text.split("\n")
    if style.exclamations:
        lines = [_exclaim(rng, line, style.exclamations) for line in lines]
    if style.emoji and rng.random() < 0.6:
        lines[0] = f"{lines[0]} {rng.choice(style.emoji)}"
    if style.phrases and len(lines) > 1 and rng.random() < 0.5:
        lines.append(_sentence(rng.choice(style.phrases), style.exclamations))
    if style.caps == "lower":
        lines = [line.lower() for line in lines]
    elif style.caps == "upper_titles":
        lines[0] = lines[0].upper()
    if style.signoff and len(lines) > 1:
        lines.append(style.signoff)
    return "\n".join(lines)


def style_title(rng: random.Random, title: str, style: Style) -> str:
    """A title as the persona writes it: capitals, '!!' and emoji, never typos (titles are
    what buyers search for)."""
    if style.caps == "upper_titles":
        title = title.upper()
    elif style.caps == "lower":
        title = title.lower()
    if style.exclamations and rng.random() < 0.09:  # Agora: 4% of titles have a '!'
        title += "!" * style.exclamations
    if style.emoji and rng.random() < 0.15:
        mark = rng.choice(style.emoji)
        title = f"{mark} {title} {mark}"
    return title


def _sentence(phrase: str, exclamations: int) -> str:
    end = "!" * exclamations if exclamations else "."
    return phrase[:1].upper() + phrase[1:] + end
