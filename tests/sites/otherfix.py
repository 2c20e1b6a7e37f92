"""Helpers for the forum, directory, paste, mixer, exchange and hostile site tests: one tiny
world per test process, the site kinds served by a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import csv
import dataclasses
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from darkrange.network import SiteRecord, load_sites
from darkrange.world.generate import generate

_WORLDS: dict[str, Path] = {}
WEEK_S = 7 * 86_400


def tiny_world(factory: pytest.TempPathFactory) -> Path:
    """The seed-11 tiny world, generated once per test process."""
    if "tiny" not in _WORLDS:
        out = factory.mktemp("other-sites") / "tiny"
        generate(11, "tiny", out)
        _WORLDS["tiny"] = out
    return _WORLDS["tiny"]


def always_up(site: SiteRecord) -> SiteRecord:
    """The site's own defences, but never in a downtime window. Downtime windows follow the
    wall clock, so a test that does not test downtime must not depend on them."""
    settings = {**(site.extra.get("anti_crawl") or {}), "uptime": 1.0}
    return dataclasses.replace(site, extra={**site.extra, "anti_crawl": settings})


def served(world: Path, kind: str) -> SiteRecord:
    """The world's first site of `kind`, always up (see always_up)."""
    return always_up(next(s for s in load_sites(world) if s.kind == kind))


def sites(world: Path) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = json.loads((world / "sites.json").read_text("utf-8"))
    return result


def site_of(world: Path, kind: str) -> dict[str, Any]:
    return next(s for s in sites(world) if s["kind"] == kind)


def weeks(world: Path) -> int:
    return int(json.loads((world / "world.json").read_text("utf-8"))["weeks"])


def truth_csv(world: Path, name: str) -> list[dict[str, str]]:
    with (world / "truth" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, http="httptools", lifespan="off", log_level="critical", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
