"""Train the default listing classifier into src/darkrange/analyze/classify/default_model.npz.

    .venv/bin/python scripts/train_classifier.py [--no-agora] [--out PATH]

Training data, all rebuilt from seeds and files on every run (the same input gives the same
model, byte for byte):

- the listings of generated worlds, seeds 1001-1005, size small (no seed the benchmark or the
  tests hold out: those use 9001 and up);
- catalogue listings from the world's text generator, the same number for every category and
  language (seed 1000), so categories a small world barely shows (extremism, hacking,
  services) still have examples;
- the real Agora (2014) dev listings, mapped to our categories (AGORA_MAPPING), when
  ../shared/data is present. Their text stays in the model only as n-gram weights.

The toolkit itself never imports the world (import-linter); this script may, it is not shipped.
bench/classify.py reuses the corpus builders below.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AGORA = REPO.parent / "shared" / "data" / "listings" / "agora-2014" / "dev.csv"
DEFAULT_OUT = REPO / "src" / "darkrange" / "analyze" / "classify" / "default_model.npz"
TRAIN_SEEDS = (1001, 1002, 1003, 1004, 1005)
CATALOGUE_SEED = 1000
PER_CLASS = 120  # catalogue listings per category and language


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    language: str
    group: str  # who wrote it (vendor): cross-validation keeps a vendor on one side


def world_corpus(seeds: tuple[int, ...], size: str = "small") -> list[Example]:
    """Every listing of the worlds of these seeds (sites, people and content; no chain)."""
    from darkrange.analyze.classify import listing_text
    from darkrange.world.generate import build_state

    out: list[Example] = []
    for seed in seeds:
        state, _ = build_state(seed, size)
        for item in state.listings:
            text = listing_text([item.title, item.description])
            out.append(Example(text, item.category, item.language, f"{seed}:{item.person_id}"))
    return out


def catalogue_corpus(seed: int = CATALOGUE_SEED, per_class: int = PER_CLASS) -> list[Example]:
    """per_class listings for each category and language, one made-up vendor for each."""
    from darkrange.analyze.classify import listing_text
    from darkrange.world import text as wt
    from darkrange.world.text._geo import COUNTRIES

    rng = random.Random(seed)
    countries = sorted(COUNTRIES)
    out: list[Example] = []
    for category in wt.CATEGORIES:
        for language in wt.LANGUAGES:
            for n in range(per_class):
                line = wt.make_product_line(rng, category, language)
                style = wt.make_style(rng, language)
                lt = wt.listing_text(rng, line, style, rng.choice(countries), "Worldwide")
                text = listing_text([lt.title, lt.description])
                out.append(Example(text, category, language, f"cat:{category}:{language}:{n}"))
    return out


def agora_corpus(path: Path = AGORA) -> list[Example]:
    """The Agora dev listings with our category for each (docs/classify.md, the mapping)."""
    from darkrange.analyze.classify import agora_category, listing_text

    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Example(
            listing_text([r["title"], r["description"]]),
            agora_category(r["category"], r["subcategory"]),
            "en",
            f"agora:{r['vendor']}",
        )
        for r in rows
    ]


def default_corpus(with_agora: bool = True) -> list[Example]:
    corpus = world_corpus(TRAIN_SEEDS) + catalogue_corpus()
    if with_agora and AGORA.is_file():
        corpus += agora_corpus()
    return corpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-agora", action="store_true", help="Worlds and catalogue only.")
    args = parser.parse_args()

    from darkrange.analyze.classify import save_model, train_model

    with_agora = not args.no_agora and AGORA.is_file()
    corpus = default_corpus(with_agora)
    sources = Counter(e.group.split(":")[0] for e in corpus)
    print(f"{len(corpus)} examples: {dict(sorted(sources.items()))}", file=sys.stderr)
    meta = {
        "trained_on": {
            "world_seeds": list(TRAIN_SEEDS),
            "catalogue_seed": CATALOGUE_SEED,
            "catalogue_per_class": PER_CLASS,
            "agora_dev": with_agora,
        }
    }
    model = train_model(
        [e.text for e in corpus],
        [e.label for e in corpus],
        progress=lambda step: print(f"  {step}", file=sys.stderr),
        meta=meta,
    )
    written = save_model(model, args.out.parent)
    if written != args.out:
        written.replace(args.out)
    size_kb = args.out.stat().st_size / 1024
    print(f"wrote {args.out} ({size_kb:.0f} KB), temperature {model.temperature}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
