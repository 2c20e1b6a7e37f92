"""The range's paste site: recent pastes, a rendered view and an exact raw view.

`build_app(context)` is the site factory for kind "paste".
"""

from darkrange.sites.paste._app import Paste, PasteSite, build_app, load_pastes, paste_app

__all__ = ["Paste", "PasteSite", "build_app", "load_pastes", "paste_app"]
