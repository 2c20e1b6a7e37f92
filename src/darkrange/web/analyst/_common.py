"""What every analyst page shares: who may open it, the configured data, audited consultation.

Crawled pages, link output and chain data hold personal data (handles, keys, contacts,
addresses) even outside a case, so every page showing them is a consultation: it asks for a
justification (`why`, carried from page to page in the query) and logs it in the case
database's audit chain as the signed-in user, exactly as `case show` does for a case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from darkrange.case import record
from darkrange.web._auth import WebUser, actor, require_roles
from darkrange.web._config import WebConfig
from darkrange.web._render import CASE_ROLES, render

# the people who work cases; admins and auditors never see case or crawled personal data
analyst_user = require_roles(*CASE_ROLES)
AnalystUser = Depends(analyst_user)
MIN_WHY = 3


def config_of(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def page(
    request: Request, template: str, user: WebUser, status: int = 200, **context: Any
) -> HTMLResponse:
    return render(request, f"analyst/{template}", {"user": user, **context}, status=status)


def not_configured(request: Request, user: WebUser, what: str, option: str) -> HTMLResponse:
    """The page's data is not set up: say which and how, with 200 (nothing is wrong)."""
    return page(request, "not_configured.html", user, what=what, option=option)


def folder(path: Path | None) -> Path | None:
    """A configured folder that exists, else None (the page says it is not configured)."""
    return path if path is not None and path.exists() else None


def clean_why(why: str | None) -> str:
    return " ".join((why or "").split())


def ask_why(request: Request, user: WebUser, what: str, status: int = 200) -> HTMLResponse:
    """The justification form: the same page again, with `why` added to its query."""
    fields = [(k, v) for k, v in request.query_params.multi_items() if k != "why"]
    return page(
        request, "why.html", user, status, what=what, action=request.url.path, fields=fields
    )


def audit_object(text: str) -> str:
    """What an audit entry names, cut to the column's 200 characters (a long search)."""
    return text if len(text) <= 200 else text[:199] + "…"


def consulted(request: Request, obj: str, why: str, case_id: int | None = None) -> None:
    """Log a consultation of `obj` by the signed-in user with their justification."""
    with actor(request) as a:
        record(a, "consultation", case_id, audit_object(obj), why)


def with_why(path: str, why: str, **params: Any) -> str:
    """A link to another analyst page carrying the justification along."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    query["why"] = why
    return f"{path}?{urlencode(query)}"
