"""The link directory (hidden-wiki style) over content/directory.json, as of the range clock.

    /                  every working link by category, then the "do not use" list
    /c/<category>      one category (markets, shops, forums, ...; "dead" for the do-not-use list)
    /links.txt         the bare onion list of working links, one a line, for copy and paste

Phishing clones appear as real directories list them: as another "mirror" of the site they
imitate, under that site's category; nothing on the page tells them apart. Which links show,
which are new, dead or dropped, and when each was last seen follow the clock (_timeline.py);
a day's pages are rendered once and served from memory until the clock moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from darkrange.network import ASGIApp, RangeClock, SiteContext
from darkrange.sites.defences import TEXT, HttpError, Request, Response, html
from darkrange.sites.directory._timeline import Entry, Listed, listed_at, load_entries
from darkrange.sites.forum import ServiceSite, serve_site, world_start

# kind in directory.json -> (category slug, heading), in the order the page shows them
CATEGORIES: dict[str, tuple[str, str]] = {
    "market": ("markets", "Markets"),
    "deaddrop": ("markets-ru", "Markets (RU / CIS)"),
    "shop": ("shops", "Vendor shops"),
    "forum": ("forums", "Forums"),
    "directory": ("directories", "Link lists"),
    "paste": ("pastebins", "Paste bins"),
    "mixer": ("mixers", "Bitcoin mixers"),
    "exchange": ("exchanges", "Exchanges"),
    "explorer": ("explorers", "Block explorers"),
}
OTHER = ("other", "Other")
DEAD = ("dead", "Closed, seized or exit-scammed: do not use")


@dataclass(frozen=True)
class Link:
    name: str
    onion: str
    category: str  # slug


def category_of(entry: Entry) -> str:
    return CATEGORIES.get(entry.kind, OTHER)[0]


def load_links(world: Path) -> list[Link]:
    """Every address of the directory with its category (a clone: the imitated site's)."""
    return [Link(e.name, e.onion, category_of(e)) for e in load_entries(world)]


class DirectorySite(ServiceSite):
    """The pages of the clock's day, rendered once per day and answered from a dictionary."""

    def __init__(self, entries: list[Entry], name: str, start: int, clock: RangeClock) -> None:
        super().__init__("darkrange.sites.directory", name, clock)
        self.entries = entries
        self.start = start
        self.day: int | None = None
        self.pages: dict[str, Response] = {}

    def pages_of_today(self) -> dict[str, Response]:
        if self.day != self.clock.days:
            self.day = self.clock.days
            self.pages = self.render_day(self.day)
        return self.pages

    def render_day(self, day: int) -> dict[str, Response]:
        working, dead = listed_at(self.entries, self.start, day)
        headings = dict([*CATEGORIES.values(), OTHER])
        groups: list[tuple[str, str, list[Listed]]] = [
            (slug, heading, [x for x in working if category_of(x.entry) == slug])
            for slug, heading in headings.items()
        ]
        groups = [g for g in groups if g[2]]
        if dead:
            groups.append((*DEAD, dead))
        pages = {
            "/": html(self.render("index.html", groups=groups, total=len(working))),
            "/links.txt": Response(
                200, "".join(f"http://{x.onion}/\n" for x in working).encode(), TEXT
            ),
        }
        for group in groups:
            body = self.render("index.html", groups=[group], total=len(group[2]), one=True)
            pages[f"/c/{group[0]}"] = html(body)
        return pages

    def route(self, req: Request) -> Response:
        if req.method not in ("GET", "HEAD"):
            raise HttpError(405, "the directory is read with GET")
        page = self.pages_of_today().get(req.path)
        if page is None:
            raise HttpError(404, "No such page.")
        return page


def directory_app(world: Path, name: str, clock: RangeClock | None = None) -> DirectorySite:
    """The link directory of a world folder as a handler (serve it with `guarded`)."""
    return DirectorySite(load_entries(world), name, world_start(world), clock or RangeClock())


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "directory"."""
    return serve_site(directory_app(context.world, context.site.name, context.clock), context)
