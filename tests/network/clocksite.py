"""A site kind for tests: answers every request with the range clock's day."""

from __future__ import annotations

from darkrange.network import ASGIApp, SiteContext
from darkrange.network._registry import Receive, Scope, Send


def build_app(context: SiteContext) -> ASGIApp:
    advanced: list[int] = []
    context.clock.subscribe(advanced.append)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = f"{context.site.name} day={context.clock.days} advances={advanced}".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app
