"""The explorer as a lean ASGI app: Esplora's API under /api, the HTML view everywhere else.

No framework: a path split and two dictionaries of answers keep a request to a few dozen
microseconds of Python, which is what lets one core serve thousands of requests a second.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

from darkrange.network._registry import ASGIApp, Receive, Scope, Send, SiteContext
from darkrange.sites.explorer._api import TEXT, Answer, EsploraApi
from darkrange.sites.explorer._html import ExplorerPages
from darkrange.sites.explorer._index import ChainIndex, load_chain

API_PREFIX = "/api"


class ExplorerApp:
    """ASGI callable answering GET and HEAD from one chain."""

    def __init__(self, chain: ChainIndex) -> None:
        self.api = EsploraApi(chain)
        self.pages = ExplorerPages(self.api)

    def respond(self, method: str, path: str, query: str) -> Answer:
        if method not in ("GET", "HEAD"):
            return Answer(405, TEXT, b"Method not allowed")
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
        answer = self.respond(scope["method"], scope["path"], query)
        headers = [
            (b"content-type", answer.content_type.encode()),
            (b"content-length", str(len(answer.body)).encode()),
        ]
        if answer.status == 405:
            headers.append((b"allow", b"GET, HEAD"))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else answer.body
        await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def explorer_app(chain_folder: Path) -> ExplorerApp:
    """An explorer over a chain folder (docs/formats/chain.md)."""
    return ExplorerApp(load_chain(chain_folder))


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "explorer": serves the world's chain/ folder."""
    return explorer_app(context.world / "chain")
