"""The forum: /d/BOARD (threads), /post/ID (a thread's posts), /u/NAME (a member's profile and
posts). Search results are left out: they repeat posts, cut to 300 characters."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from darkrange.extract.records._common import base, contacts_in, fill_key, shown_contacts
from darkrange.extract.records._html import Page, link_target, node_text
from darkrange.extract.records._model import PageRecords, Post, Thread, Vendor
from darkrange.extract.records._text import clean, parse_time

__all__ = ["FAMILY", "detect", "parse"]

FAMILY = "forum"


def detect(tree: LexborHTMLParser) -> bool:
    return all(tree.css_first(s) is not None for s in ("header > a.logo", "main", "footer.meta"))


def thread_id(href: str | None) -> str | None:
    segments, _ = link_target(href)
    return segments[1] if len(segments) == 2 and segments[0] == "post" else None


def parse(page: Page) -> PageRecords:
    out = PageRecords(FAMILY)
    name = page.text("header > a.logo")
    if page.first("div.post a.author") is not None:
        _thread(page, name, out)
    elif page.first("div.box.profile") is not None:
        _member(page, name, out)
    elif page.first("div.box.thread") is not None:
        _board(page, name, out)
    return out


def _thread(page: Page, name: str, out: PageRecords) -> None:
    segments = page.segments()
    found = segments[1] if len(segments) == 2 and segments[0] == "post" else None
    if found is None:
        return
    board = node_text(page.first("main > p.meta a")).removeprefix("d/") or None
    thread = Thread(**base(page, FAMILY, name), thread_id=found, title=page.text("main h1"))
    thread.subforum = board
    for div in page.tree.css("div.post"):
        post_id = div.attributes.get("id") or ""
        author = node_text(div.css_first("a.author")) or None
        when = node_text(div.css_first("span.time"))
        post = Post(**base(page, FAMILY, name), thread_id=found, post_id=post_id, author=author,
                    text=node_text(div.css_first("pre.body"), keep_lines=True))  # fmt: skip
        post.time, post.time_text = parse_time(when), clean(when) or None
        if post_id:
            out.posts.append(post)
    if out.posts and page.page_number() == 1:  # the first post opens the thread
        first = out.posts[0]
        thread.author, thread.created, thread.created_text = (
            first.author,
            first.time,
            first.time_text,
        )
    out.threads.append(thread)


def _board(page: Page, name: str, out: PageRecords) -> None:
    board = page.text("main h1").removeprefix("d/") or None
    for box in page.tree.css("div.box.thread"):
        link = box.css_first("a")
        found = thread_id(link.attributes.get("href")) if link is not None else None
        if link is None or found is None:
            continue
        thread = Thread(**base(page, FAMILY, name), thread_id=found, title=node_text(link),
                        subforum=board)  # fmt: skip
        meta = box.css_first("div.meta")
        author = meta.css_first("a") if meta is not None else None
        thread.author = node_text(author) or None
        parts = [part.strip() for part in node_text(meta).split("·")]
        if len(parts) > 1:
            thread.created, thread.created_text = parse_time(parts[1]), parts[1] or None
        out.threads.append(thread)


def _member(page: Page, name: str, out: PageRecords) -> None:
    handle = page.text("main h1").removeprefix("u/").strip()
    profile = page.first("div.box.profile")
    if not handle or profile is None:
        return
    v = Vendor(**base(page, FAMILY, name), handle=handle)
    v.role = node_text(profile.css_first("span.role")) or "member"
    meta = node_text(profile.css_first("p.meta"))
    v.joined = meta.partition("joined")[2].split("·")[0].strip() or None
    v.terms = node_text(profile.css_first("pre.body"), keep_lines=True) or None
    v.contacts_shown = shown_contacts(profile.css("ul.contacts li"))
    contacts = node_text(profile.css_first("ul.contacts"), keep_lines=True)
    v.contacts = contacts_in(contacts + "\n" + (v.terms or ""))
    fill_key(v, node_text(profile.css_first("pre.key"), keep_lines=True),
             node_text(profile.css_first("code.fingerprint")))  # fmt: skip
    out.vendors.append(v)
    for box in page.tree.css("div.box.post"):
        _member_post(page, name, handle, box, out)


def _member_post(page: Page, name: str, handle: str, box: LexborNode, out: PageRecords) -> None:
    link = box.css_first("a")
    href = link.attributes.get("href") if link is not None else None
    found = thread_id(href)
    post_id = unquote(urlsplit(href or "").fragment)
    if found is None or not post_id:
        return
    when = node_text(box.css_first("span.meta"))
    post = Post(**base(page, FAMILY, name), thread_id=found, post_id=post_id, author=handle,
                text=node_text(box.css_first("pre.body"), keep_lines=True))  # fmt: skip
    post.time, post.time_text = parse_time(when), clean(when) or None
    out.posts.append(post)
