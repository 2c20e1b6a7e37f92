"""The categories every listing falls in, and Agora's (2014) categories mapped onto them."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
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

# Agora (category, subcategory) -> ours; "*" matches any subcategory. First match wins.
# Agora files by what a vendor picked, not by what is sold: the mapping follows the shelf's
# usual content (docs/classify.md explains each line); the noise it leaves is real noise.
AGORA_MAPPING: tuple[tuple[str, str, str], ...] = (
    ("Drugs", "*", "drugs"),
    ("Weapons", "Fireworks", "explosives"),
    ("Weapons", "*", "weapons"),
    ("Counterfeits", "Electronics", "other"),
    ("Counterfeits", "*", "counterfeits"),
    ("Jewelry", "*", "counterfeits"),
    ("Forgeries", "*", "forgeries"),
    ("Information", "*", "guides"),
    ("Services", "Money", "fraud"),
    ("Services", "Hacking", "hacking"),
    ("Services", "*", "services"),
    ("Data", "Accounts", "fraud"),
    ("Data", "*", "other"),
    ("Electronics", "*", "other"),
    ("Tobacco", "*", "other"),
    ("Drug paraphernalia", "*", "other"),
    ("Listings", "*", "services"),
    ("*", "*", "other"),
)


def agora_category(category: str, subcategory: str) -> str:
    """Our category for an Agora listing filed under (category, subcategory)."""
    for theirs, sub, ours in AGORA_MAPPING:
        if theirs in ("*", category.strip()) and sub in ("*", subcategory.strip()):
            return ours
    return "other"  # unreachable: the last line matches everything
