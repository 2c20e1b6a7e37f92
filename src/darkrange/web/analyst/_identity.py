"""An identity from the link output with the evidence of each link and the human decision
(confirm or reject, as `darkrange link confirm|reject`), and the interactive link graph."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from darkrange.case import record
from darkrange.errors import InputError
from darkrange.web._auth import WebUser, actor
from darkrange.web.analyst._common import (
    AnalystUser,
    ask_why,
    audit_object,
    clean_why,
    config_of,
    consulted,
    folder,
    not_configured,
    page,
    with_why,
)
from darkrange.web.analyst._graph import link_graph
from darkrange.web.analyst._links import decide, decisions_in_force, link_decision, load_links
from darkrange.web.analyst._records import profile_selectors

router = APIRouter()


@router.get("/identity/{identity_id}", response_class=HTMLResponse)
def identity_page(request: Request, identity_id: str, user: WebUser = AnalystUser) -> HTMLResponse:
    links_dir = folder(config_of(request).links)
    if links_dir is None:
        return not_configured(request, user, "the link output", "--links DIR")
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        return ask_why(request, user, f"identity {identity_id}")
    out = load_links(links_dir)
    identity = out.by_id.get(identity_id)
    if identity is None:
        raise InputError(f"no identity {identity_id} in the link output")
    decisions = decisions_in_force(links_dir)
    rows: list[dict[str, Any]] = [
        {"link": link, "decision": link_decision(link, decisions)}
        for link in identity.get("links", [])
    ]
    consulted(request, f"identity:{identity_id}", why)
    return page(
        request, "identity.html", user, identity=identity, rows=rows, why=why,
        held_back=[h for h in out.held_back if _touches(h, identity)],
    )  # fmt: skip


def _touches(item: dict[str, Any], identity: dict[str, Any]) -> bool:
    mine = {(str(a["site"]), str(a["handle"])) for a in identity.get("accounts", [])}
    ends = [item.get("a") or {}, item.get("b") or {}]
    return any((str(e.get("site")), str(e.get("handle"))) in mine for e in ends)


@router.post("/identity/{identity_id}/decide", response_model=None)
def identity_decide(
    request: Request,
    identity_id: str,
    decision: str = Form(...),
    a_site: str = Form(...),
    a_handle: str = Form(...),
    b_site: str = Form(...),
    b_handle: str = Form(...),
    reason: str = Form(""),
    why: str = Form(""),
    user: WebUser = AnalystUser,
) -> RedirectResponse:
    """A person confirms or rejects a suggested link; kept with who, when and why (Art. 11)."""
    links_dir = folder(config_of(request).links)
    if links_dir is None:
        raise InputError("no link output is configured (--links DIR)")
    if decision not in ("confirm", "reject"):
        raise InputError("the decision is confirm or reject")
    if len(reason.strip()) < 3:
        raise InputError("a decision on a link needs a reason")
    a, b = (a_site.strip().lower(), a_handle.strip()), (b_site.strip().lower(), b_handle.strip())
    # the audit entry and the decision stand or fall together: the entry is written inside the
    # unit of work, the decision just before it commits
    with actor(request) as act:
        record(act, "combination", None, audit_object(f"link:{a[0]}:{a[1]}~{b[0]}:{b[1]}"),
               f"{decision}: {reason.strip()}")  # fmt: skip
        decide(links_dir, decision, a, b, user.username, reason.strip())
    target = with_why(f"/identity/{identity_id}", clean_why(why) or "after a decision")
    return RedirectResponse(target, status_code=303)


@router.get("/graph", response_class=HTMLResponse)
def graph_page(request: Request, user: WebUser = AnalystUser) -> HTMLResponse:
    links_dir = folder(config_of(request).links)
    if links_dir is None:
        return not_configured(request, user, "the link output", "--links DIR")
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        return ask_why(request, user, "the link graph")
    identity = request.query_params.get("identity", "")
    data_url = with_why("/graph.json", why, identity=identity)
    return page(request, "graph.html", user, why=why, identity=identity, data_url=data_url)


@router.get("/graph.json")
def graph_data(request: Request, user: WebUser = AnalystUser) -> JSONResponse:
    config = config_of(request)
    links_dir = folder(config.links)
    if links_dir is None:
        raise InputError("no link output is configured (--links DIR)")
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        raise InputError("the link graph needs a justification (why)")
    identity = request.query_params.get("identity") or None
    index = folder(config.index)
    selectors = profile_selectors(index) if index is not None else None
    elements = link_graph(load_links(links_dir), selectors, identity)
    consulted(request, f"graph:{identity or 'all'}", why)
    return JSONResponse(elements)
