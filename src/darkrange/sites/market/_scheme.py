"""URL schemes of the three escrow-market software families (one parser does not fit all).

dream:  /listings?page=2  /category/3?page=2  /search?q=..  /listing/123456  /vendor/NAME
alpha:  /index.php?page=browse&p=2  /index.php?page=item&id=..  /index.php?page=profile&user=..
bazaar: /all/2/  /c/3/2/  /s/?q=..&pg=2  /p/ID/  /u/NAME/  /u/NAME/feedback/2/
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote, urlencode

from darkrange.sites.defences import GuardPaths, HttpError, Request

Route = tuple[str, dict[str, str]]


def _page(req: Request, name: str) -> str:
    return str(req.int_param(name, 1))


class Dream:
    name: ClassVar[str] = "dream"
    paths: ClassVar[GuardPaths] = GuardPaths(session_cookie="dream_session")
    home: ClassVar[str] = "/"

    def browse(self, page: int = 1) -> str:
        return f"/listings?page={page}"

    def category(self, cat: int, page: int = 1) -> str:
        return f"/category/{cat}?page={page}"

    def search(self, q: str, page: int = 1) -> str:
        return "/search?" + urlencode({"q": q, "page": page})

    def listing(self, listing_id: str) -> str:
        return f"/listing/{quote(listing_id)}"

    def vendor(self, handle: str, page: int = 1) -> str:
        return f"/vendor/{quote(handle)}" + (f"?page={page}" if page > 1 else "")

    def reviews(self, handle: str, page: int = 1) -> str:
        return f"/vendor/{quote(handle)}/reviews?page={page}"

    def page(self, which: str) -> str:
        return f"/{which}"

    def route(self, req: Request) -> Route:
        parts = [p for p in req.path.split("/") if p]
        if not parts:
            return "home", {}
        head, rest = parts[0], parts[1:]
        if head == "listings" and not rest:
            return "browse", {"page": _page(req, "page")}
        if head == "category" and len(rest) == 1:
            return "category", {"cat": rest[0], "page": _page(req, "page")}
        if head == "search" and not rest:
            return "search", {"q": req.query.get("q", ""), "page": _page(req, "page")}
        if head == "listing" and len(rest) == 1:
            return "listing", {"id": rest[0]}
        if head == "vendor" and len(rest) == 1:
            return "vendor", {"handle": rest[0], "page": _page(req, "page")}
        if head == "vendor" and len(rest) == 2 and rest[1] == "reviews":
            return "reviews", {"handle": rest[0], "page": _page(req, "page")}
        if len(parts) == 1 and head in ("wallet", "mirrors", "canary", "account", "support"):
            return head, {}
        raise HttpError(404, "no such page")


class Alpha:
    name: ClassVar[str] = "alpha"
    paths: ClassVar[GuardPaths] = GuardPaths(
        login="/login.php",
        register="/register.php",
        logout="/logout.php",
        captcha="/captcha.php",
        queue="/queue.php",
        account="/account.php",
        session_cookie="PHPSESSID",
    )
    home: ClassVar[str] = "/index.php"

    def _q(self, **params: object) -> str:
        return "/index.php?" + urlencode(params)

    def browse(self, page: int = 1) -> str:
        return self._q(page="browse", p=page)

    def category(self, cat: int, page: int = 1) -> str:
        return self._q(page="category", cat=cat, p=page)

    def search(self, q: str, page: int = 1) -> str:
        return self._q(page="search", q=q, p=page)

    def listing(self, listing_id: str) -> str:
        return self._q(page="item", id=listing_id)

    def vendor(self, handle: str, page: int = 1) -> str:
        return self._q(page="profile", user=handle, p=page)

    def reviews(self, handle: str, page: int = 1) -> str:
        return self._q(page="feedback", user=handle, p=page)

    def page(self, which: str) -> str:
        return "/account.php" if which == "account" else self._q(page=which)

    def route(self, req: Request) -> Route:
        if req.path == "/account.php":
            return "account", {}
        if req.path not in ("/", "/index.php"):
            raise HttpError(404, "no such page")
        which = req.query.get("page", "home")
        p = _page(req, "p")
        simple = ("home", "wallet", "mirrors", "canary", "support")
        routes: dict[str, Route] = {
            "browse": ("browse", {"page": p}),
            "category": ("category", {"cat": req.query.get("cat", ""), "page": p}),
            "search": ("search", {"q": req.query.get("q", ""), "page": p}),
            "item": ("listing", {"id": req.query.get("id", "")}),
            "profile": ("vendor", {"handle": req.query.get("user", ""), "page": p}),
            "feedback": ("reviews", {"handle": req.query.get("user", ""), "page": p}),
            **{s: (s, {}) for s in simple},
        }
        if which not in routes:
            raise HttpError(404, "no such page")
        return routes[which]


class Bazaar:
    name: ClassVar[str] = "bazaar"
    paths: ClassVar[GuardPaths] = GuardPaths(
        login="/auth/login/",
        register="/auth/signup/",
        logout="/auth/logout/",
        captcha="/auth/captcha/",
        queue="/auth/queue/",
        account="/me/",
        session_cookie="bzr",
    )
    home: ClassVar[str] = "/"

    def browse(self, page: int = 1) -> str:
        return f"/all/{page}/"

    def category(self, cat: int, page: int = 1) -> str:
        return f"/c/{cat}/{page}/"

    def search(self, q: str, page: int = 1) -> str:
        return "/s/?" + urlencode({"q": q, "pg": page})

    def listing(self, listing_id: str) -> str:
        return f"/p/{quote(listing_id)}/"

    def vendor(self, handle: str, page: int = 1) -> str:
        return f"/u/{quote(handle)}/" + (f"{page}/" if page > 1 else "")

    def reviews(self, handle: str, page: int = 1) -> str:
        return f"/u/{quote(handle)}/feedback/{page}/"

    def page(self, which: str) -> str:
        names = {"wallet": "funds", "mirrors": "onions", "account": "me"}
        return f"/{names.get(which, which)}/"

    def route(self, req: Request) -> Route:
        parts = [p for p in req.path.split("/") if p]
        n = len(parts)
        if n == 0:
            return "home", {}
        head = parts[0]
        pages = {"funds": "wallet", "onions": "mirrors", "me": "account"}
        if n == 1 and head in (*pages, "canary", "support"):
            return pages.get(head, head), {}
        if head == "all" and n == 2:
            return "browse", {"page": _num(parts[1])}
        if head == "c" and n == 3:
            return "category", {"cat": parts[1], "page": _num(parts[2])}
        if head == "s" and n == 1:
            return "search", {"q": req.query.get("q", ""), "page": _page(req, "pg")}
        if head == "p" and n == 2:
            return "listing", {"id": parts[1]}
        if head == "u" and n in (2, 3):
            return "vendor", {"handle": parts[1], "page": _num(parts[2]) if n == 3 else "1"}
        if head == "u" and n == 4 and parts[2] == "feedback":
            return "reviews", {"handle": parts[1], "page": _num(parts[3])}
        raise HttpError(404, "no such page")


def _num(text: str) -> str:
    if not text.isdigit() or len(text) > 9:
        raise HttpError(404, "no such page")
    return text


Scheme = Dream | Alpha | Bazaar
SCHEMES: dict[str, Scheme] = {"dream": Dream(), "alpha": Alpha(), "bazaar": Bazaar()}
