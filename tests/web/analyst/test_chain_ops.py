"""Chain pages (cluster, trace) over a real chain store; the CAPTCHA queue of a crawl; the
watchlist alerts; and pages whose data is not configured."""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from darkrange.case import Store
from darkrange.chain import ChainStore, cluster_addresses, import_tags
from darkrange.chain._graph import load_graph
from darkrange.chain._trace import Start, trace
from darkrange.chain._wallets import graph_clusters
from darkrange.web import WebConfig, create_app
from tests.web.analyst.conftest import PNG, Setup
from tests.web.conftest import Server, csrf_of, sign_in

WHY = "follow the test-buy payment"


def largest_cluster(store: Path) -> tuple[str, int, list[str]]:
    """The largest cluster as `darkrange chain cluster` writes it: (id, size, addresses)."""
    table, _ = cluster_addresses(ChainStore.open(store))
    rows = table.to_pylist()
    sizes = Counter(r["cluster_id"] for r in rows)
    cluster, size = max(sorted(sizes.items()), key=lambda t: t[1])
    return cluster, size, sorted(r["address"] for r in rows if r["cluster_id"] == cluster)


def test_cluster_page_lists_addresses_tags_and_exposure(analyst: Setup, tmp_path: Path) -> None:
    ana = analyst.client("ana")
    cluster, size, addresses = largest_cluster(analyst.data.chain)
    assert size > 1
    # a copy of the store with two sanctions tags: one of the cluster's own addresses, and an
    # address its money reached (found with the chain tools' own trace)
    store = Path(shutil.copytree(analyst.data.chain, tmp_path / "chain"))
    graph = load_graph(ChainStore.open(store))
    hop = trace(graph, Start("cluster", cluster), hops=3, clusters=graph_clusters(graph))
    paid = next(h.address for h in hop.hops if h.address and h.address not in addresses)
    (tmp_path / "sdn_xbt.txt").write_text(f"{addresses[1]}\n{paid}\n", encoding="utf-8")
    with ChainStore.writer(store) as chain:
        import_tags(chain, [tmp_path / "sdn_xbt.txt"])
    analyst.server.app.state.config.chain = store
    page = ana.get("/cluster", params={"address": addresses[-1], "why": WHY})
    assert page.status_code == 200
    assert f"Cluster <code>{cluster}</code>" in page.text
    assert f"{size} addresses" in page.text
    assert all(a in page.text for a in addresses)
    tags = page.text.split("<h2>Tags</h2>", 1)[1].split("<h2>", 1)[0]
    assert addresses[1] in tags and "OFAC SDN" in tags and paid not in tags
    exposure = page.text.split("<h2>Exposure", 1)[1].split("<h2>", 1)[0]
    assert "<td>out</td><td>abuse:sanction</td>" in exposure
    unknown = ana.get("/cluster", params={"address": "bc1qnotthere", "why": WHY})
    assert unknown.status_code == 400 and "not in the store" in unknown.text


def test_trace_page_shows_hops_amounts_times_and_a_picture(analyst: Setup) -> None:
    ana = analyst.client("ana")
    _, _, addresses = largest_cluster(analyst.data.chain)
    form = ana.get("/trace")
    assert form.status_code == 200 and 'name="value"' in form.text
    params = {"kind": "address", "value": addresses[0], "hops": "3", "why": WHY}
    page = ana.get("/trace", params=params)
    assert page.status_code == 200
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td><code>([0-9a-f]{64})</code></td>'
        r"<td>([0-9T:Z-]+)</td>",
        page.text,
    )
    assert rows and {int(r[0]) for r in rows} >= {0, 1}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r[2]) for r in rows)
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert svg.count("<rect") == len({r[1] for r in rows}) and " BTC</text>" in svg
    bad = ana.get("/trace", params={**params, "model": "guess"})
    assert bad.status_code == 400


def test_captcha_queue_shows_the_image_and_sends_the_answer_to_the_crawl(analyst: Setup) -> None:
    ana = analyst.client("ana")
    page = ana.get("/captcha")
    found = re.search(r'<img src="(/captcha/0/(\d+)\.png)"', page.text)
    assert found
    image = ana.get(found.group(1))
    assert image.status_code == 200 and image.content == PNG
    path = f"/captcha/0/{found.group(2)}"
    assert ana.post(path, data={"answer": "k7x2p"}).status_code == 403  # no CSRF token
    token = csrf_of(ana, "/captcha")
    assert ana.post(path, data={"answer": "k7x2p", "csrf_token": token}).status_code == 303
    crawl = analyst.server.app.state.config.crawls[0]
    with sqlite3.connect(crawl / "crawl-state.sqlite") as db:
        row = db.execute("SELECT status, answer FROM captchas WHERE id = ?", (found.group(2),))
        assert row.fetchone() == ("answered", "k7x2p")
    assert ana.post(path, data={"answer": "again", "csrf_token": token}).status_code == 409
    assert "Nothing waiting" in ana.get("/captcha").text


def test_alerts_are_listed_and_acknowledged(analyst: Setup) -> None:
    ana = analyst.client("ana")
    state = analyst.server.app.state.config.watch
    raised = [json.loads(line) for line in (state / "alerts.jsonl").read_text().splitlines()]
    assert 'name="why"' in ana.get("/alerts").text
    page = html.unescape(ana.get("/alerts", params={"why": "triage"}).text)
    assert page.count('name="alert_id"') == len(raised) and "stealthy" in page
    first = raised[0]["alert_id"]
    forged = ana.post("/alerts/ack", data={"state": "0", "alert_id": first, "note": "x"})
    assert forged.status_code == 403 and not (state / "acknowledged.json").exists()
    token = csrf_of(ana, "/alerts?why=triage")
    done = ana.post(
        "/alerts/ack", data={"state": "0", "alert_id": first, "note": "seen", "csrf_token": token}
    )
    assert done.status_code == 303
    acks = json.loads((state / "acknowledged.json").read_text())
    assert acks[first]["by"] == "ana" and acks[first]["note"] == "seen"
    after = ana.get("/alerts", params={"why": "triage"}).text
    assert first not in after and after.count('name="alert_id"') == len(raised) - 1
    everything = ana.get("/alerts", params={"why": "triage", "all": "1"}).text
    assert "acknowledged by ana" in everything
    twice = ana.post("/alerts/ack", data={"state": "0", "alert_id": first, "csrf_token": token})
    assert twice.status_code == 400
    assert analyst.client("tom").get("/alerts", params={"why": "x1x"}).status_code == 403


def test_pages_whose_data_is_not_configured_say_so(
    web_config: WebConfig, web_store: Store, serve: Callable[[FastAPI], Server]
) -> None:
    server = serve(create_app(web_config, web_store))
    with server.client() as ana:
        assert sign_in(ana, "ana").status_code == 303
        for path in ("/search", "/graph", "/trace", "/captcha", "/alerts", "/identity/ID-1"):
            answer = ana.get(path, params={"why": WHY})
            assert answer.status_code == 200 and "Not configured" in answer.text, path
        assert ana.get("/cluster", params={"address": "x", "why": WHY}).status_code == 200
