"""Page records measured against a world's truth: two crawl-like captures of the tiny world
(days 10 and 24) parsed with `darkrange parse`; every listing truth has online on a market,
dead-drop market or shop is recovered once, with the right title, vendor, price and category."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from darkrange.cli import main
from darkrange.network import load_sites
from tests.extract.test_records_capture import (
    capture,
    score_listings,
    truth_vendors,
    world_of,
)

DAYS = (10, 24)
WEEKS = [d // 7 for d in DAYS]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    world = world_of(tmp_path_factory)
    folder = tmp_path_factory.mktemp("records-crawl")
    for days in DAYS:
        capture(world, days, folder / "warc")
    assert main(["parse", "--warc", str(folder / "warc"), "--out", str(folder / "out")]) == 0
    return world, folder


def table(crawl: tuple[Path, Path], name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(crawl[1] / "out" / f"{name}.parquet").to_pylist()
    return rows


def test_every_online_listing_is_recovered_with_the_right_fields(
    crawl: tuple[Path, Path],
) -> None:
    scores = score_listings(crawl[0], WEEKS, table(crawl, "listings"))
    assert set(scores) == {"dream", "alpha", "bazaar", "hydra", "shop"}
    for family, score in scores.items():
        assert score.truth > 0, family
        assert score.recall == 1.0, (family, score)
        assert score.precision == 1.0, (family, score)
        assert score.wrong == {}, (family, score)


def test_listings_read_from_their_own_page_keep_description_and_shipping(
    crawl: tuple[Path, Path],
) -> None:
    world = crawl[0]
    content = {
        (r["site_id"], str(r["listing_id"])): r
        for r in pq.read_table(world / "content" / "listings.parquet").to_pylist()
    }
    site_ids = {s.onion: s.site_id for s in load_sites(world)}
    checked = 0
    for row in table(crawl, "listings"):
        expected = content.get((site_ids.get(row["site"], ""), row["listing_id"]))
        if expected is None or not row["detail"]:
            continue
        assert " ".join(row["description"].split()) == " ".join(expected["description"].split())
        assert row["quantity"] == str(expected["quantity"])
        if expected["city"]:  # a dead drop names a city and district, in Russian
            assert row["city"] and row["district"]
        else:
            assert (row["ships_from"], row["ships_to"]) == (
                expected["ships_from"],
                expected["ships_to"],
            )
        btc = [p["amount"] for p in row["prices"] if p["currency"] == "BTC"]
        assert btc and 5_000 < expected["price_usd"] / btc[0] < 500_000, row["prices"]
        checked += 1
    assert checked >= 50


def test_one_record_per_listing_with_every_capture_as_pointer(crawl: tuple[Path, Path]) -> None:
    rows = table(crawl, "listings")
    keys = [(r["site"], r["listing_id"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert all(r["pointers"] for r in rows)
    assert max(len(r["pointers"]) for r in rows) > 3  # index pages, its own page, two crawls
    for r in rows:
        assert r["captured"] == max(p["captured"] for p in r["pointers"])


def test_pointers_lead_back_to_the_captured_record(crawl: tuple[Path, Path]) -> None:
    folder = crawl[1] / "warc"
    for row in table(crawl, "vendors")[:15] + table(crawl, "posts")[:5]:
        for pointer in row["pointers"]:
            with (folder / pointer["file"]).open("rb") as handle:
                handle.seek(pointer["offset"])
                record = next(iter(ArchiveIterator(handle)))
                assert record.rec_headers.get_header("WARC-Record-ID") == pointer["record_id"]
                assert record.rec_headers.get_header("WARC-Target-URI") == pointer["target_uri"]


def test_mirrors_fold_into_their_site_and_a_phishing_clone_stays_apart(
    crawl: tuple[Path, Path],
) -> None:
    world = crawl[0]
    sites = {s.site_id: s for s in load_sites(world)}
    found = {r["site"]: r for r in table(crawl, "sites")}
    market = sites["market-2"]
    assert found[market.onion]["onions"] == [market.onion, *market.mirrors[:1]]
    assert not any(onion in found for onion in market.mirrors)
    listing_urls = {
        p["target_uri"].split("/")[2]
        for r in table(crawl, "listings")
        if r["site"] == market.onion
        for p in r["pointers"]
    }
    assert listing_urls == {market.onion, market.mirrors[0]}
    clone = next(s for s in sites.values() if s.kind == "phishing")
    assert found[clone.onion]["onions"] == [clone.onion]


def test_vendors_come_with_the_key_they_showed(crawl: tuple[Path, Path]) -> None:
    expected = truth_vendors(crawl[0], WEEKS)
    vendors = {(r["site"], r["handle"]): r for r in table(crawl, "vendors")}
    listed = {(r["site"], r["vendor"]) for r in table(crawl, "listings")}
    for key in listed & set(expected):  # every vendor with a listing was reached
        assert key in vendors, key
        assert vendors[key]["pgp_fingerprint"] == expected[key], key
        if vendors[key]["pgp_armored"]:
            assert vendors[key]["fingerprint_shown"] == expected[key]
    with_contacts = [v for v in vendors.values() if v["contacts"]]
    assert with_contacts
    for v in with_contacts:
        shown = " ".join(value for _, value in (tuple(c.values()) for c in v["contacts_shown"]))
        assert all(
            c["value"].lower() in shown.lower() for c in v["contacts"] if c["kind"] != "phone"
        )


def test_forum_threads_posts_and_pastes_match_the_content(crawl: tuple[Path, Path]) -> None:
    world = crawl[0]
    posts = pq.read_table(world / "content" / "posts.parquet").to_pylist()
    start = 1_767_571_200
    visible = {
        (p["thread_id"], p["post_id"]): p for p in posts if (p["time"] - start) // 604_800 <= 3
    }
    found = {(p["thread_id"], p["post_id"]): p for p in table(crawl, "posts")}
    assert set(found) == set(visible)
    for key, post in visible.items():
        assert found[key]["author"] == post["author_handle"]
        assert found[key]["text"].split() == post["text"].split()
    threads = pq.read_table(world / "content" / "threads.parquet").to_pylist()
    parsed = {t["thread_id"]: t for t in table(crawl, "threads")}
    for t in threads:
        assert parsed[t["thread_id"]]["title"] == t["title"]
        assert parsed[t["thread_id"]]["subforum"] == t["subforum"]
        assert parsed[t["thread_id"]]["author"] == t["author_handle"]
    pastes = {p["paste_id"]: p for p in table(crawl, "pastes")}
    for p in pq.read_table(world / "content" / "pastes.parquet").to_pylist():
        assert pastes[p["paste_id"]]["title"] == p["title"]
        assert pastes[p["paste_id"]]["text"].split() == p["text"].split()


def test_reviews_keep_masked_buyers_and_fold_across_pages(crawl: tuple[Path, Path]) -> None:
    reviews = table(crawl, "reviews")
    assert reviews
    for r in reviews:
        assert "***" in r["buyer"] and 1 <= r["rating"] <= 5 and r["time"] is not None
        assert r["listing_id"], r  # a feedback page's copy took the listing from another page
    keys = [(r["site"], r["buyer"], r["text"], r["time"]) for r in reviews]
    assert len(keys) == len(set(keys))


def test_a_truncated_warc_gives_what_precedes_the_damage(
    crawl: tuple[Path, Path], tmp_path: Path
) -> None:
    source = next((crawl[1] / "warc").glob("*.warc.gz")).read_bytes()
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "cut.warc.gz").write_bytes(source[: len(source) // 2])
    (tmp_path / "warc" / "junk.warc").write_bytes(gzip.compress(b"not a warc at all" * 50))
    assert main(["parse", "--warc", str(tmp_path / "warc"), "--out", str(tmp_path / "o")]) == 0
    assert pq.read_table(tmp_path / "o" / "listings.parquet").num_rows > 0
