"""Credentials for login recipes: a YAML or JSON file only its owner may read (mode 0600).

willow:                      # a recipe's name (or its `credentials` key), or an onion
  username: analyst7
  password: correct horse
default: {username: ..., password: ...}
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from darkrange.errors import FormatError, InputError


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def __repr__(self) -> str:  # never print a password in a log or a traceback
        return f"Credentials(username={self.username!r}, password=***)"


class Vault:
    def __init__(self, entries: dict[str, Credentials] | None = None) -> None:
        self.entries = entries or {}

    def find(self, *keys: str) -> Credentials | None:
        for key in (*keys, "default"):
            if key and key in self.entries:
                return self.entries[key]
        return None

    def secrets(self) -> list[str]:
        return [c.password for c in self.entries.values() if c.password]


def load_vault(path: Path | None) -> Vault:
    if path is None:
        return Vault()
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(f"vault {path}: cannot read ({exc.strerror})") from None
    if stat.S_IMODE(mode) & 0o077:
        raise InputError(
            f"vault {path} is readable by others (mode {stat.S_IMODE(mode):o}); "
            f"run `chmod 600 {path}`"
        )
    text = path.read_text(encoding="utf-8")
    try:
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError):
        raise FormatError(f"vault {path}: not valid YAML or JSON") from None
    if not isinstance(raw, dict):
        raise FormatError(f"vault {path}: expected a mapping of site to credentials")
    entries = {}
    for key, value in raw.items():
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("username"), str)
            or not isinstance(value.get("password"), str)
        ):
            raise FormatError(f"vault {path}: entry {key!r} needs username and password text")
        entries[str(key)] = Credentials(value["username"], value["password"])
    return Vault(entries)
