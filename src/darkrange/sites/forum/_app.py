"""The forum's pages: subforums, threads, profiles and search, with Dread-style URLs.

    /                     subforums, with thread counts and the latest threads
    /d/<subforum>         threads of a subforum, most recent activity first (?page=N)
    /post/<thread_id>     a thread's posts, oldest first (?page=N, 20 a page)
    /u/<handle>           a profile: role, joined, PGP key, contacts, post history (?page=N)
    /search?q=...         posts whose text or thread title contain every word (?page=N)

Members log in first where the site's anti_crawl says so (the defences' login wall and CAPTCHA).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from darkrange.network import ASGIApp, RangeClock, SiteContext
from darkrange.sites.defences import HttpError, Request, Response
from darkrange.sites.forum._content import ForumContent, ForumWeek, Post
from darkrange.sites.forum._paging import page_of, paginate
from darkrange.sites.forum._web import ServiceSite, serve_site

MAX_QUERY = 200


class ForumSite(ServiceSite):
    """The forum's pages over one ForumContent, as seen at the range clock's week."""

    def __init__(self, content: ForumContent, name: str, clock: RangeClock) -> None:
        super().__init__("darkrange.sites.forum", name, clock)
        self.content = content

    def route(self, req: Request) -> Response:
        if req.method not in ("GET", "HEAD"):
            raise HttpError(405, "the forum's pages are read with GET")
        parts = req.path.split("/")
        if req.path == "/":
            return self.index(req)
        if req.path == "/search":
            return self.search(req)
        if len(parts) == 3 and parts[2]:
            name = unquote(parts[2])
            if parts[1] == "d":
                return self.subforum(req, name)
            if parts[1] == "post":
                return self.thread(req, name)
            if parts[1] == "u":
                return self.user(req, name)
        raise HttpError(404, "no such page")

    def _view(self) -> ForumWeek:
        return self.content.at(self.week)

    def index(self, req: Request) -> Response:
        view = self._view()
        boards = [
            (name, len(ids), view.threads[ids[0]][0] if ids else None)
            for name, ids in view.subforums.items()
        ]
        posts = sum(len(shown) for _, shown in view.threads.values())
        return self.page(req, "index.html", boards=boards, threads=len(view.threads), posts=posts)

    def subforum(self, req: Request, name: str) -> Response:
        view = self._view()
        if name not in view.subforums:
            raise HttpError(404, f"no subforum d/{name}")
        ids, pager = paginate(view.subforums[name], req.query.get("page"))
        rows = [view.threads[i] for i in ids]
        return self.page(req, "subforum.html", board=name, rows=rows, pager=pager)

    def thread(self, req: Request, thread_id: str) -> Response:
        found = self._view().threads.get(thread_id)
        if found is None:
            raise HttpError(404, "no such thread")
        thread, shown = found
        posts, pager = paginate(shown, req.query.get("page"))
        return self.page(req, "thread.html", thread=thread, posts=posts, pager=pager)

    def user(self, req: Request, handle: str) -> Response:
        account = self.content.accounts.get(handle)
        if account is None or account.joined_week > self.week:
            raise HttpError(404, f"no user u/{handle}")
        view = self._view()
        posts, pager = paginate(view.by_author.get(handle, []), req.query.get("page"))
        fpr = account.fingerprint(self.week)
        return self.page(
            req,
            "user.html",
            account=account,
            fingerprint=fpr,
            key=self.content.keys.get(fpr or ""),
            gone=account.left_week is not None and account.left_week <= self.week,
            posts=self._located(view, posts),
            pager=pager,
            joined=self.content.start + account.joined_week * 7 * 86_400,
        )

    def search(self, req: Request) -> Response:
        query = req.query.get("q", "").strip()
        if len(query) > MAX_QUERY:
            raise HttpError(400, f"search words are limited to {MAX_QUERY} characters")
        words = query.casefold().split()
        hits: list[Post] = []
        view = self._view()
        if words:
            for thread, shown in view.threads.values():
                title = thread.title.casefold()
                for post in shown:
                    text = post.text.casefold()
                    if all(w in text or w in title for w in words):
                        hits.append(post)
            hits.sort(key=lambda p: (p.time, p.post_id), reverse=True)
        posts, pager = paginate(hits, req.query.get("page"))
        results = self._located(view, posts)
        return self.page(req, "search.html", query=query, results=results, pager=pager)

    @staticmethod
    def _located(view: ForumWeek, posts: Iterable[Post]) -> list[tuple[Post, str, int]]:
        """Each post with its thread's title and the thread page it is on."""
        out = []
        for post in posts:
            thread, shown = view.threads[post.thread_id]
            out.append((post, thread.title, page_of(shown.index(post))))
        return out


def forum_app(world: Path, site_id: str, name: str, clock: RangeClock | None = None) -> ForumSite:
    """The forum `site_id` of a world folder as a handler (serve it with `guarded`)."""
    return ForumSite(ForumContent(world, site_id), name, clock or RangeClock())


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "forum": the forum behind its anti_crawl defences."""
    site = forum_app(context.world, context.site.site_id, context.site.name, context.clock)
    return serve_site(site, context)
