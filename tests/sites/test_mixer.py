"""The mixer: valid, deterministic deposit addresses per order, signed letters, bad forms;
terms, status and fate that follow the range clock."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import httpx
import pytest

from darkrange.formats import armor_decode, parse_public_keys, segwit_decode
from darkrange.network import RangeClock, SiteContext
from darkrange.sites.mixer import build_app, mixer_week, valid_address
from darkrange.sites.mixer._orders import DELAY_HOURS, FEE_PERCENT
from tests.sites.otherfix import serve, served, tiny_world

DEST = "12NC4Fa3y274eJcwDg4hNqgvwBmFSzpssX"
DEST2 = "bc1ql7ns2j5y56hc9094j4nt9wdtz5yylcyahw6mxh"


def _deposit(html: str) -> str:
    found = re.search(r'<code class="deposit" id="deposit">([^<]+)</code>', html)
    assert found is not None
    return found.group(1)


def test_mix_hands_out_valid_deterministic_addresses(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    world = tiny_world(tmp_path_factory)
    site = served(world, "mixer")
    app = build_app(SiteContext(world, site, RangeClock(2)))
    with serve(app) as base, httpx.Client(base_url=base) as client:
        one = client.post("/mix", data={"address1": DEST, "delay": "12", "fee": "1.2"})
        again = client.post("/mix", data={"address1": DEST, "delay": "12", "fee": "1.2"})
        other = client.post(
            "/mix", data={"address1": DEST, "address2": DEST2, "percent1": "30", "percent2": "70"}
        )
        key_page = client.get("/pgp").text
        armored = client.get("/pgp.txt").text
        bad = [
            client.post("/mix", data={"address1": DEST[:-1] + "Y"}),
            client.post("/mix", data={}),
            client.post("/mix", data={"address1": DEST, "delay": "500"}),
            client.post("/mix", data={"address1": DEST, "address2": DEST2, "percent1": "50"}),
            client.post("/mix", content=b"\xff\xfe", headers={"content-type": "text/plain"}),
        ]
        huge = client.post(
            "/mix",
            content=b"a=" + b"x" * 100_000,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        pages = [client.get(p).status_code for p in ("/", "/fees", "/guarantee", "/mix")]
    assert one.status_code == 200 and other.status_code == 200
    first, second = _deposit(one.text), _deposit(other.text)
    assert first == _deposit(again.text) and first != second
    for address in (first, second):
        version, program = segwit_decode("bc", address)
        assert (version, len(program)) == (0, 20) and valid_address(address)
    letter = unescape(re.search(r'<pre class="letter">(.*?)</pre>', one.text, re.S).group(1))  # type: ignore[union-attr]
    assert letter.startswith("-----BEGIN PGP SIGNED MESSAGE-----")
    assert first in letter and DEST in letter and "BEGIN PGP SIGNATURE" in letter
    body = "\n".join(line for line in armored.splitlines() if not line.startswith("-----"))
    fingerprint = parse_public_keys(armor_decode(body)[0])[0].fingerprint
    assert fingerprint in key_page and fingerprint in one.text
    assert [r.status_code for r in bad] == [400] * 5
    assert huge.status_code == 413
    assert pages == [200] * 4


def _small_world(world: Path, dest: Path, **mixer: object) -> Path:
    """world.json and sites.json of `world`, the mixer's record changed by `mixer`."""
    dest.mkdir(parents=True)
    shutil.copy(world / "world.json", dest / "world.json")
    records = json.loads((world / "sites.json").read_text("utf-8"))
    for record in records:
        if record["kind"] == "mixer":
            record.update(mixer)
    (dest / "sites.json").write_text(json.dumps(records), encoding="utf-8")
    return dest


def test_terms_and_status_follow_the_clock(tmp_path_factory: pytest.TempPathFactory) -> None:
    world = tiny_world(tmp_path_factory)
    site = served(world, "mixer")
    seed = json.loads((world / "world.json").read_text("utf-8"))["seed"]
    first = mixer_week(seed, site.site_id, 0)
    week = next(
        w for w in range(1, 60) if mixer_week(seed, site.site_id, w).fees[0] > first.fees[0]
    )
    later = mixer_week(seed, site.site_id, week)
    assert (first.status, first.fees, first.delays) == ("online", FEE_PERCENT, DELAY_HOURS)
    assert mixer_week(seed, site.site_id, week) == later  # the same every time
    clock = RangeClock(3)
    cheap = {"address1": DEST, "delay": str(later.delays[0]), "fee": str(first.fees[0])}
    with (
        serve(build_app(SiteContext(world, site, clock))) as base,
        httpx.Client(base_url=base) as c,
    ):
        pages = [c.get("/").text, c.get("/fees").text]
        taken = c.post("/mix", data=cheap)
        clock.set_days(week * 7 + 2)
        moved = [c.get("/").text, c.get("/fees").text]
        refused = c.post("/mix", data=cheap)
        ok = c.post("/mix", data={**cheap, "fee": str(later.fees[0])})
    for page, terms in ((pages, first), (moved, later)):
        assert f'<b class="state">{terms.status}</b>' in page[0]
        assert f'<span class="reserve">{terms.reserve_btc}</span>' in page[0]
        assert f"{terms.fees[0]}% to {terms.fees[1]}%" in page[1]
        assert f"{terms.delays[0]} to {terms.delays[1]} hours" in page[1]
        if terms.notice:
            assert terms.notice in page[0] and terms.notice in page[1]
    assert later.notice and later.notice in moved[0] and later.notice not in pages[0]
    assert taken.status_code == 200 and ok.status_code == 200
    assert refused.status_code == 400 and f"fee must be {later.fees[0]}" in refused.text


@pytest.mark.parametrize(
    ("fate", "status", "words"),
    [("seizure", 200, "THIS HIDDEN SITE HAS BEEN SEIZED"), ("exit_scam", 503, "closing")],
)
def test_fate_replaces_every_page_from_its_week(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, fate: str, status: int, words: str
) -> None:
    world = _small_world(
        tiny_world(tmp_path_factory), tmp_path / "w", fate=fate, fate_week=2, opened_week=1
    )
    site = served(world, "mixer")
    clock = RangeClock(3)
    with (
        serve(build_app(SiteContext(world, site, clock))) as base,
        httpx.Client(base_url=base) as c,
    ):
        closed = c.get("/")
        clock.set_days(8)
        open_ = [c.get(p).status_code for p in ("/", "/fees", "/mix")]
        clock.set_days(14)
        gone = [c.get(p) for p in ("/", "/fees", "/pgp")] + [c.post("/mix", data={"a": "b"})]
    assert closed.status_code == 502
    assert open_ == [200, 200, 200]
    for answer in gone:
        assert answer.status_code == status and words in answer.text
