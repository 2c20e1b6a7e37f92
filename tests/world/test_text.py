"""The world's text: listings, profiles, reviews, forum posts, pastes, handles, places."""

from __future__ import annotations

import math
import random
import re
import runpy
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from darkrange.errors import InputError
from darkrange.world import text as wt
from darkrange.world.text import (
    CATALOGUE,
    CATEGORIES,
    FORUM_TOPICS,
    LANGUAGES,
    REAL_NAMES,
    SOFTWARE,
    Language,
    PasteKind,
    ProductLine,
    Style,
)
from darkrange.world.text._calibration import (
    PRICE_USD_QUANTILES,
    TITLE_FEATURES,
    TITLE_LENGTH_DECILES,
)

REPO = Path(__file__).resolve().parents[2]
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]")

# Instructions for making or using weapons, explosives or drugs must never appear.
FORBIDDEN = (
    "how to make", "how to use", "how to build", "synthesis", "synthesize", "synthesise",
    "step 1", "step one", "dosage", "dosing", "dose", "assemble", "assembly", "detonat",
    "recipe", "cook", "conversion", "convert to", "full auto", "inject", "snort",
    "как сделать", "как приготовить", "как употреблять", "синтез", "рецепт", "дозировк",
    "доза", "собрать", "сборк", "детонат", "варить", "инструкци",
    "qanday qilish", "retsept", "doza",
)  # fmt: skip

# A listing's price must sit in a plausible band for its category (USD).
PLAUSIBLE = {
    "drugs": (0.5, 60_000.0),
    "weapons": (5.0, 12_000.0),
    "explosives": (1.0, 25_000.0),
    "counterfeits": (10.0, 10_000.0),
    "forgeries": (5.0, 5_000.0),
    "fraud": (1.0, 5_000.0),
    "hacking": (1.0, 10_000.0),
    "guides": (1.0, 100.0),
    "services": (5.0, 2_000.0),
    "extremism": (5.0, 2_000.0),
    "other": (1.0, 2_000.0),
}


def plain_style(language: str, **changes: Any) -> Style:
    """A style with no habits, so that a test sees the text itself."""
    base = Style(
        language=language,  # type: ignore[arg-type]
        phrases=(),
        emoji=(),
        typo_rate=0.0,
        caps="normal",
        exclamations=0,
        signoff="",
    )
    return Style(**{**base.__dict__, **changes})


def sample_everything(seed: int) -> list[object]:
    """One of each thing the generator writes, from one seed."""
    rng = random.Random(seed)
    out: list[object] = []
    for language in LANGUAGES:
        style = wt.make_style(rng, language)
        for category in CATEGORIES:
            line = wt.make_product_line(rng, category, language)
            out.append(line)
            out.append(wt.listing_text(rng, line, style, "Germany", "EU"))
        drugs = wt.make_product_line(rng, "drugs", language)
        out.append(wt.dead_drop_listing(rng, drugs, style, "Tashkent", "Chilanzar"))
        out.append(wt.vendor_profile_text(rng, style, "Netherlands", "Worldwide"))
        out += [wt.review_text(rng, language, r) for r in range(1, 6)]
        for topic in FORUM_TOPICS:
            out.append(wt.forum_thread_title(rng, topic, language, "Heron Market"))
            out.append(wt.forum_post(rng, topic, style, "Heron Market"))
        out.append(wt.donation_appeal(rng, language, "Lunar Quill Circle", ["bc1qexample0"]))
        out += [wt.paste_text(rng, k, language, ["a.onion"]) for k in ("links", "canary")]
        out.append(wt.site_category_label("dream", "drugs", "cannabis", language))
    out.append(wt.canary_text(rng, "Heron Market", "2024-05-01"))
    for _ in range(5):
        name = wt.handle(rng)
        out.append(name)
        out += [wt.handle_variant(rng, name, m) for m in ("varied", "leet", "cyrillic", "changed")]
        out.append(wt.contacts(rng, name))
    out += [wt.person_name(rng, c) for c in ("Uzbekistan", "Russia", "Germany", "USA")]
    out += [wt.place(rng, r) for r in ("central_asia", "europe", "any")]
    out += [wt.site_name(rng, k) for k in ("market", "dead_drop", "forum", "mixer", "group")]
    out.append(wt.pick_category(rng, "market"))
    return out


