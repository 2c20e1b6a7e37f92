"""Names of sites (fictional) and the way each market software labels its categories."""

from __future__ import annotations

import random

from darkrange.errors import InputError
from darkrange.world.text._catalogue import shelf
from darkrange.world.text._people import _language
from darkrange.world.text._types import CATEGORIES, SOFTWARE, Category, Language, Software

_ADJECTIVES = (
    "Obsidian", "Silent", "Crimson", "Hidden", "Velvet", "Emerald", "Cobalt", "Amber", "Onyx",
    "Violet", "Polar", "Lunar", "Northern", "Grey", "Copper", "Scarlet", "Misty", "Quiet",
)  # fmt: skip
_NOUNS = (
    "Harbor", "Orchid", "Lantern", "Raven", "Falcon", "Cedar", "Meridian", "Nimbus", "Quarry",
    "Citadel", "Bastion", "Mosaic", "Beacon", "Tundra", "Marlin", "Heron", "Juniper", "Basalt",
    "Compass", "Anchor", "Ember", "Grove", "Summit", "Prism", "Quill", "Sable", "Thistle",
    "Willow", "Zephyr",
)  # fmt: skip
# Russian-scene names, as dead-drop markets and their shops call themselves.
_RU_WORDS = (
    "Sever",
    "Zarnitsa",
    "Polyus",
    "Baikal",
    "Mayak",
    "Vostok",
    "Tundra",
    "Yantar",
    "Sokol",
)
_RU_SHOPS = (
    "Белый Кролик", "Снежный Барс", "Чёрный Кот", "Зелёная Миля", "Ночной Город",
    "Сибирский Экспресс", "Северный Ветер", "Добрый Дед", "Химик", "Аптекарь", "Фармацевт",
    "Лесник", "Садовник",
)  # fmt: skip
_PATTERNS: dict[str, tuple[str, ...]] = {
    "market": ("{a} {n} Market", "{n} Market", "{n} Bazaar", "{a}{n}", "{a} {n}"),
    "shop": ("{n} Shop", "{a} {n} Store", "{n}Direct", "{a} {n} Supply"),
    "forum": ("{n} Forum", "The {n} Board", "{n}Talk", "{a} {n} Community"),
    "extremist_forum": ("{a} {n} Hall", "The {n} Circle", "{a} {n} Assembly"),
    "group": ("{a} {n} Brotherhood", "{a} {n} Circle", "The {n} Front", "{a} {n} Movement"),
    "directory": ("{n} Links", "{a} Wiki", "{n} Directory", "{a} {n} Index"),
    "paste": ("{n}Bin", "{n} Paste", "{a}Paste"),
    "mixer": ("{n} Mixer", "{n}Tumbler", "{a} {n} Mix"),
    "exchange": ("{n} Exchange", "{n}Swap", "{a}Change"),
    "explorer": ("{n} Explorer", "Block{n}", "{a} {n} Chain"),
}
# Real dark-web names the range must never reuse (markets, forums, mixers, shops, groups).
_REAL = """
    agora silkroad alphabay dream hydra empire whitehouse wallstreet nightmare cannazon versus
    torrez abacus archetyp incognito asap bohemia kingdom tor2door dread hub omg blacksprut mega
    solaris kraken ramp exploit xss breachforums hiddenwiki ahmia helix bitcoinfog chipmixer
    sinbad tornado garantex evolution sheep hansa berlusconi apollon dark0de darkfox vicecity
    nucleus middleearth valhalla tochka point wasabi samourai blender nexus atlas vortex cartel
    outlaw monopoly cryptonia televend genesis joker unicc ferum lotus delta zenit"""
REAL_NAMES = frozenset(_REAL.split())


def _real(name: str) -> bool:
    words = [w.lower() for w in name.replace("-", " ").split()]
    joined = "".join(words)
    return joined in REAL_NAMES or any(w in REAL_NAMES for w in words)


