"""A KYC exchange's site: public pages and the legal-request desk for law enforcement.

    /                                   the exchange: buy and sell, verification tiers
    /fees                               fees and limits
    /law-enforcement                    guidelines for authorities
    /law-enforcement/request            the request form (GET) and the desk's answer (POST)
    /law-enforcement/answers/<ref>.html|.json?token=...   an answer, downloaded again

POST fields: case_reference, legal_basis, authority, officer, account_id, deposit_address,
email, and format=json for a JSON answer instead of the HTML document.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from darkrange.network import ASGIApp, RangeClock, SiteContext
from darkrange.sites.defences import HttpError, Request, Response, html, site_secret
from darkrange.sites.exchange._desk import (
    CustomerBook,
    RequestLog,
    missing_parts,
    request_fields,
)
from darkrange.sites.forum import ServiceSite, serve_site

DESK = "/law-enforcement"
JSON = "application/json"
STATIC = {"/": "index.html", "/fees": "fees.html", DESK: "guidelines.html"}


class ExchangeSite(ServiceSite):
    def __init__(
        self, book: CustomerBook, log: RequestLog, name: str, onion: str, clock: RangeClock
    ) -> None:
        super().__init__("darkrange.sites.exchange", name, clock)
        self.book = book
        self.log = log
        self.onion = onion

    def route(self, req: Request) -> Response:
        if req.path == DESK + "/request":
            if req.method == "POST":
                return self.answer(req)
            return self.page(req, "request.html")
        if req.method not in ("GET", "HEAD"):
            raise HttpError(405, "this page is read with GET")
        if req.path in STATIC:
            return self.page(req, STATIC[req.path])
        if req.path.startswith(DESK + "/answers/"):
            return self.download(req, req.path.rsplit("/", 1)[1])
        raise HttpError(404, "Page not found.")

    def answer(self, req: Request) -> Response:
        fields = request_fields(req.form())
        missing = missing_parts(fields)
        accounts, unmatched = ([], []) if missing else self.book.find(fields)
        outcome = "refused" if missing else ("answered" if accounts else "no_records")
        now = dt.datetime.now(dt.UTC)
        entry = self.log.append(
            {
                "time": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "world_day": self.clock.days,
                "site_id": self.log.site_id,
                "client": req.client,
                "outcome": outcome,
                "missing": missing,
                "request": fields,
                "accounts": [a.account_id for a in accounts],
                "unmatched": unmatched,
            },
            now.year,
        )
        wants_json = req.form().get("format", "").lower() == "json"
        return self._document(entry, "json" if wants_json else "html", 422 if missing else 200)

    def download(self, req: Request, filename: str) -> Response:
        reference, _, kind = filename.rpartition(".")
        if kind not in ("html", "json") or not reference:
            raise HttpError(404, "No such answer.")
        entry = self.log.find(reference)
        if entry is None or req.query.get("token", "") != self.log.token(reference):
            raise HttpError(404, "No such answer, or the link is incomplete.")
        return self._document(entry, kind, 200)

    def document(self, entry: dict[str, Any]) -> dict[str, Any]:
        """The answer as data: the request, the outcome and what is disclosed."""
        reference = entry["reference"]
        disclosed = [
            self.book.accounts[a.upper()].public()
            for a in entry.get("accounts", [])
            if a.upper() in self.book.accounts
        ]
        token = self.log.token(reference)
        return {
            "reference": reference,
            "exchange": self.name,
            "exchange_onion": self.onion,
            "issued": entry["time"],
            "outcome": entry["outcome"],
            "missing": entry.get("missing", []),
            "request": entry["request"],
            "accounts": disclosed,
            "unmatched": entry.get("unmatched", []),
            "downloads": {
                kind: f"{DESK}/answers/{reference}.{kind}?token={token}"
                for kind in ("html", "json")
            },
        }

    def _document(self, entry: dict[str, Any], kind: str, status: int) -> Response:
        doc = self.document(entry)
        if kind == "json":
            body = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
            disposition = f'attachment; filename="{doc["reference"]}.json"'
            return Response(status, body, JSON, [("content-disposition", disposition)])
        response = html(self.render("answer.html", doc=doc), status)
        response.headers.append(("x-reference", doc["reference"]))
        return response


def exchange_app(
    world: Path, site_id: str, name: str, onion: str = "", clock: RangeClock | None = None
) -> ExchangeSite:
    """The exchange `site_id` of a world folder as a handler; logs go to WORLD/.range/."""
    log = RequestLog(world / ".range", site_id, site_secret(site_id))
    return ExchangeSite(CustomerBook(world, site_id), log, name, onion, clock or RangeClock())


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "exchange"."""
    site = context.site
    return serve_site(
        exchange_app(context.world, site.site_id, site.name, site.onion, context.clock), context
    )
