"""Cases: my cases, a case's overview and items (a justified consultation, as `case show`),
a trace kept in a case, and its evidence with hashes and custody."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from darkrange.case import FORMATS, consult, list_cases, record
from darkrange.case._access import case_for, justified
from darkrange.errors import InputError
from darkrange.web._auth import WebUser, actor
from darkrange.web.analyst._casedata import case_items, trace_item
from darkrange.web.analyst._common import AnalystUser, ask_why, clean_why, page
from darkrange.web.analyst._picture import picture, rows_of_case_trace

router = APIRouter()


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, user: WebUser = AnalystUser) -> HTMLResponse:
    """The cases the user is a member of (titles only: nothing personal, no consultation)."""
    with actor(request) as a:
        cases = [
            {"id": c.id, "title": c.title, "agency": c.owner_agency, "tlp": c.tlp,
             "closed": c.closed_at is not None, "created": c.created_at}
            for c in list_cases(a)
        ]  # fmt: skip
    return page(request, "cases.html", user, cases=cases)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: int, user: WebUser = AnalystUser) -> HTMLResponse:
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        # membership first, so a non-member learns nothing, not even that a reason is asked
        with actor(request) as a:
            case_for(a, case_id)
        return ask_why(request, user, f"case {case_id}")
    with actor(request) as a:
        overview = consult(a, case_id, why)
        data = case_items(a, case_id)
    supervisor = user.role == "supervisor"
    return page(
        request, "case.html", user, overview=overview, case=overview.case, data=data, why=why,
        formats=FORMATS, supervisor=supervisor,
    )  # fmt: skip


@router.get("/cases/{case_id}/traces/{trace_id}", response_class=HTMLResponse)
def case_trace_page(
    request: Request, case_id: int, trace_id: int, user: WebUser = AnalystUser
) -> HTMLResponse:
    why = clean_why(request.query_params.get("why"))
    with actor(request) as a:
        case_for(a, case_id)
        if len(why) < 3:
            trace = None
        else:
            trace = trace_item(a, case_id, trace_id)
            if trace is None:
                raise InputError(f"case {case_id} has no trace {trace_id}")
            record(a, "consultation", case_id, f"trace:{trace_id}", justified(why, "consultation"))
    if trace is None:
        return ask_why(request, user, f"trace {trace_id} of case {case_id}")
    rows = rows_of_case_trace(list(trace.hops))
    return page(
        request, "trace.html", user, form=None, why=why, result=None, rows=rows,
        pic=picture(rows), models=(), title=f"Case {case_id}: {trace.title}", case_id=case_id,
    )  # fmt: skip
