"""Numbers derived from real Agora listings (2014) by scripts/calibrate_agora.py.

Generated: do not edit by hand. Only derived numbers are here, never listing text.
"""

from __future__ import annotations

AGORA_LISTINGS = 3876

# Share of listings per darkrange category (Agora's own categories mapped).
CATEGORY_SHARES: dict[str, float] = {
    "drugs": 0.7908,
    "weapons": 0.0088,
    "explosives": 0.0003,
    "counterfeits": 0.0057,
    "forgeries": 0.0098,
    "fraud": 0.0315,
    "hacking": 0.0046,
    "guides": 0.0929,
    "services": 0.0039,
    "extremism": 0.0,
    "other": 0.0519,
}

# Share of listings per subcategory within a category, where Agora has them.
SUBCATEGORY_SHARES: dict[str, dict[str, float]] = {
    "drugs": {
        "cannabis": 0.2512,
        "psychedelics": 0.1635,
        "ecstasy": 0.1171,
        "opioids": 0.0777,
        "rcs": 0.0773,
        "stimulants": 0.0767,
        "prescription": 0.0763,
        "benzos": 0.0675,
        "hash": 0.0519,
        "dissociatives": 0.0215,
        "steroids": 0.0192,
    },
    "weapons": {
        "ammunition": 0.3235,
        "melee": 0.3235,
        "pistols": 0.3235,
        "non_lethal": 0.0294,
    },
    "explosives": {
        "pyrotechnics": 1.0,
    },
    "counterfeits": {
        "electronics": 0.4545,
        "banknotes": 0.3636,
        "fashion": 0.1364,
        "watches": 0.0455,
    },
    "fraud": {
        "cards": 0.6803,
        "accounts": 0.3197,
    },
    "hacking": {
        "malware": 0.5556,
        "services": 0.4444,
    },
    "guides": {
        "fraud_guides": 0.6806,
        "ebooks": 0.3194,
    },
    "services": {
        "other_services": 1.0,
    },
    "other": {
        "software": 0.4545,
        "electronics": 0.2614,
        "tobacco": 0.2216,
        "paraphernalia": 0.0625,
    },
}

# Price in USD per category: p10, p25, p50, p75, p90 (categories with enough listings).
PRICE_USD_QUANTILES: dict[str, tuple[float, float, float, float, float]] = {
    "drugs": (20.08, 44.55, 110.51, 308.39, 903.55),
    "weapons": (24.21, 55.67, 100.5, 690.69, 1974.8),
    "counterfeits": (22.59, 42.26, 176.54, 394.2, 447.58),
    "forgeries": (24.68, 50.62, 112.71, 480.24, 954.59),
    "fraud": (6.05, 9.02, 27.49, 84.44, 476.79),
    "guides": (2.71, 4.96, 7.29, 10.34, 15.64),
    "other": (4.5, 9.0, 22.51, 40.54, 135.54),
}

# Share of titles showing each feature (quantity first, 'x 10', FREE SHIPPING, ...).
TITLE_FEATURES: dict[str, float] = {
    "quantity_first": 0.5031,
    "times": 0.1538,
    "parentheses": 0.2392,
    "free_shipping": 0.0284,
    "escrow": 0.0103,
    "stars": 0.0387,
    "brackets": 0.0286,
    "exclamation": 0.039,
    "all_caps": 0.1171,
    "ships_mention": 0.0596,
    "sample": 0.0191,
}

# Title length in characters: deciles 10..90.
TITLE_LENGTH_DECILES = (17, 22, 27, 32, 36, 40, 45, 50, 60)

# Share of listings whose description says more than the title.
DESCRIPTION_SHARE = 0.4634

# Share of listings per declared origin country, among the most common.
SHIPS_FROM_SHARES: dict[str, float] = {
    "USA": 0.381,
    "Netherlands": 0.0932,
    "China": 0.0777,
    "EU": 0.077,
    "Canada": 0.0731,
    "Australia": 0.0682,
    "Torland": 0.0642,
    "Germany": 0.0599,
    "UK": 0.0468,
    "India": 0.0336,
    "Sweden": 0.0254,
}
