"""`darkrange web`: the web app for analysts, trainees and trainers (docs/web.md)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from darkrange.errors import InputError


def _default_secret() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "darkrange" / "web.secret"


def web(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    db: str | None = typer.Option(None, "--db", help="Case database (as `darkrange case --db`)."),
    secret_file: Path | None = typer.Option(
        None, "--secret-file", help="Session signing key (made 0600 if missing)."
    ),
    course: Path | None = typer.Option(None, "--course", help="Course folder (course start)."),
    world: Path | None = typer.Option(None, "--world", help="The trainer's world folder."),
    index: Path | None = typer.Option(None, "--index", help="Search index (`darkrange search`)."),
    links: Path | None = typer.Option(None, "--links", help="`darkrange link` output folder."),
    chain: Path | None = typer.Option(None, "--chain", help="Chain store folder."),
    crawl: list[Path] = typer.Option([], "--crawl", help="A crawl output folder (repeatable)."),
    watch: Path | None = typer.Option(None, "--watch", help="Watchlist database."),
    workers: int = typer.Option(1, "--workers", help="Server processes."),
    i_know: bool = typer.Option(
        False, "--i-know-this-is-public", help="Allow a non-loopback address (behind TLS)."
    ),
) -> None:
    """Serve the web app (sign in at /login; trainers at /trainer, trainees at /course)."""
    import uvicorn

    from darkrange.case import resolve_url
    from darkrange.web._config import WebConfig, check_host

    check_host(host, i_know)
    if not 1 <= port <= 65535:
        raise InputError("--port must be 1-65535")
    config = WebConfig(
        db=resolve_url(db),
        secret_file=secret_file or _default_secret(),
        course=course,
        world=world,
        index=index,
        links=links,
        chain=chain,
        crawls=list(crawl),
        watch=watch,
        host=host,
        port=port,
        https_only=host not in ("127.0.0.1", "::1", "localhost"),
    )
    config.secret()  # make or check the key now, with a clear error, before serving
    typer.echo(f"darkrange web on http://{host}:{port}/login (Ctrl-C stops)")
    if workers > 1:
        # each worker builds the app from the environment (uvicorn imports a factory by name)
        os.environ["DARKRANGE_WEB_CONFIG"] = config_to_json(config)
        uvicorn.run(
            "darkrange.web.commands:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
        return
    from darkrange.web import create_app

    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


def config_to_json(config: object) -> str:
    import dataclasses
    import json

    assert dataclasses.is_dataclass(config) and not isinstance(config, type)
    data = dataclasses.asdict(config)
    return json.dumps(data, default=str)


def app_from_env() -> object:
    """The app of DARKRANGE_WEB_CONFIG (for uvicorn workers)."""
    import json

    from darkrange.web import WebConfig, create_app

    data = json.loads(os.environ["DARKRANGE_WEB_CONFIG"])
    paths = ("secret_file", "course", "range_state", "world", "index", "links", "chain", "watch")
    for key in (*paths, "node_modules"):
        if data.get(key) is not None:
            data[key] = Path(data[key])
    data["crawls"] = [Path(p) for p in data.get("crawls", [])]
    return create_app(WebConfig(**data))


def register(app: typer.Typer) -> None:
    app.command("web")(web)
