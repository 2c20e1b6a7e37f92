"""Case pages over a real case store: consultation with a justification, items, evidence with
hashes and custody, replay without scripts, need to know, and the four-eyes export."""

from __future__ import annotations

import json
import re

import httpx
from sqlalchemy import select

from darkrange.case._schema_case import Disclosure
from darkrange.case._schema_log import AuditEntry
from tests.web.analyst.conftest import Setup
from tests.web.conftest import csrf_of

WHY = "weekly review of the case"


def audit(setup: Setup, action: str) -> list[AuditEntry]:
    with setup.store.session() as session:
        rows = session.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars()
        return list(rows)


def test_case_overview_asks_why_then_shows_items_and_logs_it(analyst: Setup) -> None:
    ana = analyst.client("ana")
    listing = ana.get("/cases")
    assert listing.status_code == 200 and "Vendor xXRabbitXx" in listing.text
    asked = ana.get(f"/cases/{analyst.case_id}")
    assert asked.status_code == 200 and 'name="why"' in asked.text
    assert not [e for e in audit(analyst, "consultation") if e.justification == WHY]
    page = ana.get(f"/cases/{analyst.case_id}", params={"why": WHY})
    assert page.status_code == 200
    text = page.text
    assert "xXRabbitXx" in text and "supervises the case" in text
    assert "test buy to the vendor" in text
    sha = re.search(r"SHA-256 <code>([0-9a-f]{64})</code>", text)
    assert sha and "collected" in text
    logged = [e for e in audit(analyst, "consultation") if e.justification == WHY]
    assert [(e.user, e.case_id, e.object) for e in logged] == [
        ("ana", analyst.case_id, f"case:{analyst.case_id}")
    ]


def test_a_non_member_sees_nothing_of_the_case(analyst: Setup) -> None:
    tom = analyst.client("tom")
    assert "Vendor xXRabbitXx" not in tom.get("/cases").text
    params = {"why": "curious about it"}
    for path in (
        f"/cases/{analyst.case_id}",
        f"/cases/{analyst.case_id}/traces/{analyst.trace_id}",
        f"/evidence/{analyst.evidence_id}",
    ):
        for query in ({}, params):
            answer = tom.get(path, params=query)
            assert answer.status_code == 403, (path, query)
            assert "Vendor xXRabbitXx" not in answer.text
    replay = tom.get(f"/evidence/{analyst.evidence_id}/replay/0/http://x/")
    assert replay.status_code == 403
    assert not [e for e in audit(analyst, "consultation") if e.user == "tom"]


def test_auditors_and_admins_get_no_analyst_pages(analyst: Setup) -> None:
    for name in ("aud", "root"):
        client = analyst.client(name)
        for path in ("/cases", "/search", "/graph", "/captcha", "/trace"):
            assert client.get(path).status_code == 403, (name, path)


def test_case_trace_shows_hops_with_amounts_times_and_a_picture(analyst: Setup) -> None:
    ana = analyst.client("ana")
    path = f"/cases/{analyst.case_id}/traces/{analyst.trace_id}"
    assert 'name="why"' in ana.get(path).text
    page = ana.get(path, params={"why": WHY})
    assert page.status_code == 200
    assert "aa" * 32 in page.text and "bb" * 32 in page.text
    assert "0.01500000" in page.text and "2030-01-01T11:00:00Z" in page.text
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert svg.count("<rect") == 2 and svg.count("<line") == 1 and "0.01490000 BTC" in svg


