"""Server-side pages: one Jinja2 environment over web/templates, autoescaped.

Every page gets `request`, `user` (a WebUser or None), `csrf_token`, `nav` (the items the
user's role may open) and `vendor_missing` (the npm libraries are not installed).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from darkrange.web._auth import WebUser, get_config, optional_user
from darkrange.web._csrf import csrf_token

TEMPLATES = Path(__file__).with_name("templates")

# (label, path, roles that see it); the analyst pages are for the people who work cases
CASE_ROLES = ("analyst", "supervisor", "trainer", "trainee")
NAV: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Course", "/course", ("trainee",)),
    ("Trainer", "/trainer", ("trainer",)),
    ("Cases", "/cases", CASE_ROLES),
    ("Search", "/search", CASE_ROLES),
    ("Alerts", "/alerts", ("analyst", "supervisor", "trainer")),
)


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "htm", "xml", "svg"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def nav_for(user: WebUser | None) -> list[tuple[str, str]]:
    if user is None:
        return []
    return [(label, path) for label, path, roles in NAV if user.role in roles]


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """The page `template` with `context` plus the common variables."""
    user = context.get("user") or optional_user(request)
    config = get_config(request)
    values: dict[str, Any] = {
        "request": request,
        "user": user,
        "csrf_token": csrf_token(request.session),
        "nav": nav_for(user),
        "vendor_missing": not config.node_modules.is_dir(),
        "path": request.url.path,
    }
    values.update(context)
    values["user"] = user
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status)
