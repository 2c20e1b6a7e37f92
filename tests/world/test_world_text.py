"""Sampled reading of a generated world's text: every category and language reads like a
catalogue entry in the right language and script, and nothing reads like instructions."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

from darkrange.world.model import CATEGORIES
from darkrange.world.truth import read_csv

# What catalogue-level content never contains (English and Russian).
INSTRUCTION_MARKERS = re.compile(
    r"how to (make|build|cook|synthes)|step \d|synthesis|recipe|dosage|assembl(e|y) instructions"
    r"|detonat|как (сделать|приготовить|собрать)|синтез|рецепт|дозировк|пошагов",
    re.IGNORECASE,
)
CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")


def test_every_listing_has_catalogue_text(small_world: Path) -> None:
    truth = read_csv(small_world, "listings.csv")
    shown = {
        (r["listing_id"], r["title"]): r
        for r in pq.read_table(small_world / "content" / "listings.parquet").to_pylist()
    }
    by_cat_lang: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in truth:
        listing = shown[(row["listing_id"], row["title"])]
        by_cat_lang[(row["category"], row["language"])].append(listing)
        text = f"{listing['title']}\n{listing['description']}"
        assert not INSTRUCTION_MARKERS.search(text), text
        assert 3 <= len(str(listing["title"])) <= 140
        assert float(str(listing["price_usd"])) > 0
    assert {c for c, _ in by_cat_lang} <= set(CATEGORIES)
    assert {"drugs", "weapons", "explosives"} <= {c for c, _ in by_cat_lang}
    for (_, language), listings in by_cat_lang.items():
        for listing in listings[:20]:
            text = f"{listing['title']} {listing['description']}"
            letters = [ch for ch in text if ch.isalpha()]
            cyr = sum(1 for ch in letters if CYRILLIC.match(ch)) / max(1, len(letters))
            if language == "ru":
                assert cyr > 0.5, text
            else:
                assert cyr < 0.2, text


def test_forum_and_reviews_read_plausibly(small_world: Path) -> None:
    posts = pq.read_table(small_world / "content" / "posts.parquet").to_pylist()
    reviews = pq.read_table(small_world / "content" / "reviews.parquet").to_pylist()
    assert posts and reviews
    for item in posts + reviews:
        text = str(item["text"])
        assert text.strip() and "{{" not in text
        assert not INSTRUCTION_MARKERS.search(text), text
    assert {r["rating"] for r in reviews} <= {1, 2, 3, 4, 5}
