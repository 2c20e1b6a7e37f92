"""The range's Dread-style forum: subforums, threads, profiles with PGP keys, search.

`build_app(context)` is the site factory for sites of kind "forum"; `forum_app(world, site_id,
name)` is one forum of a world folder as a handler, `guarded(site, site_id, settings)` serves
it as ASGI. `ServiceSite`, `serve_site`, `Pager` and `paginate` are what the other service
sites (paste, mixer, exchange) build on.
"""

from darkrange.sites.forum._app import ForumSite, build_app, forum_app
from darkrange.sites.forum._content import ForumContent, ForumWeek, read_rows, world_start
from darkrange.sites.forum._paging import PER_PAGE, Pager, page_number, paginate
from darkrange.sites.forum._web import ServiceSite, SitePages, guarded, serve_site, templates

__all__ = [
    "PER_PAGE",
    "ForumContent",
    "ForumSite",
    "ForumWeek",
    "Pager",
    "ServiceSite",
    "SitePages",
    "build_app",
    "forum_app",
    "guarded",
    "page_number",
    "paginate",
    "read_rows",
    "serve_site",
    "templates",
    "world_start",
]
