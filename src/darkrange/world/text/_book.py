"""The phrase books: sentences and tags per section and language, kept as text files beside
the code (phrases/*.txt) so translators can read and extend them."""

from __future__ import annotations

from importlib import resources

_FILES = ("listings.txt", "people.txt", "forum.txt")


def _parse(text: str, into: dict[str, tuple[str, ...]]) -> None:
    """'[section]' opens a section; every other non-blank line not starting with '#' is an
    entry of it."""
    section = ""
    entries: list[str] = []
    for raw in [*text.splitlines(), "[]"]:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            if section:
                into[section] = (*into.get(section, ()), *entries)
            section, entries = line[1:-1], []
        else:
            entries.append(line)


def _load() -> dict[str, tuple[str, ...]]:
    book: dict[str, tuple[str, ...]] = {}
    folder = resources.files(__package__).joinpath("phrases")
    for name in _FILES:
        _parse(folder.joinpath(name).read_text(encoding="utf-8"), book)
    return book


BOOK: dict[str, tuple[str, ...]] = _load()
