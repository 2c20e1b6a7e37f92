"""The crawler's parts without a range: URLs and scope, traps, simhash, mirrors and clones,
configuration and vault checks, bounded decoding and parsing, the CAPTCHA queue."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest
import yaml

from darkrange.collect.crawl import (
    HostInfo,
    NearDuplicates,
    answer_captcha,
    canonical,
    load_config,
    load_vault,
    parse_config,
    pending_captchas,
    resolve,
    simhash,
    template,
)
from darkrange.collect.crawl._classify import BANNED, GATE, LOGIN, PAGE, QUEUE, classify
from darkrange.collect.crawl._fetch import decode_body
from darkrange.collect.crawl._page import analyse
from darkrange.collect.crawl._scope import ScopeRules
from darkrange.collect.crawl._state import CrawlState
from darkrange.errors import FormatError, InputError

A = "a" * 56 + ".onion"
B = "b" * 56 + ".onion"
C = "c" * 56 + ".onion"


def test_canonical_urls_sort_query_and_drop_session_and_sort_params() -> None:
    drop = ("sid", "sort", "view")
    url = canonical("/listings?page=2&sort=price&view=7&sid=abc#top", f"http://{A.upper()}/x", drop)
    assert url == f"http://{A}/listings?page=2"
    assert canonical("b=2&a=1", None) is None
    assert canonical("?b=2&a=1", f"http://{A}/p") == f"http://{A}/p?a=1&b=2"
    assert canonical("javascript:alert(1)", f"http://{A}/") is None
    assert canonical("mailto:x@y", f"http://{A}/") is None
    assert canonical("/maze/%zz", f"http://{A}/") == f"http://{A}/maze/%25zz"


def test_templates_cap_endless_calendars() -> None:
    assert template(f"http://{A}/calendar/2026/01?day=3") == "/calendar/N/N?day"
    rules = ScopeRules(parse_config({"traps": {"max_per_template": 3}}), [A])
    allowed = [rules.count_template(f"http://{A}/calendar/2026/{m}") for m in range(1, 7)]
    assert allowed == [True, True, True, False, False, False]
    assert rules.why_not(f"http://{B}/", 0) == "site"
    assert rules.why_not(f"http://{A}/logout", 0) == "deny"
    assert rules.why_not(f"http://{A}/x?a=1&b=2&c=3&d=4&e=5&f=6&g=7", 0) == "params"
    assert rules.why_not(f"http://{A}/x", 51) == "depth"
    assert rules.why_not(f"http://{A}/x", 1) is None


def test_near_duplicates_stop_link_floods_but_not_distinct_pages() -> None:
    rooms = " ".join(f"room {i} leads further into the maze" for i in range(1, 21))
    near = NearDuplicates(3, 5)
    follow = [near.add("s", simhash(f"Room {n:08x} {rooms}")) for n in range(12)]
    assert follow[:6] == [True] * 6 and not any(follow[6:])
    texts = [f"listing {n} " + " ".join(f"w{n * 31 + i}" for i in range(40)) for n in range(20)]
    fresh = NearDuplicates(3, 5)
    assert all(fresh.add("s", simhash(t)) for t in texts)


def test_mirrors_join_and_clones_are_flagged_whatever_the_seed_order() -> None:
    for order in ([A, B, C], [C, B, A], [B, C, A]):
        hosts = [
            HostInfo(A, order.index(A), 0xF0F0, {A, B}),
            HostInfo(B, order.index(B), 0xF0F1, {A, B}),
            HostInfo(C, order.index(C), 0xF0F0, {C}),
        ]
        result = resolve(hosts, 6)
        assert result[C].relation == "clone"
        assert result[C].clone_of in (A, B)
        assert "not in the site's own mirror list" in result[C].reasons
        assert {result[A].relation, result[B].relation} == {"site", "mirror"}
    other = resolve([HostInfo(A, 0, 0xF0F0, {A}), HostInfo(B, 1, ~0xF0F0 & (2**64 - 1))], 6)
    assert other[A].relation == other[B].relation == "site"


def test_config_errors_are_one_line_and_defaults_hold(tmp_path: Path) -> None:
    assert load_config(None).politeness.concurrency == 16
    bad = tmp_path / "c.yaml"
    bad.write_text("politeness: {delay: 1}\n")
    with pytest.raises(FormatError, match="unknown key 'delay'"):
        load_config(bad)
    bad.write_text("scope: {deny: ['(unclosed']}\n")
    with pytest.raises(FormatError, match="bad regular expression"):
        load_config(bad)
    bad.write_text("limits: {page_timeout_s: -1}\n")
    with pytest.raises(FormatError, match=">= 0"):
        load_config(bad)
    bad.write_text(": : :\n")
    with pytest.raises(FormatError, match="not valid YAML"):
        load_config(bad)
    good = tmp_path / "g.yaml"
    good.write_text(yaml.safe_dump({"recipes": {"dream": {"hosts": [A], "login_url": "/login"}}}))
    config = load_config(good)
    assert config.recipe_for(A) is not None and config.recipe_for(B) is None


def test_vault_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "vault.yaml"
    path.write_text("default: {username: u, password: p4ss}\n")
    path.chmod(0o644)
    with pytest.raises(InputError, match="chmod 600"):
        load_vault(path)
    path.chmod(0o600)
    vault = load_vault(path)
    assert vault.find("anything") is not None and "p4ss" not in repr(vault.find("x"))
    path.write_text("default: {username: u}\n")
    with pytest.raises(FormatError, match="username and password"):
        load_vault(path)


def test_gzip_bomb_is_decoded_only_up_to_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (64 << 20))
    body, cut = decode_body("gzip", bomb, 1 << 20)
    assert cut and len(body) == 1 << 20
    plain, cut = decode_body("gzip", gzip.compress(b"hello"), 1 << 20)
    assert plain == b"hello" and not cut
    raw_deflate = zlib.compressobj(wbits=-15)
    data = raw_deflate.compress(b"deflated") + raw_deflate.flush()
    assert decode_body("deflate", data, 100) == (b"deflated", False)


def test_deep_nesting_is_read_without_the_quadratic_parser() -> None:
    deep = b"<html><body>" + b"<div>" * 100_000 + b'<a href="/x">x</a><a href="/y">'
    view = analyse(deep, "text/html", f"http://{A}/", 4 << 20, 100, ())
    assert view.links == [f"http://{A}/x", f"http://{A}/y"]
    junk = bytes(range(256)) * 100
    assert analyse(junk, "image/png", f"http://{A}/", 1 << 20, 10, ()).links == []


def test_classify_tells_fronts_from_pages() -> None:
    url = f"http://{A}/listings"

    def verdict(status: int, body: str, **headers: str) -> str:
        view = analyse(body.encode(), "text/html", url, 1 << 20, 100, ())
        return classify(url, status, headers, view, None).kind

    assert verdict(303, "", location="/login?next=%2Flistings") == LOGIN
    queue = '<meta http-equiv="refresh" content="3;url=/listings"><p>You are in the queue</p>'
    assert verdict(200, queue) == QUEUE
    gate = '<form method="post" action="/queue"><img src="/captcha?c=1" alt="captcha">'
    assert verdict(200, gate + '<input name="captcha"></form>') == GATE
    assert verdict(429, "<p>Slow down</p>", **{"retry-after": "5"}) == BANNED
    assert verdict(403, "<h1>Banned</h1>") == BANNED
    assert verdict(200, '<a href="/listing/1">one</a>') == PAGE


def test_captcha_queue_is_answered_from_another_connection(tmp_path: Path) -> None:
    state = CrawlState(tmp_path)
    ident = state.add_captcha(A, f"http://{A}/captcha?c=1", str(tmp_path / "1.png"))
    assert pending_captchas(tmp_path) == [
        (ident, A, f"http://{A}/captcha?c=1", str(tmp_path / "1.png"))
    ]
    assert answer_captcha(tmp_path, ident, " K7P2Q ")
    assert state.captcha(ident) == ("answered", "K7P2Q")
    assert not answer_captcha(tmp_path, ident, "again")
    assert pending_captchas(tmp_path) == []
    state.close()
