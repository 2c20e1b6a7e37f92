"""The mixer: valid, deterministic deposit addresses per order, signed letters, bad forms."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from darkrange.formats import armor_decode, parse_public_keys, segwit_decode
from darkrange.network import RangeClock, SiteContext, load_sites
from darkrange.sites.mixer import build_app, valid_address
from tests.sites.otherfix import serve, tiny_world

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
    site = next(s for s in load_sites(world) if s.kind == "mixer")
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