def test_same_seed_same_text() -> None:
    assert sample_everything(11) == sample_everything(11)


def test_other_seed_other_text() -> None:
    first, second = sample_everything(11), sample_everything(12)
    assert len(first) == len(second)
    assert sum(a != b for a, b in zip(first, second, strict=True)) > len(first) // 2


def _listings(language: str, category: str, count: int, seed: int) -> list[tuple[str, Any]]:
    """(product, listing) for single-product lines, so each listing's product is known."""
    rng = random.Random(seed)
    style = plain_style(language)
    out = []
    for _ in range(count):
        line = wt.make_product_line(rng, category, language)  # type: ignore[arg-type]
        product = rng.choice(line.products)
        single = ProductLine(line.category, line.subcategory, (product,))
        out.append((product, wt.listing_text(rng, single, style, "Germany", "Worldwide")))
    return out


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_and_language_reads_plausibly(category: str, language: str) -> None:
    low, high = PLAUSIBLE[category]
    for product, listing in _listings(language, category, 40, seed=hash_free(category, language)):
        assert listing.title.strip() and listing.description.strip()
        assert product.lower() in listing.title.lower()
        assert product.lower() in listing.description.lower()
        assert listing.category == category and listing.language == language
        assert listing.subcategory in CATALOGUE[category]  # type: ignore[index]
        assert low <= listing.price_usd <= high, (product, listing.price_usd)
        assert float(listing.quantity) > 0 and listing.unit
        words = listing.title + " " + listing.description
        if language == "ru":
            letters = LATIN.findall(words) + CYRILLIC.findall(words)
            assert len(CYRILLIC.findall(words)) / len(letters) > 0.5, words
        else:
            assert not CYRILLIC.search(words), words


def hash_free(*labels: str) -> int:
    """A stable seed from labels (str hash() is salted per process)."""
    return sum((i + 1) * ord(c) for i, c in enumerate("/".join(labels)))


def _all_text(seed: int) -> list[str]:
    rng = random.Random(seed)
    texts: list[str] = []
    for language in LANGUAGES:
        for _ in range(6):
            style = wt.make_style(rng, language)
            for category in CATEGORIES:
                line = wt.make_product_line(rng, category, language)
                for _ in range(5):
                    listing = wt.listing_text(rng, line, style, "Poland", "EU")
                    texts += [listing.title, listing.description]
                drop = wt.dead_drop_listing(rng, line, style, "Almaty", "Medeu")
                texts += [drop.title, drop.description]
            texts.append(wt.vendor_profile_text(rng, style, "Uzbekistan", "CIS"))
            for topic in FORUM_TOPICS:
                texts.append(wt.forum_thread_title(rng, topic, language, "Orchid"))
                texts.append(wt.forum_post(rng, topic, style, "Orchid"))
        texts += [wt.review_text(rng, language, r) for r in range(1, 6) for _ in range(5)]
        texts.append(wt.donation_appeal(rng, language, "Amber Grove Circle", ["bc1qabc"]))
        kinds: tuple[PasteKind, ...] = ("links", "contacts", "canary", "announcement")
        texts += [wt.paste_text(rng, k, language, ["x.onion"]) for k in kinds]
    texts.append(wt.canary_text(rng, "Orchid", "2025-01-01"))
    return texts


def test_no_instructions_anywhere() -> None:
    texts = _all_text(3)
    assert len(texts) > 2000
    for piece in texts:
        low = piece.lower()
        for word in FORBIDDEN:
            assert word not in low, (word, piece)


def test_catalogue_names_are_catalogue_level() -> None:
    for shelves in CATALOGUE.values():
        for sub in shelves.values():
            for good in sub.goods:
                for name in (good.en, good.ru, good.uz, sub.en, sub.ru, sub.uz):
                    assert not any(word in name.lower() for word in FORBIDDEN), name


