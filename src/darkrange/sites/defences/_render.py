"""Jinja2 environments over a site package's templates/ folder, shared by the site packages."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape


@lru_cache(maxsize=16)
def environment(*folders: Path) -> Environment:
    """An autoescaping environment looking up templates in `folders`, first match wins."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a misspelt variable is a bug, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def renderer(env: Environment, **common: Any) -> Callable[..., str]:
    """render(name, **context): a template filled with `common` plus the page's context."""

    def render(name: str, **context: Any) -> str:
        return env.get_template(name).render(**common, **context)

    return render


class PageCache:
    """Rendered pages by key, bounded: cleared when full (pages are cheap to render again)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._pages: dict[tuple[Any, ...], bytes] = {}

    def get(self, key: tuple[Any, ...], make: Callable[[], str]) -> bytes:
        page = self._pages.get(key)
        if page is None:
            if len(self._pages) >= self.size:
                self._pages.clear()
            page = self._pages[key] = make().encode("utf-8")
        return page
