"""Derive the numbers the text generator is calibrated on from real Agora listings (2014).

Reads ../shared/data/listings/agora-2014/dev.csv (columns vendor, title, description, price_btc,
category, subcategory, subsubcategory, ships_from, ships_to, date) and prints the Python module
src/darkrange/world/text/_calibration.py. Only derived numbers leave this script: shares, price
quantiles and title statistics, never a vendor's words.

    .venv/bin/python scripts/calibrate_agora.py > src/darkrange/world/text/_calibration.py
"""

from __future__ import annotations

import csv
import json
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "listings"
DEFAULT = DEFAULT / "agora-2014" / "dev.csv"

# Mean BTC/USD exchange rates for the months in the file (public price history, rounded); the
# range prices in USD, so Agora's BTC prices are converted with the rate of their month.
BTC_USD = {"2014-01": 860.0, "2014-03": 600.0}

# Agora (category, subcategory, subsubcategory) -> darkrange (category, subcategory or "").
# Checked in order; "*" matches anything.
MAPPING: list[tuple[str, str, str, str, str]] = [
    ("Drugs", "Cannabis", "Hash", "drugs", "hash"),
    ("Drugs", "Cannabis", "*", "drugs", "cannabis"),
    ("Drugs", "Psychedelics", "*", "drugs", "psychedelics"),
    ("Drugs", "Ecstasy", "*", "drugs", "ecstasy"),
    ("Drugs", "Ecstasy-MDMA", "*", "drugs", "ecstasy"),
    ("Drugs", "Methylone", "*", "drugs", "ecstasy"),
    ("Drugs", "Opioids", "*", "drugs", "opioids"),
    ("Drugs", "Stimulants", "*", "drugs", "stimulants"),
    ("Drugs", "Prescription", "*", "drugs", "prescription"),
    ("Drugs", "Weight loss", "*", "drugs", "prescription"),
    ("Drugs", "Benzos", "*", "drugs", "benzos"),
    ("Drugs", "Other", "*", "drugs", "rcs"),
    ("Drugs", "RCs", "*", "drugs", "rcs"),
    ("Drugs", "Steroids", "*", "drugs", "steroids"),
    ("Drugs", "Dissociatives", "*", "drugs", "dissociatives"),
    ("Drugs", "Disassociatives", "*", "drugs", "dissociatives"),
    ("Drugs", "*", "*", "drugs", ""),
    ("Weapons", "Fireworks", "*", "explosives", "pyrotechnics"),
    ("Weapons", "Ammunition", "*", "weapons", "ammunition"),
    ("Weapons", "Lethal firearms", "*", "weapons", "pistols"),
    ("Weapons", "Melee", "*", "weapons", "melee"),
    ("Weapons", "Non-lethal firearms", "*", "weapons", "non_lethal"),
    ("Weapons", "*", "*", "weapons", ""),
    ("Counterfeits", "Electronics", "*", "counterfeits", "electronics"),
    ("Counterfeits", "Money", "*", "counterfeits", "banknotes"),
    ("Counterfeits", "Accessories", "*", "counterfeits", "fashion"),
    ("Counterfeits", "Watches", "*", "counterfeits", "watches"),
    ("Counterfeits", "*", "*", "counterfeits", ""),
    ("Forgeries", "*", "*", "forgeries", ""),
    ("Information", "Guides", "*", "guides", "fraud_guides"),
    ("Information", "eBooks", "*", "guides", "ebooks"),
    ("Information", "*", "*", "guides", ""),
    ("Services", "Money", "*", "fraud", "cards"),
    ("Services", "Hacking", "*", "hacking", "services"),
    ("Services", "*", "*", "services", "other_services"),
    ("Data", "Accounts", "*", "fraud", "accounts"),
    ("Data", "Software", "*", "hacking", "malware"),
    ("Data", "Pirated", "*", "other", "software"),
    ("Data", "*", "*", "other", ""),
    ("Electronics", "*", "*", "other", "electronics"),
    ("Tobacco", "*", "*", "other", "tobacco"),
    ("Drug paraphernalia", "*", "*", "other", "paraphernalia"),
    ("*", "*", "*", "other", ""),
]
CATEGORIES = (
    "drugs",
    "weapons",
    "explosives",
    "counterfeits",
    "forgeries",
    "fraud",
    "hacking",
    "guides",
    "services",
    "extremism",
    "other",
)
# Title features the generator reproduces, as regular expressions over Agora titles.
TITLE_FEATURES = {
    "quantity_first": r"^\(?\d",
    "times": r"(?i)\bx\s?\d|\d\s?x\b",
    "parentheses": r"\(",
    "free_shipping": r"(?i)free\s*(ship|s/h)",
    "escrow": r"(?i)escrow",
    "stars": r"\*",
    "brackets": r"\[",
    "exclamation": r"!",
    "all_caps": r"^[^a-z]*[A-Z][^a-z]*$",
    "ships_mention": r"(?i)\b(usa?|uk|eu|ww|worldwide)\b",
    "sample": r"(?i)sample|tester",
}
MIN_PRICE_SAMPLES = 20