def test_explosives_list_precursors_as_products() -> None:
    names = {g.en for g in CATALOGUE["explosives"]["precursors"].goods}
    assert {"hydrogen peroxide 50%", "potassium chlorate"} <= names


def test_weapon_parts_include_unfinished_receivers() -> None:
    names = " ".join(g.en for g in CATALOGUE["weapons"]["parts"].goods)
    assert "80% lower" in names and "slide" in names and "barrel" in names


def test_handle_variants_relate_as_described() -> None:
    rng = random.Random(5)
    for _ in range(300):
        name = wt.handle(rng)
        assert re.fullmatch(r"[A-Za-z0-9_]+", name), name
        assert wt.handle_variant(rng, name, "kept") == name
        leet = wt.handle_variant(rng, name, "leet")
        assert leet != name and wt.unleet(leet) == wt.unleet(name)
        assert any(ch.isdigit() for ch in leet) or leet.lower() == name.lower()
        cyrillic = wt.handle_variant(rng, name, "cyrillic")
        assert CYRILLIC.search(cyrillic) and not LATIN.search(cyrillic), cyrillic
        assert wt.latin_skeleton(cyrillic) == wt.latin_skeleton(name)
        varied = wt.handle_variant(rng, name, "varied")
        assert varied != name and name.lower() in varied.lower()
        changed = wt.handle_variant(rng, name, "changed")
        assert changed.lower() != name.lower()


@pytest.mark.parametrize("name", ["dragon_77", "kush420", "DrGreen", "sever777", "moroz"])
def test_cyrillic_variant_transliterates_back(name: str) -> None:
    cyrillic = wt.handle_variant(random.Random(1), name, "cyrillic")
    assert CYRILLIC.search(cyrillic)
    assert wt.to_latin(cyrillic) == name.lower()


def test_leet_reads_back() -> None:
    assert wt.unleet("Dr4g0n_5h0p") == "dragon_shop"
    # A handle with nothing to write as a digit still varies, and still reads back.
    odd = wt.handle_variant(random.Random(1), "Pyx", "leet")
    assert odd != "Pyx" and wt.unleet(odd) == wt.unleet("Pyx")


def test_handle_variant_rejects_bad_input() -> None:
    with pytest.raises(InputError):
        wt.handle_variant(random.Random(1), "", "leet")
    with pytest.raises(InputError):
        wt.handle_variant(random.Random(1), "abc", "mirror")  # type: ignore[arg-type]


CONTACT_FORMS = {
    "xmpp": r"[a-z0-9_]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}",
    "telegram": r"@[A-Za-z][A-Za-z0-9_]{4,31}",
    "session": r"05[0-9a-f]{64}",
    "wickr": r"[a-z0-9_]+",
    "email": r"[a-z0-9][a-z0-9._]*@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}",
}


def test_contacts_are_well_formed() -> None:
    rng = random.Random(9)
    seen: Counter[str] = Counter()
    for _ in range(400):
        name = wt.handle_variant(rng, wt.handle(rng), rng.choice(("kept", "cyrillic", "leet")))
        found = wt.contacts(rng, name)
        assert found and set(found) <= set(CONTACT_FORMS)
        for kind, value in found.items():
            assert re.fullmatch(CONTACT_FORMS[kind], value), (kind, value)
            seen[kind] += 1
        assert "session" not in found or len(found["session"]) == 66
    assert set(seen) == set(CONTACT_FORMS)


def test_contacts_derive_from_the_handle() -> None:
    found = wt.contacts(random.Random(2), "GreenDragon")
    assert all("greendragon" in v.replace(".", "").replace("_", "") for k, v in found.items()
               if k != "session")  # fmt: skip


def test_apply_style_is_stable_per_style() -> None:
    style = wt.make_style(random.Random(4), "en")
    text = "Ships from Germany.\nVacuum sealed, smell proof.\nEscrow only, no FE."
    first = wt.apply_style(random.Random(8), text, style)
    assert first == wt.apply_style(random.Random(8), text, style)


