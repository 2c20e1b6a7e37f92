"""The exchange's legal desk: answers complete requests with the right account, refuses each
incomplete one saying what is missing, and logs every request."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from darkrange.network import RangeClock, SiteContext
from darkrange.sites.exchange import LOG_NAME, build_app
from tests.sites.otherfix import serve, served, tiny_world, truth_csv

DESK = "/law-enforcement/request"
BASIS = {"case_reference": "CASE-2026-17", "legal_basis": "CPC art. 165, order 2026/114"}


def _log(world: Path) -> list[dict[str, object]]:
    path = world / ".range" / LOG_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_complete_requests_are_answered_with_the_right_account(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    world = tiny_world(tmp_path_factory)
    site = served(world, "exchange")
    truth = {row["account_id"]: row for row in truth_csv(world, "exchange_accounts.csv")}
    rows = pq.read_table(world / "content/exchange_accounts.parquet").to_pylist()
    funded = next(r for r in rows if r["deposit_addresses"] != "[]")
    before = len(_log(world))
    app = build_app(SiteContext(world, site, RangeClock(5)))
    with serve(app) as base, httpx.Client(base_url=base) as client:
        asks = [
            {"account_id": funded["account_id"]},
            {"email": funded["email"].upper()},
            {"deposit_address": json.loads(funded["deposit_addresses"])[0]},
        ]
        answers = [client.post(DESK, data={**BASIS, **ask, "format": "json"}) for ask in asks]
        page = client.post(DESK, data={**BASIS, "account_id": funded["account_id"]})
        docs = [a.json() for a in answers]
        again = client.get(docs[0]["downloads"]["json"])
        forged = client.get(docs[0]["downloads"]["json"].replace("token=", "token=0"))
        nobody = client.post(DESK, data={**BASIS, "email": "nobody@example.org", "format": "json"})
    for answer, doc in zip(answers, docs, strict=True):
        assert answer.status_code == 200
        assert doc["reference"] in answer.headers["content-disposition"]
        assert doc["outcome"] == "answered"
        [account] = doc["accounts"]
        assert account["account_id"] == funded["account_id"]
        assert account["name"] == truth[funded["account_id"]]["name"]
        assert account["email"] == truth[funded["account_id"]]["email"]
    assert page.status_code == 200 and funded["name"] in page.text
    assert again.json()["accounts"] == docs[0]["accounts"] and forged.status_code == 404
    assert nobody.json()["outcome"] == "no_records" and nobody.json()["accounts"] == []
    log = _log(world)[before:]
    assert [e["outcome"] for e in log] == ["answered"] * 4 + ["no_records"]
    assert len({e["reference"] for e in log}) == 5
    assert all(e["request"]["case_reference"] == BASIS["case_reference"] for e in log)


@pytest.mark.parametrize(
    ("drop", "missing"),
    [
        ("case_reference", "case reference"),
        ("legal_basis", "legal basis"),
        ("account_id", "an account"),
    ],
)
def test_incomplete_requests_are_refused_and_logged(
    tmp_path_factory: pytest.TempPathFactory, drop: str, missing: str
) -> None:
    world = tiny_world(tmp_path_factory)
    site = served(world, "exchange")
    account = truth_csv(world, "exchange_accounts.csv")[0]
    form = {**BASIS, "account_id": account["account_id"]}
    del form[drop]
    before = len(_log(world))
    app = build_app(SiteContext(world, site, RangeClock(0)))
    with serve(app) as base, httpx.Client(base_url=base) as client:
        refused = client.post(DESK, data=form)
        malformed = client.post(DESK, content=b"%%%", headers={"content-type": "text/plain"})
    assert refused.status_code == 422
    items = re.findall(r'<li class="missing">([^<]+)</li>', refused.text)
    assert len(items) == 1 and missing in items[0]
    assert account["name"] not in refused.text and account["email"] not in refused.text
    assert malformed.status_code == 400
    [entry] = _log(world)[before:]
    assert entry["outcome"] == "refused" and entry["accounts"] == []
    assert entry["reference"] == refused.headers["x-reference"]
