"""CAPTCHAs: a pluggable solver, else a queue a person answers with `darkrange captcha`.

A solver is named "module:function"; the function takes (png bytes, site onion, challenge
image URL) and returns the answer or None (then the person's queue takes over). It may be a
coroutine function. The queue is the `captchas` table of the crawl state; the image is saved
as DIR/captchas/<id>.png.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from darkrange.collect.crawl._state import CrawlState, connect
from darkrange.errors import InputError, StateError

Solver = Callable[[bytes, str, str], Any]
CAPTCHA_DIR = "captchas"


def load_solver(spec: str | None) -> Solver | None:
    if not spec:
        return None
    module, _, name = spec.partition(":")
    if not module or not name:
        raise InputError(f"captcha solver {spec!r}: expected 'module:function'")
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"captcha solver {spec!r} cannot be loaded ({exc})") from None
    if not callable(found):
        raise InputError(f"captcha solver {spec!r} is not a function")
    return found  # type: ignore[no-any-return]


async def ask_solver(solver: Solver, png: bytes, site: str, url: str) -> str | None:
    answer = solver(png, site, url)
    if inspect.isawaitable(answer):
        answer = await answer
    return str(answer).strip() if answer else None


async def ask_person(
    state: CrawlState, folder: Path, host: str, url: str, png: bytes, wait_s: float
) -> str | None:
    """Put the image in the queue and wait for `darkrange captcha` to answer it."""
    images = folder / CAPTCHA_DIR
    images.mkdir(exist_ok=True)
    ident = state.add_captcha(host, url, "")
    path = images / f"{ident}.png"
    path.write_bytes(png)
    state.db.execute("UPDATE captchas SET image = ? WHERE id = ?", (str(path), ident))
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        status, answer = state.captcha(ident)
        if status == "answered" and answer:
            return answer
        if status != "pending":
            return None
        await asyncio.sleep(1.0)
    state.expire_captcha(ident)
    return None


# the person's side (another process) -------------------------------------------------------


def pending_captchas(folder: Path) -> list[tuple[int, str, str, str]]:
    """(id, host, image URL, image file) of every CAPTCHA waiting for a person."""
    path = folder / "crawl-state.sqlite"
    if not path.is_file():
        raise StateError(f"{folder} holds no crawl (crawl-state.sqlite is missing)")
    db = connect(path)
    try:
        rows = db.execute(
            "SELECT id, host, url, image FROM captchas WHERE status = 'pending' ORDER BY id"
        ).fetchall()
    finally:
        db.close()
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def answer_captcha(folder: Path, ident: int, answer: str) -> bool:
    """Store a person's answer; False when the CAPTCHA is no longer waiting."""
    db = connect(folder / "crawl-state.sqlite")
    try:
        cur = db.execute(
            "UPDATE captchas SET status = 'answered', answer = ?, answered = ? "
            "WHERE id = ? AND status = 'pending'",
            (answer.strip(), time.time(), ident),
        )
        return cur.rowcount == 1
    finally:
        db.close()


def render_png(path: Path, width: int = 64) -> list[str]:
    """The image as lines of half-block characters with rich colour markup, for a terminal."""
    from PIL import Image

    with Image.open(path) as img:
        rgb = img.convert("RGB")
        height = max(2, int(rgb.height * width / rgb.width / 2) * 2)
        small = rgb.resize((width, height))
    lines = []
    for y in range(0, height, 2):
        cells = []
        for x in range(width):
            top = _hex(small.getpixel((x, y)))
            bottom = _hex(small.getpixel((x, y + 1)))
            cells.append(f"[{top} on {bottom}]▀[/]")
        lines.append("".join(cells))
    return lines


def _hex(pixel: object) -> str:
    assert isinstance(pixel, tuple)
    return "#" + "".join(f"{int(c):02x}" for c in pixel[:3])