def test_apply_style_without_habits_leaves_text_alone() -> None:
    text = "Ships from Germany.\nEscrow only."
    assert wt.apply_style(random.Random(1), text, plain_style("en")) == text


def test_apply_style_habits_show() -> None:
    text = "Ships from Germany within a day.\nEscrow only, never early finalize."
    rng = random.Random(1)
    lower = wt.apply_style(rng, text, plain_style("en", caps="lower", signoff="Peace"))
    assert lower.startswith("ships from germany") and "never early" in lower
    assert lower.endswith("\nPeace")  # the sign-off is written as the persona chose it
    upper = wt.apply_style(rng, text, plain_style("en", caps="upper_titles"))
    assert upper.split("\n")[0] == "SHIPS FROM GERMANY WITHIN A DAY."
    loud = wt.apply_style(rng, text, plain_style("en", exclamations=3))
    assert "!!!" in loud
    phrased = [
        wt.apply_style(rng, text, plain_style("en", phrases=("stealth is top notch",)))
        for _ in range(20)
    ]
    assert any("Stealth is top notch." in p for p in phrased)
    typos = wt.apply_style(rng, " ".join(["shipping"] * 400), plain_style("en", typo_rate=0.05))
    changed = sum(w != "shipping" for w in typos.split(" "))
    assert 20 < changed < 160  # about 4 x 5% of the words


