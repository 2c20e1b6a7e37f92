"""CLI: `darkrange crawl` and `darkrange captcha` (attached by `register_crawl(app)`)."""

from __future__ import annotations

import dataclasses
import getpass
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from darkrange.errors import InputError

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False)
DEFAULT_PROXY = "socks5h://127.0.0.1:9050"


def _table(stats: object) -> Table:
    from darkrange.collect.crawl._engine import CrawlStats

    assert isinstance(stats, CrawlStats)
    table = Table(title=f"{stats.pages} pages, {stats.bytes / 1e6:.1f} MB, {stats.errors} errors")
    for name in ("site", "pages", "bytes", "errors", "queued"):
        table.add_column(name, justify="left" if name == "site" else "right")
    for host, row in sorted(stats.hosts.items()):
        table.add_row(
            host[:20] + "…",
            str(row["pages"]),
            f"{row['bytes'] / 1e6:.1f} MB",
            str(row["errors"]),
            str(row.get("queued", 0)),
        )
    return table


def crawl(
    seed: Annotated[list[str], typer.Option("--seed", help="Start URL (repeat for more).")],
    out: Annotated[Path, typer.Option("--out", help="Crawl folder (resumes if it exists).")],
    proxy: Annotated[str, typer.Option("--proxy", help="SOCKS proxy, socks5h://.")] = DEFAULT_PROXY,
    config: Annotated[Path | None, typer.Option("--config", help="Settings (YAML).")] = None,
    vault: Annotated[Path | None, typer.Option("--vault", help="Credentials (mode 0600).")] = None,
    case: Annotated[str, typer.Option("--case", help="Case id for the WARC header.")] = "",
    legal_basis: Annotated[str, typer.Option("--legal-basis", help="Legal basis.")] = "",
    collector: Annotated[str, typer.Option("--collector", help="Who collects.")] = "",
    quiet: Annotated[bool, typer.Option("--quiet", help="No live progress table.")] = False,
    screenshots: Annotated[
        bool, typer.Option("--screenshots", help="Full-page Chromium screenshot of each page.")
    ] = False,
) -> None:
    """Crawl from seed URLs through a SOCKS proxy; every exchange goes to DIR/warc/."""
    from darkrange.collect.crawl import load_config, load_solver, load_vault, run_crawl
    from darkrange.collect.evidence import CaptureInfo

    if not proxy.startswith(("socks5h://", "socks5://")):
        raise InputError(f"--proxy wants socks5h://HOST:PORT, got {proxy!r}")
    settings = load_config(config)
    if screenshots:
        shots = dataclasses.replace(settings.screenshots, enabled=True)
        settings = dataclasses.replace(settings, screenshots=shots)
    credentials = load_vault(vault)
    solver = load_solver(settings.captcha.solver)
    capture = CaptureInfo(
        collector=collector or getpass.getuser(),
        case=case or "unspecified",
        legal_basis=legal_basis or "unspecified",
        configuration={"seeds": seed, "proxy": proxy, **settings.as_json()},
    )
    if not quiet:
        with Live(_table_empty(), console=_err, refresh_per_second=4, transient=True) as live:
            last = [0.0]

            def progress(stats: object) -> None:
                if time.monotonic() - last[0] > 0.25:
                    last[0] = time.monotonic()
                    live.update(_table(stats))

            report = run_crawl(out, seed, proxy, settings, credentials, capture, solver, progress)
    else:
        report = run_crawl(out, seed, proxy, settings, credentials, capture, solver)
    _out.print(
        f"{report.pages} pages, {report.bytes} bytes, {report.errors} errors, "
        f"{report.queued} still queued, {report.failed} failed, {report.recovered} recovered"
    )
    for site in report.sites:
        extra = f" ({site['relation']} of {site['site']})" if site["relation"] != "site" else ""
        stop = f" stopped: {site['stopped']}" if site["stopped"] else ""
        _out.print(f"  {site['onion']}: {site['pages']} pages{extra}{stop}")
    for clone in report.clones:
        _out.print(f"  CLONE {clone['onion']} imitates {clone['imitates']}: {clone['reasons']}")
    _out.print(f"report: {out / 'crawl-report.json'}")


def _table_empty() -> Table:
    return Table(title="starting")


def captcha(
    crawl_dir: Annotated[Path, typer.Option("--crawl", help="Crawl folder.")],
    once: Annotated[bool, typer.Option("--once", help="Answer what waits now, then stop.")] = False,
) -> None:
    """Answer the crawler's CAPTCHAs in the terminal (Ctrl-C stops)."""
    from rich.prompt import Prompt

    from darkrange.collect.crawl import answer_captcha, pending_captchas
    from darkrange.collect.crawl._captcha import render_png

    try:
        while True:
            waiting = pending_captchas(crawl_dir)
            for ident, host, url, image in waiting:
                _out.print(f"CAPTCHA {ident} from {host}\n  {url}\n  image: {image}")
                try:
                    for line in render_png(Path(image)):
                        _out.print(line)
                except OSError:
                    _out.print("  (cannot show the image here; open the file)")
                answer = Prompt.ask("text (empty: skip)", default="", console=_out)
                if answer and not answer_captcha(crawl_dir, ident, answer):
                    _out.print("  too late: that CAPTCHA is no longer waiting")
            if once:
                return
            if not waiting:
                time.sleep(1.0)
    except KeyboardInterrupt:
        return


def register_crawl(app: typer.Typer) -> None:
    app.command("crawl")(crawl)
    app.command("captcha")(captcha)
