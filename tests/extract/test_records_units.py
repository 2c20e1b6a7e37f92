"""Prices, generic heuristics, mirror folding and review folding, on crafted inputs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from darkrange.extract.records import (
    MirrorList,
    PageRecords,
    Price,
    Review,
    WarcPointer,
    find_prices,
    merge,
    parse_amount,
    parse_page,
    site_aliases,
)

A, B, C, X = ("a" * 56 + ".onion", "b" * 56 + ".onion", "c" * 56 + ".onion", "x" * 56 + ".onion")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("USD 12.50 / BTC 0.00027", [Price(12.5, "USD"), Price(0.00027, "BTC")]),
        ("$1,234.56 (0.0271 BTC)", [Price(1234.56, "USD"), Price(0.0271, "BTC")]),
        ("6 871 ₽ ≈ 0.00163 BTC", [Price(6871.0, "RUB"), Price(0.00163, "BTC")]),
        ("12,50 EUR", [Price(12.5, "EUR")]),
        ("1.234,50 €", [Price(1234.5, "EUR")]),
        ("2500 руб.", [Price(2500.0, "RUB")]),
        ("x25 pcs, 3.5g, order 2", []),
    ],
)
def test_prices_in_the_shapes_markets_print(text: str, expected: list[Price]) -> None:
    assert find_prices(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 446", 1446.0),
        ("1,234.50", 1234.5),
        ("12,500", 12500.0),
        ("0.00012", 0.00012),
        ("", None),
    ],
)
def test_amounts(text: str, value: float | None) -> None:
    assert parse_amount(text) == value


def test_generic_heuristics_read_an_unknown_listing_page() -> None:
    html = """<html><head><title>Blue pills - Unknown Market</title></head><body>
    <h1>Blue pills x10</h1><table><tr><td>Vendor</td><td>@pill_king (98%)</td></tr>
    <tr><td>Price</td><td>$45.00 = 0.001 BTC</td></tr><tr><td>Category</td><td>Drugs</td></tr>
    <tr><td>Ships from</td><td>Germany</td></tr></table>
    <div class="description">Ten pills.<br>Fast shipping.</div></body></html>"""
    records = parse_page(html, f"http://{A}/item.php?id=991")
    assert records.family == "generic"
    (x,) = records.listings
    assert (x.listing_id, x.title, x.vendor, x.price, x.currency) == (
        "991",
        "Blue pills x10",
        "pill_king",
        45.0,
        "USD",
    )
    assert (x.category, x.ships_from, x.site_name) == ("Drugs", "Germany", "Unknown Market")
    assert x.description == "Ten pills.\nFast shipping."


def test_generic_heuristics_leave_index_pages_alone() -> None:
    rows = "".join(f"<li>Item {i} - ${i}.00</li>" for i in range(1, 30))
    assert parse_page(f"<h1>All items</h1><ul>{rows}</ul>", f"http://{A}/all").listings == []


def test_a_mirror_joins_its_site_and_a_clone_claiming_it_does_not() -> None:
    lists = [MirrorList(A, (A, B)), MirrorList(B, (A, B)), MirrorList(X, (X, A))]
    assert site_aliases(lists) == {B: A}
    # without the market's own list, the clone's claim cannot be checked: it is believed
    assert site_aliases([MirrorList(X, (X, C))]) == {C: X}
    # a list that does not name the address it was captured at proves nothing
    assert site_aliases([MirrorList(X, (A, B))]) == {}


def _pointer(second: int) -> list[WarcPointer]:
    when = datetime(2026, 1, 10, 12, 0, second, tzinfo=UTC)
    return [WarcPointer(when, "w.warc.gz", second * 100, f"<urn:{second}>", f"http://{A}/")]


def test_undated_review_copies_fold_into_dated_ones() -> None:
    day = datetime(2026, 1, 9, tzinfo=UTC)
    base = {"site": A, "site_name": "M", "family": "dream", "buyer": "b***r", "rating": 5}

    def review(second: int, **extra: object) -> Review:
        fields = {"text": "great", "vendor": "v", "url": f"http://{A}/", **extra}
        return Review(**base, **fields, pointers=_pointer(second))  # type: ignore[arg-type]

    pages = [
        PageRecords(reviews=[review(1, time=day)]),  # feedback page: dated, no listing
        PageRecords(reviews=[review(2, listing_id="L1")]),  # summary: listing, no date
        PageRecords(reviews=[review(3, time=day, occurrence=1)]),  # a second, real one
        PageRecords(reviews=[review(4, text="other")]),  # nothing to fold into
    ]
    reviews = merge(pages).records.reviews
    assert len(reviews) == 3
    folded = [r for r in reviews if r.listing_id == "L1"]
    assert len(folded) == 1 and folded[0].time == day and len(folded[0].pointers) == 2