def _map(category: str, sub: str, subsub: str) -> tuple[str, str]:
    for a, b, c, ours, ours_sub in MAPPING:
        if a in ("*", category) and b in ("*", sub) and c in ("*", subsub):
            return ours, ours_sub
    raise AssertionError("the last mapping matches everything")


def _shares(counter: Counter[str], keys: list[str] | None = None) -> dict[str, float]:
    total = sum(counter.values())
    keys = keys if keys is not None else sorted(counter, key=lambda k: (-counter[k], k))
    return {k: round(counter[k] / total, 4) for k in keys}


def calibrate(path: Path) -> dict[str, Any]:
    """The derived numbers, as plain Python values."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    categories: Counter[str] = Counter()
    subcategories: dict[str, Counter[str]] = defaultdict(Counter)
    prices: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        ours, ours_sub = _map(row["category"], row["subcategory"], row["subsubcategory"])
        categories[ours] += 1
        if ours_sub:
            subcategories[ours][ours_sub] += 1
        rate = BTC_USD.get(row["date"][:7])
        try:
            price = float(row["price_btc"]) * rate if rate else -1.0
        except ValueError:
            price = -1.0
        if price > 0:
            prices[ours].append(price)
    quantiles: dict[str, tuple[float, ...]] = {}
    for category in CATEGORIES:
        values = prices.get(category, [])
        if len(values) >= MIN_PRICE_SAMPLES:
            deciles = statistics.quantiles(values, n=20, method="inclusive")
            # p10, p25, p50, p75, p90
            picks = (deciles[1], deciles[4], deciles[9], deciles[14], deciles[17])
            quantiles[category] = tuple(round(v, 2) for v in picks)
    titles = [row["title"] for row in rows]
    features = {
        name: round(sum(1 for t in titles if re.search(rx, t)) / len(titles), 4)
        for name, rx in TITLE_FEATURES.items()
    }
    lengths = statistics.quantiles([len(t) for t in titles], n=10, method="inclusive")
    described = sum(1 for r in rows if r["description"].strip() not in ("", r["title"].strip()))
    ships_from: Counter[str] = Counter(r["ships_from"].strip() for r in rows)
    declared = Counter({k: v for k, v in ships_from.most_common(12) if k and "declared" not in k})
    return {
        "listings": len(rows),
        "category_shares": _shares(categories, list(CATEGORIES)),
        "subcategory_shares": {
            c: _shares(subcategories[c]) for c in CATEGORIES if subcategories.get(c)
        },
        "price_quantiles": quantiles,
        "title_features": features,
        "title_length_deciles": tuple(int(v) for v in lengths),
        "description_share": round(described / len(rows), 4),
        "ships_from_shares": _shares(declared),
    }


def _q(value: str) -> str:
    """A string literal as ruff formats it (double quotes)."""
    return json.dumps(value)


def _dict_block(name: str, kind: str, values: dict[str, Any]) -> list[str]:
    lines = [f"{name}: {kind} = {{"]
    lines += [f"    {_q(k)}: {v!r}," for k, v in values.items()]
    return [*lines, "}"]


def render(numbers: dict[str, Any]) -> str:
    """The _calibration module's source, formatted as ruff formats it."""
    out = [
        '"""Numbers derived from real Agora listings (2014) by scripts/calibrate_agora.py.',
        "",
        "Generated: do not edit by hand. Only derived numbers are here, never listing text.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        f"AGORA_LISTINGS = {numbers['listings']}",
        "",
        "# Share of listings per darkrange category (Agora's own categories mapped).",
        *_dict_block("CATEGORY_SHARES", "dict[str, float]", numbers["category_shares"]),
        "",
        "# Share of listings per subcategory within a category, where Agora has them.",
        "SUBCATEGORY_SHARES: dict[str, dict[str, float]] = {",
    ]
    for category, shares in numbers["subcategory_shares"].items():
        out.append(f"    {_q(category)}: {{")
        out += [f"        {_q(k)}: {v!r}," for k, v in shares.items()]
        out.append("    },")
    out += [
        "}",
        "",
        "# Price in USD per category: p10, p25, p50, p75, p90 (categories with enough listings).",
        "PRICE_USD_QUANTILES: dict[str, tuple[float, float, float, float, float]] = {",
    ]
    out += [f"    {_q(k)}: {v!r}," for k, v in numbers["price_quantiles"].items()]
    out += [
        "}",
        "",
        "# Share of titles showing each feature (quantity first, 'x 10', FREE SHIPPING, ...).",
        *_dict_block("TITLE_FEATURES", "dict[str, float]", numbers["title_features"]),
        "",
        "# Title length in characters: deciles 10..90.",
        f"TITLE_LENGTH_DECILES = {numbers['title_length_deciles']!r}",
        "",
        "# Share of listings whose description says more than the title.",
        f"DESCRIPTION_SHARE = {numbers['description_share']!r}",
        "",
        "# Share of listings per declared origin country, among the most common.",
        *_dict_block("SHIPS_FROM_SHARES", "dict[str, float]", numbers["ships_from_shares"]),
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not path.is_file():
        print(f"Agora listings not found at {path}", file=sys.stderr)
        return 2
    sys.stdout.write(render(calibrate(path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
