"""Full-text search: relevance on known queries in English and Russian, filters, selectors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from darkrange.analyze.search import Query, build_index, search, stem_word
from darkrange.errors import InputError
from tests.analyze.test_linkfix import ONION_A, ONION_B, btc, listing, pointer, write_records

ADDRESS = btc(9)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("search")
    records = write_records(
        base / "records",
        listings=[
            listing(
                1,
                ONION_A,
                "DonTiger",
                "Glock 19 Gen4 pistol",
                "Clean history, 9mm.",
                900,
                category="Weapons / Pistols",
            ),
            listing(
                2,
                ONION_A,
                "DonTiger",
                "Pistol magazines",
                "Two magazines for pistols.",
                60,
                category="Weapons / Parts",
            ),
            listing(
                3,
                ONION_B,
                "xXOwlXx",
                "Мефедрон кристалл 1г",
                "Клад магнит, район Центр.",
                30,
                category="Наркотики",
            ),
            listing(
                4,
                ONION_B,
                "xXOwlXx",
                "Гашиш 5г",
                "Тайник в парке. Без мефедрона.",
                50,
                category="Наркотики",
            ),
            listing(
                5,
                ONION_B,
                "grower",
                "Café crème seeds",
                "Naïve strains, pay to " + ADDRESS,
                20,
                category="Seeds",
            ),
        ],
        posts=[
            {
                "site": ONION_A,
                "site_name": "Forum",
                "family": "forum",
                "url": f"http://{ONION_A}/t/1#1",
                "thread_id": "1",
                "post_id": "1-1",
                "author": "DonTiger",
                "text": "New pistols in stock next week.",
                "time": datetime(2026, 3, 2, 10, tzinfo=UTC),
                "pointers": pointer(1),
            },
        ],
    )
    assert build_index(records, base / "index") == 6
    return base / "index"


def _ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.record_id for h in hits]


def test_english_relevance_title_first_and_stems(index: Path) -> None:
    hits = search(index, Query("pistol"))
    assert set(_ids(hits)[:2]) == {"1", "2"}  # "pistol" in a title ranks above the post
    assert "1-1" in _ids(hits)  # "pistols" in the post matches by its stem
    assert "pistol" in hits[0].title.lower()
    assert hits[0].pointer["file"] == "crawl-0001.warc.gz"


def test_russian_inflections_match_by_stem(index: Path) -> None:
    assert stem_word("мефедрона") == stem_word("мефедрон")
    assert sorted(_ids(search(index, Query("мефедрона")))) == ["3", "4"]  # either form
    assert _ids(search(index, Query("клад магнит"))) == ["3"]
    assert _ids(search(index, Query("тайники"))) == ["4"]


def test_diacritics_do_not_matter(index: Path) -> None:
    assert _ids(search(index, Query("cafe creme naive"))) == ["5"]


def test_filters(index: Path) -> None:
    assert _ids(search(index, Query("pistol", kind="posts"))) == ["1-1"]
    assert _ids(search(index, Query("pistol", category="parts"))) == ["2"]
    assert search(index, Query("pistol", site=ONION_B)) == []
    assert all(h.language == "ru" for h in search(index, Query("мефедрон", language="ru")))
    assert search(index, Query("мефедрон", language="en")) == []
    assert _ids(search(index, Query("pistols", vendor="dontiger", kind="posts"))) == ["1-1"]
    assert _ids(
        search(index, Query("pistols", since=datetime(2026, 3, 1, tzinfo=UTC), kind="posts"))
    ) == ["1-1"]
    assert (
        search(index, Query("pistols", until=datetime(2026, 3, 1, tzinfo=UTC), kind="posts")) == []
    )


def test_selector_search_finds_every_page_mentioning_it(index: Path) -> None:
    assert _ids(search(index, Query(selector=ADDRESS))) == ["5"]
    assert _ids(search(index, Query(selector=ADDRESS.upper()))) == ["5"]
    assert search(index, Query(selector=btc(10))) == []


def test_bad_queries_are_clear_errors(index: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="words to look for"):
        search(index, Query("  !!! "))
    with pytest.raises(InputError, match="no search index"):
        search(tmp_path, Query("x"))
    # FTS5 syntax in the user's words is quoted, never an error
    assert search(index, Query('glock AND "NOT ( pistol')) == []


def test_cli_query(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from darkrange.cli import main

    assert main(["search", "query", "--index", str(index), "glock", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"record_id": "1"' in out
