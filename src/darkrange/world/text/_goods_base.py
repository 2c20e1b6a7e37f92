"""The record shapes of the goods catalogue (kept apart so both data modules can import them)."""

from __future__ import annotations

from typing import NamedTuple


class Good(NamedTuple):
    """One product as a catalogue entry: its names, its unit and a street price per unit."""

    en: str
    ru: str
    uz: str
    unit: str  # a key of UNITS
    price: float  # USD for one unit at the smallest quantity
    quantities: tuple[float, ...]
    # Bulk pricing: price = unit price * quantity ** bulk (1.0 = no discount for quantity).
    bulk: float = 0.85


class Subcategory(NamedTuple):
    """A shelf of a category, labelled in each language, with the goods on it."""

    en: str
    ru: str
    uz: str
    goods: tuple[Good, ...]
    # Digital goods are delivered by message or download, never by post or dead drop.
    digital: bool = False


# Quantity ladders a listing picks from, named in the goods tables.
QUANTITIES: dict[str, tuple[float, ...]] = {
    "small": (0.5, 1.0, 2.0, 3.5, 5.0, 7.0, 14.0, 28.0),
    "bulk": (1.0, 3.5, 7.0, 14.0, 28.0, 100.0, 250.0, 500.0, 1000.0),
    "pills": (5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 250.0, 500.0),
    "script": (10.0, 20.0, 30.0, 60.0, 90.0, 100.0, 200.0),
    "one": (1.0, 2.0, 3.0),
    "few": (1.0, 2.0, 5.0, 10.0),
    "many": (1.0, 5.0, 10.0, 25.0, 50.0, 100.0),
    "rounds": (50.0, 100.0, 250.0, 500.0, 1000.0),
    "litres": (1.0, 5.0, 10.0, 25.0),
    "kilos": (0.5, 1.0, 5.0, 10.0, 25.0),
    "notes": (10.0, 20.0, 50.0, 100.0, 200.0),
}


def parse_shelves(table: str) -> dict[str, Subcategory]:
    """Read a goods table: "@id | English | Russian | Uzbek [| digital]" opens a shelf, then
    "English | Russian | Uzbek | unit price ladder bulk" per good (ladder: a QUANTITIES name
    or comma-separated numbers); a line indented deeper continues the one above."""
    lines: list[str] = []
    for raw in table.strip("\n").splitlines():
        if raw.startswith("        "):
            lines[-1] += " " + raw.strip()
        else:
            lines.append(raw.strip())
    shelves: dict[str, Subcategory] = {}
    for line in lines:
        fields = [f.strip() for f in line.split("|")]
        if line.startswith("@"):
            sid = fields[0][1:]
            digital = len(fields) > 4 and fields[4] == "digital"
            shelves[sid] = Subcategory(fields[1], fields[2], fields[3], (), digital)
            continue
        unit, price, ladder, bulk = fields[3].split()
        steps = QUANTITIES.get(ladder) or tuple(float(x) for x in ladder.split(","))
        good = Good(fields[0], fields[1], fields[2], unit, float(price), steps, float(bulk))
        sid = next(reversed(shelves))
        shelves[sid] = shelves[sid]._replace(goods=(*shelves[sid].goods, good))
    return shelves


# Unit labels as vendors abbreviate them (abbreviations spare Russian and Uzbek declension).
UNITS: dict[str, tuple[str, str, str]] = {
    "g": ("g", "г", "g"),
    "kg": ("kg", "кг", "kg"),
    "ml": ("ml", "мл", "ml"),
    "l": ("L", "л", "l"),
    "pcs": ("pcs", "шт.", "dona"),
    "tabs": ("tabs", "таб.", "tab."),
    "rounds": ("rds", "шт.", "dona"),
    "month": ("mo", "мес.", "oy"),
    "hour": ("h", "ч", "soat"),
}