def site_name(rng: random.Random, kind: str) -> str:
    """A fictional name for a site of a kind: market, dead_drop, klad_shop, shop, forum,
    extremist_forum, group, directory, paste, mixer, exchange, explorer (others: generic)."""
    for _ in range(32):
        if kind == "dead_drop":
            name = rng.choice(_RU_WORDS) + rng.choice(("", " Market", " Club"))
        elif kind == "klad_shop":
            name = rng.choice(_RU_SHOPS) + rng.choice(("", "", " 24", " 777", " Shop"))
        else:
            pattern = rng.choice(_PATTERNS.get(kind, ("{a} {n}",)))
            name = pattern.format(a=rng.choice(_ADJECTIVES), n=rng.choice(_NOUNS))
        if not _real(name):
            return name
    raise AssertionError("the name pools hold no real names")  # pragma: no cover


# Top-level category names, per market software and language. Each software names them its
# own way; some lump the rare ones under "Other", as real markets did.
_TOPS: dict[str, tuple[str, ...]] = {
    # drugs, weapons, explosives, counterfeits, forgeries, fraud, hacking, guides, services,
    # extremism, other
    "dream.en": ("Drugs", "Weapons", "Chemicals", "Counterfeits", "Documents & IDs", "Fraud",
                 "Software & Malware", "Guides & Tutorials", "Services", "Other", "Other"),
    "alpha.en": ("Drugs & Chemicals", "Weapons", "Chemicals & Precursors", "Counterfeit Items",
                 "Fake IDs & Documents", "Fraud", "Software & Malware", "Guides & Tutorials",
                 "Services", "Other Listings", "Other Listings"),
    "bazaar.en": ("DRUGS", "GUNS", "CHEM", "FAKES", "DOCS", "FRAUD", "HACKING", "GUIDES",
                  "SERVICES", "MISC", "MISC"),
    "hydra.ru": ("Наркотики", "Оружие", "Химия и прекурсоры", "Подделки", "Документы",
                 "Обнал и кардинг", "Софт и взлом", "Мануалы", "Услуги", "Разное", "Разное"),
    "any.ru": ("Вещества", "Оружие", "Химия", "Контрафакт", "Документы", "Мошенничество",
               "Хакинг", "Гайды", "Услуги", "Прочее", "Прочее"),
    "hydra.en": ("Substances", "Weapons", "Chemicals", "Fakes", "Documents", "Cashout & Carding",
                 "Software", "Manuals", "Services", "Misc", "Misc"),
    "any.uz": ("Giyohvand moddalar", "Qurollar", "Kimyoviy moddalar", "Qalbaki mahsulotlar",
               "Hujjatlar", "Firibgarlik", "Xakerlik", "Qo'llanmalar", "Xizmatlar", "Boshqa",
               "Boshqa"),
}  # fmt: skip
_FORMATS = {"dream": "{top} » {sub}", "alpha": "{top} > {sub}", "bazaar": "{top} / {sub}"}


def site_category_label(
    software: Software, category: Category, subcategory: str, language: Language
) -> str:
    """How a market software labels a listing's category ("Drugs & Chemicals > Cannabis",
    "Наркотики / Шишки", "DRUGS / cannabis", ...); single-vendor shops show the shelf only."""
    lang = _language(language)
    if software not in SOFTWARE:
        raise InputError(f"unknown market software {software!r}; expected {', '.join(SOFTWARE)}")
    found = shelf(category, subcategory)
    sub = found.en if lang == "en" else found.ru if lang == "ru" else found.uz
    if software == "shop":
        return sub
    tops = _TOPS.get(f"{software}.{lang}") or _TOPS.get(f"any.{lang}") or _TOPS["dream.en"]
    top = tops[CATEGORIES.index(category)]
    if software == "bazaar":
        return f"{top.upper()} / {sub.lower()}"
    return _FORMATS.get(software, "{top} / {sub}").format(top=top, sub=sub)