def test_typos_spare_names_numbers_and_addresses() -> None:
    text = "Send 0.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh via Heron Market"
    out = wt.apply_style(random.Random(2), text, plain_style("en", typo_rate=0.05))
    for token in ("0.5", "BTC", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", "Heron", "Market"):
        assert token in out


def test_make_style_ranges() -> None:
    rng = random.Random(6)
    styles = [wt.make_style(rng, rng.choice(LANGUAGES)) for _ in range(500)]
    for style in styles:
        assert 0.0 <= style.typo_rate <= 0.05
        assert 0 <= style.exclamations <= 3
        assert style.caps in ("normal", "lower", "upper_titles")
        assert 2 <= len(style.phrases) <= 4
    assert {s.caps for s in styles} == {"normal", "lower", "upper_titles"}
    assert any(s.emoji for s in styles) and any(not s.emoji for s in styles)
    member = wt.make_style(random.Random(1), "en", role="member")
    assert not set(member.phrases) & set(wt._style.PHRASES["en"])


def test_category_shares_match_calibration() -> None:
    rng = random.Random(21)
    picks = Counter(wt.pick_category(rng, "market") for _ in range(10_000))
    shares = wt.category_shares("market")
    for category, share in shares.items():
        sigma = math.sqrt(share * (1 - share) / 10_000)
        assert abs(picks[category] / 10_000 - share) < 4 * sigma + 0.002, category


def test_market_shares_follow_agora_with_floors() -> None:
    market = wt.category_shares("market")
    assert math.isclose(sum(market.values()), 1.0)
    assert market["drugs"] > 0.7
    for rare in ("weapons", "explosives", "extremism"):
        assert 0.0 < market[rare] <= 0.03
    assert market["guides"] > market["fraud"] > market["forgeries"]  # Agora's order
    assert wt.category_shares("dead_drop")["drugs"] > 0.85
    assert wt.category_shares("shop")["extremism"] == 0.0
    with pytest.raises(InputError):
        wt.pick_category(random.Random(1), "bazaar")  # type: ignore[arg-type]


def test_prices_follow_agora_per_category() -> None:
    rng = random.Random(13)
    for category, (_, p25, _, p75, _) in PRICE_USD_QUANTILES.items():
        prices = []
        for _ in range(800):
            line = wt.make_product_line(rng, category, "en")  # type: ignore[arg-type]
            prices.append(wt.listing_text(rng, line, plain_style("en"), "USA", "USA").price_usd)
        assert p25 <= statistics.median(prices) <= p75, category


def test_title_shapes_follow_agora() -> None:
    rng = random.Random(17)
    titles = []
    for _ in range(6000):
        style = wt.make_style(rng, "en")
        line = wt.make_product_line(rng, wt.pick_category(rng, "market"), "en")
        titles.append(wt.listing_text(rng, line, style, "USA", "Worldwide").title)
    script = runpy.run_path(str(REPO / "scripts" / "calibrate_agora.py"))
    for feature, pattern in script["TITLE_FEATURES"].items():
        share = sum(1 for t in titles if re.search(pattern, t)) / len(titles)
        assert abs(share - TITLE_FEATURES[feature]) < 0.04, (feature, share)
    median = statistics.median(len(t) for t in titles)
    assert TITLE_LENGTH_DECILES[2] <= median <= TITLE_LENGTH_DECILES[6]


def test_dead_drop_listing_names_the_place() -> None:
    rng = random.Random(3)
    style = plain_style("ru")
    line = wt.make_product_line(rng, "drugs", "ru")
    listing = wt.dead_drop_listing(rng, line, style, "Tashkent", "Chilanzar")
    assert "Ташкент" in listing.description and "Чиланзар" in listing.description
    assert re.search(r"магнит|прикоп|тайник", listing.description)
    assert "после оплаты" in listing.description
    english = wt.dead_drop_listing(rng, line, plain_style("en"), "Ташкент", "Юнусабад")
    assert "Tashkent" in english.description and "Yunusabad" in english.description


def test_profile_and_reviews() -> None:
    rng = random.Random(4)
    profile = wt.vendor_profile_text(rng, plain_style("ru"), "Germany", "EU")
    assert "Германия" in profile and "PGP" in profile and "гарант" in profile.lower()
    for language in LANGUAGES:
        for rating in range(1, 6):
            assert wt.review_text(rng, language, rating).strip()
    for bad in (0, 6, True):
        with pytest.raises(InputError):
            wt.review_text(rng, "en", bad)
    with pytest.raises(InputError):
        wt.review_text(rng, "de", 5)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", LANGUAGES)
def test_forum_threads_and_posts_name_their_subject(language: Language) -> None:
    rng = random.Random(5)
    style = wt.make_style(rng, language)
    for topic in FORUM_TOPICS:
        assert "Orchid Forum" in wt.forum_thread_title(rng, topic, language, "Orchid Forum")
        post = wt.forum_post(rng, topic, style, "Orchid Forum")
        assert "orchid forum" in post.lower()
    with pytest.raises(InputError):
        wt.forum_thread_title(rng, "gossip", language, "x")  # type: ignore[arg-type]


def test_donation_appeal_names_every_address() -> None:
    addresses = [
        "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
        "4" + "A" * 94,
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    ]
    appeal = wt.donation_appeal(random.Random(1), "ru", "Amber Grove Circle", addresses)
    for address in addresses:
        assert address in appeal
    assert "BTC: bc1q" in appeal and "XMR: 4AAA" in appeal and "BTC: 3J98" in appeal
    assert "Amber Grove Circle" in appeal
    with pytest.raises(InputError):
        wt.donation_appeal(random.Random(1), "en", "x", [])


def test_pastes_and_canary() -> None:
    rng = random.Random(7)
    items = ["abcdefgh.onion", "ijklmnop.onion"]
    kinds: tuple[PasteKind, ...] = ("links", "contacts", "canary", "announcement")
    for kind in kinds:
        paste = wt.paste_text(rng, kind, "en", items)
        assert all(item in paste for item in items)
    with pytest.raises(InputError):
        wt.paste_text(rng, "poem", "en", items)  # type: ignore[arg-type]
    canary = wt.canary_text(rng, "Heron Market", "2024-05-01")
    assert "Heron Market" in canary and "2024-05-01" in canary
    assert re.search(r"Freshness: [0-9a-f]{64}\n", canary)


def test_places_and_districts() -> None:
    rng = random.Random(8)
    central = {wt.place(rng, "central_asia")[0] for _ in range(200)}
    assert central <= {"Uzbekistan", "Kazakhstan", "Kyrgyzstan", "Tajikistan"}
    assert "Uzbekistan" in central
    europe = {wt.place(rng, "europe")[0] for _ in range(300)}
    assert "Germany" in europe and not europe & central
    for _ in range(100):
        _, city = wt.place(rng, "any")
        assert wt.districts(city)
    assert "Чиланзар" in wt.districts("Ташкент")
    assert "Chilonzor" in wt.districts("Toshkent")
    assert "Chilanzar" in wt.districts("tashkent")
    with pytest.raises(InputError):
        wt.districts("Atlantis")


def test_person_names() -> None:
    rng = random.Random(9)
    names = [wt.person_name(rng, "Uzbekistan") for _ in range(300)]
    assert all(len(n.split()) >= 2 and not CYRILLIC.search(n) for n in names)
    assert any(n.endswith("ova") or n.endswith("eva") for n in names)  # female surnames
    assert len(set(names)) > 100
    assert wt.person_name(rng, "Narnia")  # falls back to English names


def test_site_names_are_fictional() -> None:
    rng = random.Random(10)
    kinds = ("market", "dead_drop", "klad_shop", "shop", "forum", "extremist_forum", "group",
             "directory", "paste", "mixer", "exchange", "explorer", "anything")  # fmt: skip
    for kind in kinds:
        names = {wt.site_name(rng, kind) for _ in range(200)}
        assert len(names) > 5, kind
        for name in names:
            words = re.findall(r"[a-z0-9]+", name.lower())
            assert not set(words) & REAL_NAMES and "".join(words) not in REAL_NAMES, name


def test_site_category_labels_per_software() -> None:
    assert wt.site_category_label("hydra", "drugs", "cannabis", "ru") == "Наркотики / Шишки"
    assert wt.site_category_label("alpha", "drugs", "cannabis", "en") == (
        "Drugs & Chemicals > Cannabis"
    )
    for category, shelves in CATALOGUE.items():
        for sub in shelves:
            for language in LANGUAGES:
                labels = {wt.site_category_label(s, category, sub, language) for s in SOFTWARE}
                assert all(labels) and len(labels) >= 4, (category, sub, language)
    with pytest.raises(InputError):
        wt.site_category_label("silk", "drugs", "cannabis", "en")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        wt.site_category_label("dream", "drugs", "tea", "en")


def test_bad_input_is_refused_clearly() -> None:
    rng = random.Random(1)
    with pytest.raises(InputError, match="unknown category"):
        wt.make_product_line(rng, "toys", "en")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown language"):
        wt.make_style(rng, "de")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="at least one product"):
        wt.listing_text(rng, ProductLine("drugs", "hash", ()), plain_style("en"), "UK", "EU")


