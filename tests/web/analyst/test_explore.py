"""Pages over the crawled world: search with filters, selectors, sites, accounts, identities
with their evidence and human decisions, and the link graph's data."""

from __future__ import annotations

import csv
import html
import json
from typing import Any

from sqlalchemy import select

from darkrange.case._schema_log import AuditEntry
from tests.web.analyst.conftest import Setup
from tests.web.conftest import csrf_of

WHY = "vendor profiling for the case"


def linked(setup: Setup) -> dict[str, Any]:
    """An identity of several accounts linked by the same PGP key."""
    data = json.loads((setup.data.links / "identities.json").read_text(encoding="utf-8"))
    for ident in data["identities"]:
        for link in ident["links"]:
            if any(e["kind"] == "same_key" for e in link["evidence"]):
                return dict(ident)
    raise AssertionError("the world has no identity linked by a key")


def test_search_with_filters_finds_records_and_logs_the_consultation(analyst: Setup) -> None:
    ana = analyst.client("ana")
    assert 'name="why"' in ana.get("/search", params={"q": "stealth"}).text
    hits = ana.get("/search", params={"q": "stealth", "why": WHY})
    assert hits.status_code == 200 and "[stealth]" in hits.text.lower()
    every = ana.get("/search", params={"q": "shipping", "why": WHY}).text
    assert 'class="pill">vendors<' in every and 'class="pill">listings<' in every
    only = ana.get("/search", params={"q": "shipping", "kind": "vendors", "why": WHY}).text
    assert 'class="pill">vendors<' in only and 'class="pill">listings<' not in only
    none = ana.get("/search", params={"q": "stealth", "from": "2099-01-01", "why": WHY})
    assert "Nothing matches" in none.text
    bad = ana.get("/search", params={"q": "stealth", "from": "yesterday", "why": WHY})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    with analyst.store.session() as session:
        logged = session.execute(
            select(AuditEntry.object).where(AuditEntry.justification == WHY)
        ).scalars()
        assert set(logged) == {"search:stealth", "search:shipping"}


def test_selector_account_site_and_identity_pages_show_the_linked_evidence(
    analyst: Setup,
) -> None:
    ana = analyst.client("ana")
    ident = linked(analyst)
    first, second = ident["accounts"][0], ident["accounts"][1]
    page = ana.get(f"/identity/{ident['identity_id']}", params={"why": WHY})
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert first["handle"] in text and second["handle"] in text
    key = next(
        e["fingerprint"] for link in ident["links"] for e in link["evidence"]
        if e["kind"] == "same_key"
    )  # fmt: skip
    assert f"same PGP key {key}" in text and 'value="confirm"' in text
    account = html.unescape(
        ana.get(
            "/accounts", params={"site": first["site"], "handle": first["handle"], "why": WHY}
        ).text
    )
    assert ident["identity_id"] in account and key.lower() in account.lower()
    site = html.unescape(ana.get("/site", params={"onion": first["site"], "why": WHY}).text)
    assert first["handle"] in site and ident["identity_id"] in site
    mentions = html.unescape(ana.get("/selector", params={"value": key, "why": WHY}).text)
    assert first["handle"] in mentions and second["handle"] in mentions


def test_a_decision_on_a_link_is_kept_as_the_link_workflow_keeps_it(analyst: Setup) -> None:
    ana = analyst.client("ana")
    ident = linked(analyst)
    link = ident["links"][0]
    path = f"/identity/{ident['identity_id']}/decide"
    form = {
        "decision": "confirm", "a_site": link["a"]["site"], "a_handle": link["a"]["handle"],
        "b_site": link["b"]["site"], "b_handle": link["b"]["handle"],
        "reason": "same key, checked by hand", "why": WHY,
    }  # fmt: skip
    assert ana.post(path, data=form).status_code == 403  # no CSRF token
    assert not (analyst.server.app.state.config.links / "decisions.csv").exists()
    token = csrf_of(ana, f"/identity/{ident['identity_id']}?why=x1x")
    done = ana.post(path, data={**form, "csrf_token": token})
    assert done.status_code == 303
    with (analyst.server.app.state.config.links / "decisions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["decision"], r["by"], r["reason"]) for r in rows] == [
        ("confirm", "ana", "same key, checked by hand")
    ]
    page = ana.get(done.headers["location"])
    assert "confirmed by ana" in page.text
    with analyst.store.session() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "combination")
        ).scalar_one()
    assert entry.user == "ana" and "same key, checked by hand" in entry.justification
    no_reason = ana.post(path, data={**form, "reason": "", "csrf_token": token})
    assert no_reason.status_code == 400


def test_the_link_graph_has_every_kind_and_evidence_on_every_edge(analyst: Setup) -> None:
    ana = analyst.client("ana")
    page = ana.get("/graph", params={"why": WHY})
    assert page.status_code == 200
    assert "/static/vendor/cytoscape/dist/cytoscape.min.js" in page.text
    assert "/static/analyst/graph.js" in page.text and "<script>" not in page.text
    assert ana.get("/graph.json").status_code == 400  # no justification
    data = ana.get("/graph.json", params={"why": WHY}).json()
    kinds = {n["data"]["kind"] for n in data["nodes"]}
    assert {"identity", "account", "site", "key"} <= kinds
    ids = {n["data"]["id"] for n in data["nodes"]}
    assert data["edges"] and all(e["data"]["evidence"] for e in data["edges"])
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in data["edges"])
    links = [e["data"] for e in data["edges"] if e["data"]["kind"] == "link"]
    assert any("same PGP key" in text for e in links for text in e["evidence"])
    ident = linked(analyst)
    one = ana.get("/graph.json", params={"why": WHY, "identity": ident["identity_id"]}).json()
    accounts = [n for n in one["nodes"] if n["data"]["kind"] == "account"]
    assert len(accounts) == len(ident["accounts"])
    static = ana.get("/static/analyst/graph.js")
    assert static.status_code == 200 and "cytoscape(" in static.text
