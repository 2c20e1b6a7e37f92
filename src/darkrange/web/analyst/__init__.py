"""The analysts' and trainees' pages of the web app: cases, search, links, chain, evidence.

Server-rendered; every page showing personal data is a justified consultation logged in the
case database as the signed-in user (darkrange.case), and case pages enforce membership.
Guide: docs/web-analyst.md.
"""

from __future__ import annotations

from fastapi import APIRouter

from darkrange.web.analyst import (
    _cases,
    _chain_pages,
    _disclosures,
    _evidence,
    _explore,
    _identity,
    _ops,
)

router = APIRouter()
for _part in (_cases, _disclosures, _evidence, _explore, _identity, _chain_pages, _ops):
    router.include_router(_part.router)

__all__ = ["router"]