def test_evidence_viewer_shows_hashes_custody_and_replays_without_scripts(
    analyst: Setup,
) -> None:
    ana = analyst.client("ana")
    page = ana.get(f"/evidence/{analyst.evidence_id}", params={"why": "court file"})
    assert page.status_code == 200
    assert re.search(r"<code>[0-9a-f]{64}</code>", page.text)
    assert "collected" in page.text and "intact" in page.text
    frame = re.search(
        r'<iframe class="replay" sandbox="allow-same-origin"[^>]* src="([^"]+)"', page.text
    )
    assert frame, "no sandboxed replay frame"
    src = frame.group(1).replace("&amp;", "&")
    replayed = ana.get(src)
    assert replayed.status_code == 200
    csp = replayed.headers["content-security-policy"]
    assert "script-src 'none'" in csp and "connect-src 'none'" in csp
    assert replayed.headers["x-frame-options"] == "SAMEORIGIN"
    assert "<script" not in replayed.text.lower() and "darkrange replay" in replayed.text
    base = src.split("/replay/", 1)[1].split("/", 1)[1].rstrip("/")
    script = ana.get(src.split("/replay/")[0] + "/replay/0/" + base.split("/page")[0] + "/app.js")
    assert script.status_code in (403, 404) and "steal" not in script.text
    assert [
        e.object for e in audit(analyst, "consultation") if e.justification == "court file"
    ] == [f"evidence:{analyst.evidence_id}"]


def post(client: httpx.Client, path: str, data: dict[str, str], page: str) -> httpx.Response:
    token = csrf_of(client, page)
    return client.post(path, data={**data, "csrf_token": token})


def test_export_needs_another_supervisors_approval_then_downloads_once(analyst: Setup) -> None:
    ana, sue = analyst.client("ana"), analyst.client("sue")
    case_page = f"/cases/{analyst.case_id}?why=export"
    ask = {"format": "stix", "recipients": "Europol, Police NL", "justification": "JIT request"}
    no_token = ana.post(f"/cases/{analyst.case_id}/disclosures", data=ask)
    assert no_token.status_code == 403
    made = post(ana, f"/cases/{analyst.case_id}/disclosures", ask, case_page)
    assert made.status_code == 303
    with analyst.store.session() as session:
        request_id = session.execute(select(Disclosure.id)).scalar_one()
    early = post(ana, f"/disclosures/{request_id}/download", {}, case_page)
    assert early.status_code == 409 and "approve" in early.text
    analyst_decides = post(
        ana, f"/disclosures/{request_id}/decide", {"decision": "approve", "justification": "ok"},
        case_page,
    )  # fmt: skip
    assert analyst_decides.status_code == 403
    approved = post(
        sue, f"/disclosures/{request_id}/decide",
        {"decision": "approve", "justification": "necessary and proportionate"}, case_page,
    )  # fmt: skip
    assert approved.status_code == 303
    not_hers = post(sue, f"/disclosures/{request_id}/download", {}, case_page)
    assert not_hers.status_code == 403
    got = post(ana, f"/disclosures/{request_id}/download", {}, case_page)
    assert got.status_code == 200, got.text
    assert "attachment" in got.headers["content-disposition"]
    bundle = json.loads(got.content)
    assert bundle["type"] == "bundle" and any(
        o["type"] == "user-account" for o in bundle["objects"]
    )
    again = post(ana, f"/disclosures/{request_id}/download", {}, case_page)
    assert again.status_code == 409
    sent = audit(analyst, "disclosure")
    assert [(e.user, sorted(e.recipients)) for e in sent] == [("ana", ["Europol", "Police NL"])]


def test_a_supervisor_cannot_approve_their_own_request(analyst: Setup) -> None:
    sue = analyst.client("sue")
    case_page = f"/cases/{analyst.case_id}?why=export"
    ask = {"format": "graphml", "recipients": "Prosecutor", "justification": "court"}
    assert post(sue, f"/cases/{analyst.case_id}/disclosures", ask, case_page).status_code == 303
    with analyst.store.session() as session:
        request_id = session.execute(select(Disclosure.id)).scalar_one()
    own = post(
        sue, f"/disclosures/{request_id}/decide", {"decision": "approve", "justification": "ok"},
        case_page,
    )  # fmt: skip
    assert own.status_code == 403 and "four eyes" in own.text
    with analyst.store.session() as session:
        assert session.get(Disclosure, request_id).status == "pending"  # type: ignore[union-attr]
