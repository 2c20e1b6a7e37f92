"""The crawler through the private Tor network (`range up --transport tor`): a market behind its
queue, CAPTCHA and login wall, reached at its own v3 onion address through a real Tor client's
SOCKS port with circuit isolation per site, exactly as on the real dark web."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from darkrange.collect.crawl import parse_config, run_crawl
from darkrange.collect.evidence import CaptureInfo, find_warcs, verify_warc
from tests.collect.test_crawl_range import (
    CONFIG,
    LISTING,
    page_rows,
    truth_listings,
    vault,
    warc_pages,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tor_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from darkrange.network.tor import tor_available

    if not tor_available():
        pytest.skip("Debian's tor is not installed (apt-get install -y tor): no private Tor")
    from darkrange.world.generate import generate

    out = tmp_path_factory.mktemp("crawl-tor-world") / "tiny"
    generate(11, "tiny", out)
    sites = json.loads((out / "sites.json").read_text())
    for site in sites:
        # every front stays (queue, CAPTCHA, login wall); only downtime and the page-rate
        # suspension go, which a short test cannot wait out
        guard = site.setdefault("anti_crawl", {})
        guard.update(uptime=1.0, suspend_after_pages_per_min=0, rate_limit_per_min=3000)
    (out / "sites.json").write_text(json.dumps(sites))
    os.environ["DARKRANGE_CRAWL_WORLD"] = str(out)  # for the test solver
    return out


@pytest.fixture(scope="module")
def tor_socks(tor_world: Path) -> Iterator[str]:
    from darkrange.network import range_down, range_up

    try:
        yield range_up(tor_world, "tor", timeout=400).socks
    finally:
        range_down(tor_world)


def test_market_behind_queue_captcha_and_login_through_private_tor(
    tor_world: Path, tor_socks: str, tmp_path: Path
) -> None:
    market = next(
        s for s in json.loads((tor_world / "sites.json").read_text()) if s["site_id"] == "market-1"
    )
    guard = market["anti_crawl"]
    assert guard["login_wall"] and guard["captcha"] and guard["queue"]
    config = json.loads(json.dumps(CONFIG))
    # the catalogue: listing index pages and every listing (Tor is slow; the rest is covered
    # through the direct gateway)
    config["scope"] = {"allow": [r"^/$", r"^/listings(\?|$)", r"^/listing/"]}
    config["politeness"].update(retries=4, backoff_base_s=1.0)
    config["limits"] = {"connect_timeout_s": 30, "read_timeout_s": 30, "page_timeout_s": 60}
    capture = CaptureInfo(collector="test", case="T-TOR", legal_basis="test range")
    report = run_crawl(
        tmp_path / "out",
        [f"http://{market['onion']}/"],
        f"socks5h://{tor_socks}",
        parse_config(config),
        vault(tmp_path, "torbot01"),
        capture,
    )
    site = report.sites[0]
    assert site["logins"] >= 1 and site["captchas"] >= 1, site
    assert report.queued == 0 and report.failed == 0 and not site["stopped"]
    rows = page_rows(tmp_path / "out")
    got = {
        m.group(1)
        for url, status, _ in rows
        if status == 200 and (m := LISTING["dream"].search(url))
    }
    assert got == truth_listings(tor_world, market["onion"])
    # every page once in the WARC, and every WARC verifies (warc_pages checks it too)
    counts = warc_pages(tmp_path / "out")
    assert set(counts) == {u for u, status, _ in rows if status == 200}
    assert max(counts.values()) == 1
    assert all(verify_warc(path).ok for path in find_warcs(tmp_path / "out"))
