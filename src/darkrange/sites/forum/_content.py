"""The forum's content from a world folder, and what of it the range clock shows.

Threads, posts and accounts load once from content/*.parquet; a ForumWeek is the forum as it
stands in one week of the world (a thread or post is visible from the week of its time, an
account from its joined_week), built once per week and kept, since the clock only moves forward
in whole days and a week's pages are all read from the same view.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from darkrange.errors import FormatError, InputError

WEEK_S = 7 * 86_400


@dataclass(frozen=True)
class Post:
    post_id: str
    thread_id: str
    author: str
    time: int
    text: str


@dataclass(frozen=True)
class Thread:
    thread_id: str
    subforum: str
    title: str
    author: str
    created: int
    posts: tuple[Post, ...]  # every post, oldest first


@dataclass(frozen=True)
class Account:
    handle: str
    role: str
    joined_week: int
    left_week: int | None
    pgp_history: tuple[tuple[int, str], ...]  # (from_week, fingerprint), oldest first
    contacts: dict[str, str]
    profile_text: str

    def fingerprint(self, week: int) -> str | None:
        """The key the account shows in `week`: the latest one taken up by then."""
        current = None
        for from_week, fpr in self.pgp_history:
            if from_week <= week:
                current = fpr
        return current


@dataclass
class ForumWeek:
    """The visible forum in one week: threads by subforum, newest activity first."""

    week: int
    threads: dict[str, tuple[Thread, tuple[Post, ...]]]  # thread_id -> (thread, visible posts)
    subforums: dict[str, list[str]]  # name -> thread ids, most recent activity first
    by_author: dict[str, list[Post]] = field(default_factory=dict)  # newest first


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a Parquet file as dicts; FormatError when it is missing or unreadable."""
    if not path.is_file():
        raise FormatError(f"{path} is missing: is this a darkrange world folder?")
    try:
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise FormatError(f"{path}: not a readable Parquet file ({exc})") from None
    return rows


def world_start(world: Path) -> int:
    """The world's first second (Unix time) from world.json."""
    try:
        manifest = json.loads((world / "world.json").read_text(encoding="utf-8"))
        return int(manifest["start"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{world}/world.json: no usable 'start' ({exc})") from None


def _json(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except json.JSONDecodeError:
        return default


def _account(row: dict[str, Any]) -> Account:
    history = tuple((int(w), str(f)) for w, f in _json(row.get("pgp_history"), []))
    contacts = _json(row.get("contacts"), {})
    if not isinstance(contacts, dict):
        contacts = {}
    return Account(
        handle=row["handle"],
        role=row.get("role") or "member",
        joined_week=int(row.get("joined_week") or 0),
        left_week=None if row.get("left_week") is None else int(row["left_week"]),
        pgp_history=tuple(sorted(history)),
        contacts={str(k): str(v) for k, v in contacts.items()}
        if isinstance(contacts, dict)
        else {},
        profile_text=row.get("profile_text") or "",
    )


class ForumContent:
    """One forum's threads, posts, accounts and the PGP keys its members show."""

    def __init__(self, world: Path, site_id: str) -> None:
        content = world / "content"
        self.start = world_start(world)
        posts: dict[str, list[Post]] = defaultdict(list)
        for row in read_rows(content / "posts.parquet"):
            if row["site_id"] == site_id:
                post = Post(
                    row["post_id"],
                    row["thread_id"],
                    row["author_handle"],
                    int(row["time"]),
                    row["text"] or "",
                )
                posts[post.thread_id].append(post)
        self.threads: dict[str, Thread] = {}
        for row in read_rows(content / "threads.parquet"):
            if row["site_id"] != site_id:
                continue
            own = tuple(sorted(posts.get(row["thread_id"], []), key=lambda p: (p.time, p.post_id)))
            self.threads[row["thread_id"]] = Thread(
                row["thread_id"],
                row["subforum"],
                row["title"],
                row["author_handle"],
                int(row["created"]),
                own,
            )
        self.accounts = {
            row["handle"]: _account(row)
            for row in read_rows(content / "accounts.parquet")
            if row["site_id"] == site_id
        }
        wanted = {f for a in self.accounts.values() for _, f in a.pgp_history}
        self.keys = {
            row["fingerprint"]: row["armored"]
            for row in read_rows(content / "pgp_keys.parquet")
            if row["fingerprint"] in wanted
        }
        self._weeks: dict[int, ForumWeek] = {}

    def week_of(self, time: int) -> int:
        return (time - self.start) // WEEK_S

    def at(self, week: int) -> ForumWeek:
        """The forum as visible in `week` (built on first use, then kept)."""
        view = self._weeks.get(week)
        if view is None:
            view = self._build(week)
            self._weeks[week] = view
        return view

    def _build(self, week: int) -> ForumWeek:
        threads: dict[str, tuple[Thread, tuple[Post, ...]]] = {}
        by_author: dict[str, list[Post]] = defaultdict(list)
        for thread in self.threads.values():
            if self.week_of(thread.created) > week:
                continue
            shown = tuple(p for p in thread.posts if self.week_of(p.time) <= week)
            threads[thread.thread_id] = (thread, shown)
            for post in shown:
                by_author[post.author].append(post)

        def activity(thread_id: str) -> tuple[int, str]:
            thread, shown = threads[thread_id]
            return (max([thread.created, *(p.time for p in shown)]), thread_id)

        subforums: dict[str, list[str]] = defaultdict(list)
        for thread_id in sorted(threads, key=activity, reverse=True):
            subforums[threads[thread_id][0].subforum].append(thread_id)
        for own in by_author.values():
            own.sort(key=lambda p: (p.time, p.post_id), reverse=True)
        return ForumWeek(week, threads, dict(sorted(subforums.items())), dict(by_author))

    def all_subforums(self) -> list[str]:
        return sorted({t.subforum for t in self.threads.values()})
