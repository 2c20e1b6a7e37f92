"""The web app for analysts, trainees and trainers: `darkrange web`, guide in docs/web.md.

`create_app(WebConfig(...))` builds the FastAPI app; pages use `render` and the auth
dependencies (`current_user`, `require_roles`, `actor`) so every case access is audited as the
signed-in user.
"""

from darkrange.web._app import create_app
from darkrange.web._auth import (
    Forbidden,
    LoginRequired,
    WebUser,
    actor,
    current_user,
    get_config,
    get_store,
    require_roles,
)
from darkrange.web._config import WebConfig
from darkrange.web._render import render

__all__ = [
    "Forbidden",
    "LoginRequired",
    "WebConfig",
    "WebUser",
    "actor",
    "create_app",
    "current_user",
    "get_config",
    "get_store",
    "render",
    "require_roles",
]
