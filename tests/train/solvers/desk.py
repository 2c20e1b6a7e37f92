"""The legal request, sent to the exchange's law-enforcement desk as a trainee would."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from darkrange.network import RangeClock, SiteContext, load_sites
from darkrange.sites.exchange import build_app


def legal_request(world: Path, exchange_onion: str, deposit: str) -> dict[str, str]:
    site = next(s for s in load_sites(world) if s.onion == exchange_onion)
    app = build_app(SiteContext(world, site, RangeClock(20)))
    form = {
        "case_reference": "CASE-TRAIN-1",
        "legal_basis": "court order 2026/114",
        "deposit_address": deposit,
        "format": "json",
    }

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as client:
            return await client.post("/law-enforcement/request", data=form)

    answer = asyncio.run(ask())
    answer.raise_for_status()
    [account] = answer.json()["accounts"]
    return {"account": str(account["account_id"]), "holder": str(account["name"])}
