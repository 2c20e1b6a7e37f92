"""The link directory (hidden-wiki style) over content/directory.json.

    /                  every link, by category
    /c/<category>      one category (markets, shops, forums, ...)
    /links.txt         the bare onion list, one a line, as directories offer for copy and paste

Phishing clones appear as real directories list them: as another "mirror" of the site they
imitate, under that site's category; nothing on the page tells them apart. The directory does
not change with the clock, so every page is rendered once at start and served from memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from darkrange.errors import FormatError
from darkrange.network import ASGIApp, RangeClock, SiteContext
from darkrange.sites.defences import TEXT, HttpError, Request, Response, html
from darkrange.sites.forum import ServiceSite, serve_site

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


@dataclass(frozen=True)
class Link:
    name: str
    onion: str
    category: str  # slug


def load_links(world: Path) -> list[Link]:
    """The directory's entries; a phishing clone takes the category of the site it imitates."""
    path = world / "content" / "directory.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise FormatError(f"{path}: expected a list of {{name, onion, kind}} objects")
    imitated = _imitated_kinds(world)
    links = []
    for entry in raw:
        kind = str(entry.get("kind", ""))
        onion = str(entry.get("onion", ""))
        if kind == "phishing":
            kind = imitated.get(onion, "market")
        links.append(Link(str(entry.get("name", "")), onion, CATEGORIES.get(kind, OTHER)[0]))
    return links


def _imitated_kinds(world: Path) -> dict[str, str]:
    """Phishing onion -> kind of the site it clones, from sites.json (the range's public face)."""
    try:
        sites = json.loads((world / "sites.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    kinds = {s.get("onion"): s.get("kind") for s in sites if isinstance(s, dict)}
    return {
        s["onion"]: str(kinds.get(s.get("clone_of")) or "market")
        for s in sites
        if isinstance(s, dict) and s.get("kind") == "phishing" and "onion" in s
    }


class DirectorySite(ServiceSite):
    """Every page rendered once at start and answered from a dictionary."""

    def __init__(self, links: list[Link], name: str, clock: RangeClock) -> None:
        super().__init__("darkrange.sites.directory", name, clock)
        headings = dict([*CATEGORIES.values(), OTHER])
        groups = [
            (slug, headings[slug], [link for link in links if link.category == slug])
            for slug in headings
        ]
        groups = [g for g in groups if g[2]]
        self.pages: dict[str, Response] = {
            "/": html(self.render("index.html", groups=groups, total=len(links))),
            "/links.txt": Response(
                200, "".join(f"http://{x.onion}/\n" for x in links).encode(), TEXT
            ),
        }
        for group in groups:
            body = self.render("index.html", groups=[group], total=len(group[2]), one=True)
            self.pages[f"/c/{group[0]}"] = html(body)

    def route(self, req: Request) -> Response:
        if req.method not in ("GET", "HEAD"):
            raise HttpError(405, "the directory is read with GET")
        page = self.pages.get(req.path)
        if page is None:
            raise HttpError(404, "No such page.")
        return page


def directory_app(world: Path, name: str, clock: RangeClock | None = None) -> DirectorySite:
    """The link directory of a world folder as a handler (serve it with `guarded`)."""
    return DirectorySite(load_links(world), name, clock or RangeClock())


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "directory"."""
    return serve_site(directory_app(context.world, context.site.name, context.clock), context)
