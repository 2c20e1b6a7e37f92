"""Chain pages: a cluster (addresses, tags, exposure) and a trace (hops with amounts and
times, as a table and a picture), both computed by darkrange.chain over the chain store."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from darkrange.errors import InputError
from darkrange.web._auth import WebUser
from darkrange.web.analyst._chainview import MODELS, cluster_view, run_trace
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
from darkrange.web.analyst._picture import picture, rows_of_trace

router = APIRouter()


@router.get("/cluster", response_class=HTMLResponse)
def cluster_page(request: Request, address: str, user: WebUser = AnalystUser) -> HTMLResponse:
    store = folder(config_of(request).chain)
    if store is None:
        return not_configured(request, user, "the chain store", "--chain DIR")
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        return ask_why(request, user, f"the cluster of {address}")
    hops = _int(request.query_params.get("hops", "3"), "hops", 1, 6)
    view = cluster_view(store, address, hops)
    consulted(request, f"cluster:{view.cluster_id}", why)
    return page(request, "cluster.html", user, view=view, why=why, hops=hops)


def _int(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"{what} must be a number") from None
    if not low <= value <= high:
        raise InputError(f"{what} must be between {low} and {high}")
    return value


@router.get("/trace", response_class=HTMLResponse)
def trace_page(request: Request, user: WebUser = AnalystUser) -> HTMLResponse:
    store = folder(config_of(request).chain)
    if store is None:
        return not_configured(request, user, "the chain store", "--chain DIR")
    params = request.query_params
    form = {
        "kind": params.get("kind", "address"),
        "value": params.get("value", "").strip(),
        "direction": params.get("direction", "forward"),
        "hops": params.get("hops", "3"),
        "model": params.get("model", "haircut"),
    }
    why = clean_why(params.get("why"))
    result, rows, pic = None, [], None
    if form["value"]:
        if len(why) < 3:
            return ask_why(request, user, f"a trace from {form['value']}")
        hops = _int(form["hops"], "hops", 1, 10)
        result = run_trace(store, form["kind"], form["value"], form["direction"], hops,
                           form["model"])  # fmt: skip
        rows = rows_of_trace(result)
        pic = picture(rows)
        consulted(request, f"trace:{form['kind']}:{form['value']}", why)
    return page(
        request, "trace.html", user, form=form, why=why, result=result, rows=rows, pic=pic,
        models=MODELS, title="Trace",
    )  # fmt: skip
