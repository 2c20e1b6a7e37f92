"""Forum threads and posts, donation appeals, pastes and warrant canaries."""

from __future__ import annotations

import random
from collections.abc import Sequence

from darkrange.errors import InputError
from darkrange.world.text._book import BOOK
from darkrange.world.text._people import _language
from darkrange.world.text._style import apply_style
from darkrange.world.text._types import FORUM_TOPICS, ForumTopic, Language, PasteKind, Style

_PASTE_KINDS = ("links", "contacts", "canary", "announcement")


def _topic(topic: str) -> ForumTopic:
    if topic not in FORUM_TOPICS:
        raise InputError(
            f"unknown forum topic {topic!r}; expected one of {', '.join(FORUM_TOPICS)}"
        )
    return topic


def forum_thread_title(
    rng: random.Random, topic: ForumTopic, language: Language, subject: str
) -> str:
    """A thread title on a topic about a subject (a market, vendor, group or question)."""
    lang, topic = _language(language), _topic(topic)
    return rng.choice(BOOK[f"title.{lang}.{topic}"]).format(s=subject, n=rng.randint(3, 40))


def forum_post(rng: random.Random, topic: ForumTopic, style: Style, subject: str) -> str:
    """A post on a topic about a subject, in the author's style."""
    lang, topic = _language(style.language), _topic(topic)
    n = rng.randint(2, 30)
    body = BOOK[f"body.{lang}.{topic}"]
    parts = [rng.choice(BOOK[f"open.{lang}.{topic}"])]
    parts += rng.sample(body, rng.randint(1, min(3, len(body))))
    if rng.random() < 0.6:
        parts.append(rng.choice(BOOK[f"close.{lang}.{topic}"]))
    text = " ".join(parts) if rng.random() < 0.5 else "\n".join(parts)
    return apply_style(rng, text.format(s=subject, n=n), style)


def coin_of(address: str) -> str:
    """'BTC', 'XMR', 'ETH' or '' by the shape of an address (labels in appeals and pastes)."""
    if address.startswith(("bc1", "tb1", "bcrt1")):
        return "BTC"
    if address.startswith("0x") and len(address) == 42:
        return "ETH"
    if address[:1] in ("4", "8") and len(address) in (95, 106):
        return "XMR"
    if address[:1] in ("1", "3", "m", "n", "2") and 26 <= len(address) <= 35:
        return "BTC"
    return ""


def donation_appeal(
    rng: random.Random, language: Language, group: str, addresses: Sequence[str]
) -> str:
    """A fictional group's appeal for donations, naming every address given, one a line."""
    lang = _language(language)
    if not addresses:
        raise InputError("a donation appeal needs at least one address")
    lines = [rng.choice(BOOK["appeal_head." + lang]).format(group=group), ""]
    lines.append(rng.choice(BOOK["appeal_body." + lang]).format(group=group))
    lines.append("")
    for address in addresses:
        coin = coin_of(address)
        lines.append(f"{coin}: {address}" if coin else address)
    lines += [
        "",
        rng.choice(BOOK["appeal_verify." + lang]),
        rng.choice(BOOK["appeal_close." + lang]),
    ]
    return "\n".join(lines)


def paste_text(
    rng: random.Random, kind: PasteKind, language: Language, items: Sequence[str]
) -> str:
    """A paste: a list of links, of contacts, a canary update or an announcement, with the
    items given, one a line."""
    lang = _language(language)
    if kind not in _PASTE_KINDS:
        raise InputError(f"unknown paste kind {kind!r}; expected one of {', '.join(_PASTE_KINDS)}")
    head = rng.choice(BOOK[f"paste_head.{lang}.{kind}"])
    bullet = rng.choice(("- ", "* ", "> ", ""))
    lines = [head, "=" * len(head) if rng.random() < 0.5 else "", *(bullet + i for i in items)]
    lines += ["", rng.choice(BOOK[f"paste_tail.{lang}.{kind}"])]
    return "\n".join(lines)


def canary_text(rng: random.Random, site_name: str, date: str) -> str:
    """A warrant canary for a site on a date, with a freshness proof (a block-hash-like value;
    the caller may put a real block hash of its chain in its place)."""
    freshness = "0" * 19 + f"{rng.getrandbits(180):045x}"
    renew = rng.choice((14, 30, 30, 60))
    return "\n".join(
        (
            f"{site_name} warrant canary",
            f"Date: {date}",
            "",
            f"As of {date}, the staff of {site_name} state that:",
            "- we have not received any warrants, subpoenas or court orders;",
            "- no member of staff is in custody or acting under duress;",
            "- our servers and signing keys remain under our sole control.",
            "",
            f"Freshness: {freshness}",
            f"This canary will be renewed within {renew} days.",
        )
    )
