"""The explorer as a lean ASGI app: Esplora's API under /api, the HTML view everywhere else.

No framework: a path split and two dictionaries of answers keep a request to a few dozen
microseconds of Python, which is what lets one core serve thousands of requests a second.
Answers are kept in an LRU keyed by path and query (the cache empties when the tip moves).

With a range clock the explorer serves the chain as of the end of the clock's day: blocks dated
later (and their transactions) do not exist yet, and `range advance` makes them appear. The day
counts from the world's start (world.json), or from the first block's time without one.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl

from darkrange.network._registry import ASGIApp, RangeClock, Receive, Scope, Send, SiteContext
from darkrange.sites.explorer._api import TEXT, Answer, EsploraApi
from darkrange.sites.explorer._cache import AnswerCache
from darkrange.sites.explorer._html import ExplorerPages
from darkrange.sites.explorer._index import ChainIndex, load_chain

API_PREFIX = "/api"
DAY = 86_400
Headers = list[tuple[bytes, bytes]]


class ExplorerApp:
    """ASGI callable answering GET and HEAD from one chain, as of the range clock's day."""

    def __init__(
        self,
        chain: ChainIndex,
        clock: RangeClock | None = None,
        start: int | None = None,
        cache: AnswerCache[tuple[str, str], tuple[Answer, Headers]] | None = None,
    ) -> None:
        self.api = EsploraApi(chain)
        self.pages = ExplorerPages(self.api)
        self.clock = clock
        if start is None:
            start = int(chain.blocks.time[0]) if len(chain.blocks.time) else 0
        self.start = start
        self.cache = cache if cache is not None else AnswerCache()
        self._days: int | None = None
        self.sync()

    def moment(self, days: int) -> int:
        """The last second of the clock's day: what the explorer has seen by then."""
        return self.start + (days + 1) * DAY - 1

    def sync(self) -> None:
        """Follow the clock: move the tip when the trainer moved the day (cheap when not)."""
        if self.clock is None or self.clock.days == self._days:
            return
        self._days = self.clock.days
        tip = self.api.chain.tip_at(self.moment(self._days))
        if tip != self.api.tip:
            self.api.set_tip(tip)
            self.cache.clear()

    def respond(self, method: str, path: str, query: str) -> Answer:
        return self._serve(method, path, query)[0]

    def _serve(self, method: str, path: str, query: str) -> tuple[Answer, Headers]:
        if method not in ("GET", "HEAD"):
            answer = Answer(405, TEXT, b"Method not allowed")
            return answer, [*_headers(answer), (b"allow", b"GET, HEAD")]
        self.sync()
        key = (path, query)
        served = self.cache.get(key)
        if served is None:
            answer = self._answer(path, query)
            served = (answer, _headers(answer))
            self.cache.put(key, served, len(answer.body) + len(path) + len(query) + 200)
        return served

    def _answer(self, path: str, query: str) -> Answer:
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return self.api.answer(path[len(API_PREFIX) :])
        params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
        return self.pages.answer(path, params)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        query = scope.get("query_string", b"").decode("latin-1")
        answer, headers = self._serve(scope["method"], scope["path"], query)
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else answer.body
        await send({"type": "http.response.body", "body": body})


def _headers(answer: Answer) -> Headers:
    return [
        (b"content-type", answer.content_type.encode()),
        (b"content-length", str(len(answer.body)).encode()),
    ]


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def explorer_app(
    chain_folder: Path, clock: RangeClock | None = None, start: int | None = None
) -> ExplorerApp:
    """An explorer over a chain folder (docs/formats/chain.md).

    Without a clock it serves the whole chain; with one, the chain up to the end of the clock's
    day counted from `start` (Unix s; default: the first block's time).
    """
    return ExplorerApp(load_chain(chain_folder), clock, start)


def world_start(world: Path) -> int | None:
    """The world's start from world.json; None when the folder has no usable manifest."""
    try:
        return int(json.loads((world / "world.json").read_text(encoding="utf-8"))["start"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "explorer": serves the world's chain/ folder as of the clock."""
    return explorer_app(context.world / "chain", context.clock, world_start(context.world))
