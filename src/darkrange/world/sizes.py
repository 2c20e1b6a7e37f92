"""World sizes: tiny for unit tests, small for integration tests, demo for the course, large for
benchmarks. Every count a generator uses comes from here."""

from __future__ import annotations

from dataclasses import dataclass

from darkrange.errors import InputError


@dataclass(frozen=True)
class Size:
    name: str
    weeks: int
    markets: int  # escrow markets (the Russian dead-drop market comes on top)
    shops: int  # single-vendor shops
    phishing_clones: int
    mirrors_per_market: int
    vendors: int
    buyers: int
    forum_members: int
    bystanders: int
    listings_per_vendor_site: tuple[int, int]  # min, max listings a vendor posts on one market
    threads: int
    posts_per_thread: tuple[int, int]
    orders_per_listing: float  # mean orders (with a review and a payment) per listing
    transactions: int  # target total on the chain, background included


SIZES: dict[str, Size] = {
    "tiny": Size("tiny", 4, 3, 1, 1, 1, 14, 30, 10, 5, (1, 3), 12, (2, 4), 0.4, 10_000),
    "small": Size("small", 8, 3, 2, 1, 2, 40, 120, 30, 20, (2, 6), 40, (2, 8), 0.5, 40_000),
    "demo": Size("demo", 12, 4, 4, 2, 2, 120, 500, 100, 60, (3, 12), 150, (3, 12), 0.6, 120_000),
    "large": Size(
        "large",
        26,
        9,
        14,
        3,
        3,
        1_400,
        8_000,
        1_200,
        500,
        (10, 30),
        1_500,
        (3, 20),
        0.7,
        1_000_000,
    ),
}


def get_size(name: str) -> Size:
    try:
        return SIZES[name]
    except KeyError:
        raise InputError(f"unknown size {name!r}; choose one of {', '.join(SIZES)}") from None
