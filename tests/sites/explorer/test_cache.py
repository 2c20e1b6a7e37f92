"""The explorer's answer cache and its pre-rendered transactions: bounded, and never stale."""

from __future__ import annotations

import json

import pytest

from darkrange.network import RangeClock
from darkrange.sites.explorer import AnswerCache, explorer_app
from tests.sites.explorer.chainfix import START, Chain, build_chain

DAY = 86_400


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    return build_chain(tmp_path_factory.mktemp("cache") / "chain")


def test_lru_is_bounded_in_entries_and_bytes() -> None:
    cache: AnswerCache[str, bytes] = AnswerCache(max_entries=3, max_bytes=2000)
    for key in "abc":
        cache.put(key, key.encode(), 100)
    assert cache.get("a") == b"a"  # a is now the most recently used
    cache.put("d", b"d", 100)
    assert (cache.get("b"), len(cache)) == (None, 3)  # b, the least recently used, left
    assert [cache.get(k) for k in "acd"] == [b"a", b"c", b"d"]
    cache.put("huge", b"x", 251)  # over an eighth of the byte budget: not kept at all
    assert cache.get("huge") is None and cache.bytes == 300
    cache.put("d", b"d2", 10)  # replacing an entry charges only its new size
    assert cache.get("d") == b"d2" and cache.bytes == 210

    by_bytes: AnswerCache[int, bytes] = AnswerCache(max_entries=100, max_bytes=2000)
    for n in range(9):
        by_bytes.put(n, b"", 250)
    assert by_bytes.bytes == 2000 and len(by_bytes) == 8 and by_bytes.get(0) is None
    by_bytes.clear()
    assert (len(by_bytes), by_bytes.bytes) == (0, 0)


def test_transactions_render_exactly_as_json_dumps(chain: Chain) -> None:
    app = explorer_app(chain.folder)
    shapes = app.api.shapes
    for row in range(len(app.api.chain.tx_height)):
        text = shapes.tx_text(row)
        assert text == json.dumps(shapes.tx(row), separators=(",", ":"))
        assert shapes.tx_text(row) is text  # the second time from the LRU


def test_repeated_requests_come_from_the_cache_until_the_tip_moves(chain: Chain) -> None:
    clock = RangeClock(0)
    app = explorer_app(chain.folder, clock, START - DAY)  # the chain lies in the world's day 1
    assert app.respond("GET", "/api/blocks/tip/height", "").body == b"0"
    first = app.respond("GET", "/api/blocks", "")
    hits = app.cache.hits
    again = app.respond("GET", "/api/blocks", "")
    assert again is first and app.cache.hits == hits + 1
    clock.set_days(1)
    tip = app.api.chain.tip_height
    assert tip == 11
    assert app.respond("GET", "/api/blocks/tip/height", "").body == str(tip).encode()
    moved = app.respond("GET", "/api/blocks", "")
    assert json.loads(moved.body)[0]["height"] == tip
    assert app.respond("POST", "/api/blocks", "").status == 405
