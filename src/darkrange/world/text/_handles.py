"""Handles, their variants across markets, and the contacts vendors publish."""

from __future__ import annotations

import random

from darkrange.errors import InputError
from darkrange.world.text._translit import LEET, to_cyrillic, to_latin
from darkrange.world.text._types import VariantMode

_ADJECTIVES = (
    "green", "silent", "dutch", "happy", "royal", "dark", "golden", "frosty", "lucky", "crazy",
    "smooth", "purple", "white", "black", "sober", "rapid", "hidden", "northern", "wise", "lazy",
    "sweet", "iron", "velvet", "lunar", "cosmic", "honest", "sleepy", "salty", "arctic", "red",
)  # fmt: skip
_NOUNS = (
    "dragon", "panda", "pharma", "garden", "farmer", "chemist", "doctor", "wizard", "fox", "raven",
    "monkey", "pirate", "owl", "tiger", "bear", "ghost", "rabbit", "falcon", "baron", "kush",
    "crystal", "candy", "lotus", "cartel", "express", "connect", "plug", "depot", "lab", "factory",
    "sailor", "tailor", "shop", "medic", "apothecary", "grower", "dealer", "courier", "vault",
)  # fmt: skip
_TITLES = ("Dr", "Mr", "The", "Captain", "Uncle", "Big", "Lil", "King", "Don", "Sir")
_REGIONS = ("NL", "UK", "EU", "US", "DE", "Berlin", "Dutch", "Nordic", "Baltic", "Asia")
# Handles from the Russian-speaking scene, transliterated as they are usually typed.
_RU_WORDS = (
    "sever", "zarya", "kladovshik", "dobryak", "shishkin", "bratva", "kosmos", "veter", "ded",
    "medved", "lis", "zhuk", "volk", "tigr", "kot", "baron", "kupets", "sklad", "tayga", "orel",
)  # fmt: skip
_PREFIXES = ("_", "x", "the_", "real_", "Real", "official_", "The", "its")
_SUFFIXES = (
    "_", "x", "2", "777", "420", "_shop", "_store", "_team", "_official", "NL", "_EU", "_v2",
)  # fmt: skip


def _camel(*words: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words)


def handle(rng: random.Random) -> str:
    """A vendor's or buyer's handle, in one of the shapes markets show."""
    adj, noun = rng.choice(_ADJECTIVES), rng.choice(_NOUNS)
    shape = rng.randrange(9)
    if shape == 0:
        return _camel(adj, noun)
    if shape == 1:
        return f"{adj}_{noun}"
    if shape == 2:
        return f"{noun}{rng.choice(('420', '77', '69', '99', '21', '24', '7'))}"
    if shape == 3:
        return rng.choice(_TITLES) + _camel(noun)
    if shape == 4:
        return f"xX{_camel(noun)}Xx"
    if shape == 5:
        return rng.choice(_REGIONS) + _camel(noun)
    if shape == 6:
        return f"{adj}{noun}"
    if shape == 7:
        word = rng.choice(_RU_WORDS)
        return rng.choice(
            (word + str(rng.randrange(10, 1000)), _camel(word, rng.choice(_RU_WORDS)))
        )
    return _camel(adj, noun) + str(rng.randrange(1, 100))


_new_handle = handle  # handle_variant's argument shadows the function's name


def _varied(rng: random.Random, name: str) -> str:
    if rng.random() < 0.4:
        return rng.choice(_PREFIXES) + name
    return name + rng.choice(_SUFFIXES)


def _leet(rng: random.Random, name: str) -> str:
    spots = [i for i, ch in enumerate(name) if ch.lower() in LEET]
    if not spots:
        # Nothing to write as a digit: vendors then flip the case instead, which still
        # reads back to the same name.
        return name.swapcase() if name.swapcase() != name else name + "_"
    chosen = set(rng.sample(spots, k=max(1, rng.randrange(1, len(spots) + 1))))
    return "".join(LEET[ch.lower()] if i in chosen else ch for i, ch in enumerate(name))


def handle_variant(rng: random.Random, handle: str, mode: VariantMode) -> str:
    """The handle as the same person writes it on another site.

    kept: unchanged; varied: a prefix or suffix added; leet: letters written as digits
    (unleet() reads it back); cyrillic: transliterated (latin_skeleton() matches it);
    changed: a new, unrelated handle.
    """
    if not handle:
        raise InputError("a handle cannot be empty")
    if mode == "kept":
        return handle
    if mode == "varied":
        return _varied(rng, handle)
    if mode == "leet":
        return _leet(rng, handle)
    if mode == "cyrillic":
        return to_cyrillic(handle)
    if mode == "changed":
        for _ in range(16):
            fresh = _new_handle(rng)
            if fresh.lower() != handle.lower():
                return fresh
        return handle + "_new"
    raise InputError(f"unknown handle variant mode {mode!r}")


_XMPP_SERVERS = (
    "jabber.kestrel.im", "xmpp.blackthorn.cc", "chat.umbra.su", "jabb.nightjar.io",
    "xmpp.coldharbour.org", "jabber.vantablack.de",
)  # fmt: skip
_MAIL_DOMAINS = ("veilmail.cc", "cryptpost.io", "nullbox.su", "ghostpost.me", "sealmail.ch")
_CONTACT_KINDS = ("xmpp", "telegram", "session", "wickr", "email")
_CONTACT_ODDS = (0.7, 0.45, 0.3, 0.2, 0.35)


def _plain(handle: str) -> str:
    """The handle as an account name: Latin letters, digits and underscores, lower case."""
    out = "".join(ch for ch in to_latin(handle) if ch.isascii() and (ch.isalnum() or ch == "_"))
    out = "_".join(part for part in out.split("_") if part)  # no "__", no "_" at the ends
    if not out or not out[0].isalpha():
        out = "v" + out
    return out


def contacts(rng: random.Random, handle: str) -> dict[str, str]:
    """The contacts a vendor publishes, derived from the handle so they link across sites.

    Keys among xmpp ("name@server.tld"), telegram ("@name"), session ("05" + 64 hex digits),
    wickr ("name") and email ("name@domain.tld"); at least one. Servers and mail domains are
    invented.
    """
    base = _plain(handle)
    out: dict[str, str] = {}
    for kind, odds in zip(_CONTACT_KINDS, _CONTACT_ODDS, strict=True):
        if rng.random() < odds:
            out[kind] = _contact(rng, kind, base)
    if not out:
        out["xmpp"] = _contact(rng, "xmpp", base)
    return out


def _contact(rng: random.Random, kind: str, base: str) -> str:
    if kind == "xmpp":
        return f"{base}@{rng.choice(_XMPP_SERVERS)}"
    if kind == "telegram":
        name = base if rng.random() < 0.6 else f"{base}_{rng.choice(('shop', 'bot', 'support'))}"
        name = (name + "_tg")[:32] if len(name) < 5 else name[:32]
        return "@" + name.rstrip("_")
    if kind == "session":
        return "05" + f"{rng.getrandbits(256):064x}"
    if kind == "wickr":
        return base if rng.random() < 0.5 else f"{base}{rng.randrange(1, 100)}"
    local = base.replace("_", rng.choice((".", "_", "")))
    return f"{local}@{rng.choice(_MAIL_DOMAINS)}"
