"""Pages over crawled data: search, a site, an account (a handle on a site), a selector."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from darkrange.web._auth import WebUser
from darkrange.web.analyst import _records as records
from darkrange.web.analyst._common import (
    AnalystUser,
    ask_why,
    clean_why,
    config_of,
    consulted,
    folder,
    not_configured,
    page,
)
from darkrange.web.analyst._links import load_links

router = APIRouter()

FILTERS = ("q", "site", "category", "language", "vendor", "kind", "from", "to", "selector")


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, user: WebUser = AnalystUser) -> HTMLResponse:
    index = folder(config_of(request).index)
    if index is None:
        return not_configured(request, user, "the search index", "--index DIR")
    form = {k: request.query_params.get(k, "") for k in (*FILTERS, "limit")}
    why = clean_why(request.query_params.get("why"))
    asked = any(form[k].strip() for k in ("q", "selector"))
    if asked and len(why) < 3:
        return ask_why(request, user, "this search")
    hits = []
    if asked:
        query = records.build_query(form)
        hits = records.run_search(index, query)
        consulted(request, f"search:{form['q'] or form['selector']}", why)
    return page(
        request, "search.html", user, form=form, why=why, hits=hits, asked=asked,
        kinds=records.KINDS,
    )  # fmt: skip


@router.get("/site", response_class=HTMLResponse)
def site_page(request: Request, onion: str, user: WebUser = AnalystUser) -> HTMLResponse:
    config = config_of(request)
    index, links_dir = folder(config.index), folder(config.links)
    if index is None and links_dir is None:
        return not_configured(
            request, user, "the search index or the link output", "--index DIR or --links DIR"
        )
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        return ask_why(request, user, f"site {onion}")
    onion = onion.strip().lower()
    name: str | None = None
    counts: dict[str, int] = {}
    rows: list[records.Row] = []
    if index is not None:
        name, counts = records.site_summary(index, onion)
        rows = records.site_records(index, onion)
    accounts = load_links(links_dir).accounts_on(onion) if links_dir is not None else []
    consulted(request, f"site:{onion}", why)
    return page(
        request, "site.html", user, onion=onion, name=name, counts=counts, rows=rows,
        accounts=accounts, why=why,
    )  # fmt: skip


@router.get("/accounts", response_class=HTMLResponse)
def account_page(
    request: Request, site: str, handle: str, user: WebUser = AnalystUser
) -> HTMLResponse:
    config = config_of(request)
    index, links_dir = folder(config.index), folder(config.links)
    if index is None and links_dir is None:
        return not_configured(
            request, user, "the search index or the link output", "--index DIR or --links DIR"
        )
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        return ask_why(request, user, f"account {handle}")
    site = site.strip().lower()
    identity = load_links(links_dir).identity_of(site, handle) if links_dir else None
    selectors = records.account_selectors(index, site, handle) if index else []
    rows = records.account_records(index, site, handle) if index else []
    consulted(request, f"account:{site}:{handle}", why)
    return page(
        request, "account.html", user, site=site, handle=handle, identity=identity,
        selectors=selectors, rows=rows, why=why,
    )  # fmt: skip


@router.get("/selector", response_class=HTMLResponse)
def selector_page(request: Request, value: str, user: WebUser = AnalystUser) -> HTMLResponse:
    index = folder(config_of(request).index)
    if index is None:
        return not_configured(request, user, "the search index", "--index DIR")
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        return ask_why(request, user, f"selector {value}")
    hits = records.run_search(index, records.build_query({"selector": value, "limit": "200"}))
    consulted(request, f"selector:{value.strip()}", why)
    return page(request, "selector.html", user, value=value.strip(), hits=hits, why=why)
