"""What the web app serves: the case store, the course, the range and the analyst data."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from darkrange.errors import InputError, StateError

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
# the repository root when running from a checkout: src/darkrange/web -> repo
_REPO = Path(__file__).resolve().parents[3]


def default_node_modules() -> Path:
    """Where `npm ci` put the front-end libraries (override with DARKRANGE_NODE_MODULES)."""
    env = os.environ.get("DARKRANGE_NODE_MODULES")
    return Path(env) if env else _REPO / "node_modules"


@dataclass
class WebConfig:
    """Everything `darkrange web` serves; every data path is optional (its pages say so)."""

    db: str
    secret_file: Path
    course: Path | None = None
    range_state: Path | None = None
    world: Path | None = None
    index: Path | None = None
    links: Path | None = None
    chain: Path | None = None
    crawls: list[Path] = field(default_factory=list)
    watch: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    node_modules: Path = field(default_factory=default_node_modules)
    # sessions: signed cookies, refreshed against the user table every `recheck_seconds`
    session_seconds: int = 8 * 3600
    recheck_seconds: int = 300
    # sign-in throttling: failures within `lockout_seconds` before a lockout of that length
    max_failures_user: int = 5
    max_failures_ip: int = 20
    lockout_seconds: int = 900
    # cookies over plain HTTP on loopback; set True behind a TLS proxy
    https_only: bool = False

    def secret(self) -> str:
        """The session signing key, created (0600) on first use."""
        return read_secret(self.secret_file)


def read_secret(path: Path) -> str:
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_urlsafe(48))
        if path.stat().st_mode & 0o077:
            raise StateError(f"{path}: the web secret must be readable by its owner only (0600)")
        text = path.read_text(encoding="ascii").strip()
    except FileExistsError:  # another process made it between exists() and open()
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: cannot read or create the web secret ({exc})") from None
    if len(text) < 32:
        raise StateError(f"{path}: the web secret is too short; delete it to make a new one")
    return text


def check_host(host: str, allow_public: bool) -> None:
    """Loopback only unless the operator says otherwise, knowingly."""
    if host not in LOOPBACK and not allow_public:
        raise InputError(
            f"refusing to listen on {host}: the web app binds loopback only; put it behind a "
            "TLS proxy and pass --i-know-this-is-public to override"
        )
