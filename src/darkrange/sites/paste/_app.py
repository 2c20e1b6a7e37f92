"""The paste site over content/pastes.parquet: a list of recent pastes and each paste.

    /              recent pastes, newest first (?page=N, 20 a page)
    /p/<id>        one paste, rendered
    /raw/<id>      the paste's text exactly as posted (text/plain; charset=utf-8)

A paste is visible from the world week of its time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from darkrange.network import ASGIApp, RangeClock, SiteContext
from darkrange.sites.defences import TEXT, HttpError, Request, Response
from darkrange.sites.forum import ServiceSite, paginate, read_rows, serve_site, world_start

WEEK_S = 7 * 86_400


@dataclass(frozen=True)
class Paste:
    paste_id: str
    title: str
    text: str
    time: int
    week: int


def load_pastes(world: Path, site_id: str) -> list[Paste]:
    """A paste site's pastes, newest first."""
    start = world_start(world)
    pastes = [
        Paste(
            row["paste_id"],
            row["title"] or "Untitled",
            row["text"] or "",
            int(row["time"]),
            (int(row["time"]) - start) // WEEK_S,
        )
        for row in read_rows(world / "content" / "pastes.parquet")
        if row["site_id"] == site_id
    ]
    pastes.sort(key=lambda p: (p.time, p.paste_id), reverse=True)
    return pastes


class PasteSite(ServiceSite):
    def __init__(self, pastes: list[Paste], name: str, clock: RangeClock) -> None:
        super().__init__("darkrange.sites.paste", name, clock)
        self.pastes = pastes
        self.by_id = {p.paste_id: p for p in pastes}

    def route(self, req: Request) -> Response:
        if req.method not in ("GET", "HEAD"):
            raise HttpError(405, "pastes are read with GET")
        if req.path == "/":
            shown = [p for p in self.pastes if p.week <= self.week]
            rows, pager = paginate(shown, req.query.get("page"))
            return self.page(req, "index.html", rows=rows, pager=pager)
        parts = req.path.split("/")
        if len(parts) == 3 and parts[1] in ("p", "raw"):
            paste = self._visible(unquote(parts[2]))
            if parts[1] == "raw":
                return Response(200, paste.text.encode("utf-8"), TEXT)
            return self.page(req, "paste.html", paste=paste, size=len(paste.text.encode()))
        raise HttpError(404, "no such page")

    def _visible(self, paste_id: str) -> Paste:
        paste = self.by_id.get(paste_id)
        if paste is None or paste.week > self.week:
            raise HttpError(404, "This paste does not exist or has expired.")
        return paste


def paste_app(world: Path, site_id: str, name: str, clock: RangeClock | None = None) -> PasteSite:
    """The paste site `site_id` of a world folder as a handler (serve it with `guarded`)."""
    return PasteSite(load_pastes(world, site_id), name, clock or RangeClock())


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "paste"."""
    site = paste_app(context.world, context.site.site_id, context.site.name, context.clock)
    return serve_site(site, context)
