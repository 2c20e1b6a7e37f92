"""The CAPTCHA queue of each configured crawl (the queue `darkrange captcha` answers) and the
watchlist alerts with their acknowledgement."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from darkrange.case import record
from darkrange.collect.crawl import answer_captcha, pending_captchas
from darkrange.collect.crawl._captcha import CAPTCHA_DIR
from darkrange.errors import InputError, StateError
from darkrange.web._auth import WebUser, actor, require_roles
from darkrange.web.analyst._alerts import acknowledge, alerts, states
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

router = APIRouter()
# the same roles part A's navigation shows the alerts to
AlertUser = Depends(require_roles("analyst", "supervisor", "trainer"))


def _crawl(request: Request, n: int) -> Path:
    crawls = config_of(request).crawls
    if not 0 <= n < len(crawls):
        raise InputError(f"no crawl {n} is configured")
    return crawls[n]


@router.get("/captcha", response_class=HTMLResponse)
def captcha_page(request: Request, user: WebUser = AnalystUser) -> HTMLResponse:
    crawls = config_of(request).crawls
    if not crawls:
        return not_configured(request, user, "a crawl folder", "--crawl DIR")
    queues = []
    for n, crawl in enumerate(crawls):
        try:
            pending = pending_captchas(crawl)
            problem = ""
        except StateError as exc:
            pending, problem = [], str(exc)
        queues.append({"n": n, "folder": str(crawl), "pending": pending, "problem": problem})
    return page(request, "captcha.html", user, queues=queues)


@router.get("/captcha/{n}/{ident}.png")
def captcha_image(
    request: Request, n: int, ident: int, user: WebUser = AnalystUser
) -> FileResponse:
    crawl = _crawl(request, n)
    if ident not in {i for i, _, _, _ in pending_captchas(crawl)}:
        raise InputError(f"CAPTCHA {ident} is not waiting in crawl {n}")
    # the crawler saves each image as captchas/<id>.png in the crawl's own folder
    image = crawl / CAPTCHA_DIR / f"{ident}.png"
    if not image.is_file():
        raise StateError(f"the image of CAPTCHA {ident} is missing")
    return FileResponse(image, media_type="image/png")


@router.post("/captcha/{n}/{ident}", response_model=None)
def captcha_answer(
    request: Request, n: int, ident: int, answer: str = Form(""), user: WebUser = AnalystUser
) -> RedirectResponse:
    """The person's answer goes to the crawl's queue; the waiting crawler picks it up."""
    if not answer.strip():
        raise InputError("type the characters shown in the image")
    if not answer_captcha(_crawl(request, n), ident, answer):
        raise StateError(f"CAPTCHA {ident} is no longer waiting (answered or expired)")
    return RedirectResponse("/captcha", status_code=303)


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, user: WebUser = AlertUser) -> HTMLResponse:
    watch = folder(config_of(request).watch)
    if watch is None:
        return not_configured(request, user, "the watchlist state", "--watch PATH")
    why = clean_why(request.query_params.get("why"))
    if len(why) < 3:
        return ask_why(request, user, "the watchlist alerts")
    everything = request.query_params.get("all") == "1"
    rows = alerts(watch, show_acknowledged=everything)
    names = [s.name for s in states(watch)]
    consulted(request, "alerts", why)
    return page(
        request, "alerts.html", user, rows=rows, names=names, why=why, everything=everything
    )


@router.post("/alerts/ack", response_model=None)
def alerts_ack(
    request: Request,
    state: int = Form(...),
    alert_id: str = Form(...),
    note: str = Form(""),
    why: str = Form(""),
    user: WebUser = AlertUser,
) -> RedirectResponse:
    """Acknowledge an alert: who and when are kept beside it, and in the audit log."""
    watch = folder(config_of(request).watch)
    if watch is None:
        raise InputError("no watchlist state is configured (--watch PATH)")
    # inside the unit of work: the audit entry and the acknowledgement stand or fall together,
    # and the database lock makes concurrent acknowledgements take turns
    with actor(request) as a:
        record(
            a, "alteration", None, audit_object(f"alert:{alert_id}"), f"acknowledged {note}".strip()
        )
        acknowledge(watch, state, alert_id, user.username, note.strip(), a.now())
    return RedirectResponse(with_why("/alerts", clean_why(why) or "alert triage"), status_code=303)