def test_product_line_in_another_language() -> None:
    line = wt.make_product_line(random.Random(3), "explosives", "en")
    russian = wt.product_line_in(line, "ru")
    assert (russian.category, russian.subcategory) == (line.category, line.subcategory)
    assert all(CYRILLIC.search(p) for p in russian.products)
    assert wt.product_line_in(russian, "en") == line
    own = ProductLine("drugs", "hash", ("house special",))
    assert wt.product_line_in(own, "uz") == own


def test_unknown_product_is_priced_like_its_shelf() -> None:
    line = ProductLine("drugs", "hash", ("house special hash",))
    listing = wt.listing_text(random.Random(1), line, plain_style("en"), "UK", "EU")
    assert "house special hash" in listing.title.lower()
    assert listing.unit == "g" and listing.price_usd > 0


@pytest.mark.shared
def test_committed_calibration_matches_agora(shared_data: Path) -> None:
    script = runpy.run_path(str(REPO / "scripts" / "calibrate_agora.py"))
    source = shared_data / "listings" / "agora-2014" / "dev.csv"
    if not source.is_file():
        pytest.skip(f"Agora listings not found at {source}")
    rendered = script["render"](script["calibrate"](source))
    committed = (REPO / "src" / "darkrange" / "world" / "text" / "_calibration.py").read_text()
    assert rendered == committed
