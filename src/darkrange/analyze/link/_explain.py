"""Evidence a judge can follow: each link's facts in words, strongest first."""

from __future__ import annotations

from typing import Any

import numpy as np

from darkrange.analyze.link._features import FEATURES
from darkrange.analyze.link._handles import core
from darkrange.analyze.link._profiles import Profile
from darkrange.analyze.link._style import shared_phrases

__all__ = ["HARD", "evidence"]

HARD = ("same_key", "certified", "shared_contacts", "shared_address", "shared_cluster")
_F = {name: i for i, name in enumerate(FEATURES)}
_CONTACT_NAMES = {
    "xmpp": "XMPP",
    "telegram": "Telegram",
    "session": "Session",
    "wickr": "Wickr",
    "email": "e-mail",
    "signal": "Signal",
    "threema": "Threema",
}


def _item(kind: str, text: str, weight: float, hard: bool = False, **facts: Any) -> dict[str, Any]:
    return {"kind": kind, "hard": hard, "weight": round(weight, 3), "text": text, **facts}


def evidence(
    a: Profile,
    b: Profile,
    row: np.ndarray,
    contributions: dict[str, float],
    clusters: dict[str, str],
) -> list[dict[str, Any]]:
    """Facts for and against one pair, each with the log-odds it adds under the model."""
    out = _hard(a, b, row, contributions, clusters)
    out += _soft(a, b, row, contributions)
    return sorted(out, key=lambda e: (not e["hard"], -abs(e["weight"])))


def _hard(
    a: Profile, b: Profile, row: np.ndarray, w: dict[str, float], clusters: dict[str, str]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for fpr in sorted(a.fingerprints & b.fingerprints):
        out.append(
            _item("same_key", f"same PGP key {fpr}", w.get("same_key", 0), True, fingerprint=fpr)
        )
    if row[_F["certified"]]:
        for new, old in _certifications(a, b) + _certifications(b, a):
            text = f"key {new} is certified by key {old} (a key rotation)"
            out.append(_item("certified", text, w.get("certified", 0), True, key=new, by=old))
    for kind, value in sorted(a.contacts & b.contacts):
        name = _CONTACT_NAMES.get(kind, kind)
        out.append(
            _item(
                "same_contact",
                f"same {name} contact {value}",
                w.get("shared_contacts", 0),
                True,
                contact_kind=kind,
                value=value,
            )
        )
    for address in sorted(a.addresses & b.addresses):
        out.append(
            _item(
                "same_address",
                f"same Bitcoin address {address}",
                w.get("shared_address", 0),
                True,
                address=address,
            )
        )
    if row[_F["shared_cluster"]] and not a.addresses & b.addresses:
        ids = sorted(
            {clusters[x] for x in a.addresses if x in clusters}
            & {clusters[x] for x in b.addresses if x in clusters}
        )
        out.append(
            _item(
                "same_cluster",
                f"their addresses are in one chain cluster {ids[0]}",
                w.get("shared_cluster", 0),
                True,
                cluster=ids[0],
            )
        )
    if row[_F["key_conflict"]]:
        out.append(
            _item(
                "different_keys",
                "they show different PGP keys, neither certifying the other",
                w.get("key_conflict", 0),
            )
        )
    if row[_F["contact_conflict"]]:
        out.append(
            _item(
                "different_contacts",
                "they give different contacts of the same kind",
                w.get("contact_conflict", 0),
            )
        )
    return out


def _certifications(new: Profile, old: Profile) -> list[tuple[str, str]]:
    ids = {f[-16:]: f for f in old.fingerprints} | {f: f for f in old.fingerprints}
    return [
        (f, ids[c]) for f in sorted(new.fingerprints) for c in sorted(new.certifiers) if c in ids
    ]


def _soft(a: Profile, b: Profile, row: np.ndarray, w: dict[str, float]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    sim = row[_F["handle_similarity"]]
    if sim >= 0.6:
        text = (
            f"handles '{a.handle}' and '{b.handle}' read alike (similarity {sim:.2f}, "
            f"cores '{core(a.handle)}' / '{core(b.handle)}')"
        )
        out.append(
            _item(
                "handle",
                text,
                w.get("handle_similarity", 0)
                + w.get("handle_core_equal", 0)
                + w.get("key_and_handle", 0),
            )
        )
    if row[_F["style_known"]]:
        style = row[_F["style_similarity"]]
        phrases = shared_phrases("\n".join(a.texts), "\n".join(b.texts))
        text = f"style similarity {style:.2f}"
        if phrases:
            text += ", top shared phrases: " + "; ".join(f"'{p}'" for p in phrases)
        weight = w.get("style_similarity", 0) + w.get("habit_similarity", 0)
        out.append(_item("style", text, weight + w.get("key_and_style", 0), phrases=phrases))
    if row[_F["products_known"]]:
        out.append(
            _item(
                "products",
                f"product lines similarity {row[_F['product_similarity']]:.2f}",
                w.get("product_similarity", 0),
            )
        )
    if row[_F["price_known"]]:
        out.append(
            _item(
                "prices",
                f"price level similarity {row[_F['price_similarity']]:.2f}",
                w.get("price_similarity", 0),
            )
        )
    if row[_F["country_known"]]:
        same = bool(row[_F["same_country"]])
        text = (
            f"both ship from {a.country()}"
            if same
            else f"they ship from {a.country()} and {b.country()}"
        )
        out.append(_item("shipping", text, w.get("same_country", 0)))
    if row[_F["hours_known"]]:
        out.append(
            _item(
                "hours",
                f"activity hours similarity {row[_F['hours_similarity']]:.2f}",
                w.get("hours_similarity", 0),
            )
        )
    if row[_F["migration"]]:
        out.append(
            _item(
                "migration",
                "one account vanished and the other appeared on another "
                "site within days (a migration)",
                w.get("migration", 0),
            )
        )
    return out
