"""CLI for collection: `darkrange evidence keygen | package | verify | show`.

The crawler's `crawl` and `captcha` commands will join this module; each group keeps its
own Typer app and is attached in `register`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from darkrange.errors import FormatError, InputError

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

evidence_app = typer.Typer(
    help="Evidence: signing keys, signed WACZ packages, verification, safe replay.",
    no_args_is_help=True,
)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    with Progress(console=_err, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@evidence_app.command()
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Private key file to write (mode 0600).")],
) -> None:
    """Write an agency signing key (ed25519, PEM) and KEYFILE.pub beside it."""
    from darkrange.collect.evidence import fingerprint, generate_key, load_public_key

    private, public = generate_key(out)
    typer.echo(f"private key: {private} (mode 0600; keep it offline)")
    typer.echo(f"public key:  {public}")
    typer.echo(f"fingerprint: {fingerprint(load_public_key(public))}")


@evidence_app.command()
def package(
    crawl: Annotated[Path, typer.Option("--crawl", help="Crawl folder (its warc/ files).")],
    out: Annotated[Path, typer.Option("--out", help="Package to write, FILE.wacz.")],
    key: Annotated[Path, typer.Option("--key", help="Agency private key (from keygen).")],
    tsa: Annotated[
        str | None, typer.Option("--tsa", help="RFC 3161 time-stamping authority URL.")
    ] = None,
) -> None:
    """Verify the crawl's WARCs and write a signed WACZ 1.2.0 package."""
    from darkrange.collect.evidence import build_package, load_private_key, request_timestamp

    private = load_private_key(key)
    stamper = None
    if tsa is not None:
        if not tsa.startswith(("http://", "https://")):
            raise InputError(f"--tsa wants an http(s) URL, got {tsa!r}")

        def stamper(imprint: bytes) -> bytes:
            return request_timestamp(tsa, imprint)

    with _progress("packaging") as progress:
        summary = build_package(crawl, out, private, stamper, progress)
    typer.echo(
        f"wrote {summary.path}: {len(summary.warcs)} WARC file(s), {summary.records} record(s), "
        f"{summary.pages} page(s), {summary.bytes} bytes"
    )
    typer.echo(f"package sha256: {summary.digest}")
    typer.echo(f"signed {summary.created} by {summary.signer}")
    if summary.timestamped:
        typer.echo(f"timestamped by {tsa}")


def _verify_warcs(target: Path) -> int:
    from darkrange.collect.evidence import find_warcs, verify_warc

    files = [target] if target.is_file() else find_warcs(target)
    bad = 0
    for path in files:
        report = verify_warc(path)
        counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items())
        mark = "ok" if report.ok else "FAILED"
        typer.echo(f"{path.name}: {mark} ({counts})")
        for problem in report.problems:
            _err.print(f"  {problem}")
        bad += not report.ok
    return bad


@evidence_app.command()
def verify(
    target: Annotated[Path, typer.Argument(help="FILE.wacz, a .warc.gz, or a crawl folder.")],
    pubkey: Annotated[
        Path | None, typer.Option("--pubkey", help="Trusted agency public key (KEY.pub).")
    ] = None,
) -> None:
    """Check every byte, record, digest and the signature; non-zero exit when anything is off."""
    from darkrange.collect.evidence import load_public_key, verify_package

    if not target.exists():
        raise InputError(f"{target}: no such file or folder")
    if not target.name.endswith(".wacz"):
        if pubkey is not None:
            raise InputError("--pubkey applies to .wacz packages only")
        bad = _verify_warcs(target)
        if bad:
            raise FormatError(f"{bad} WARC file(s) failed verification")
        return
    trusted = load_public_key(pubkey) if pubkey is not None else None
    report = verify_package(target, trusted)
    typer.echo(f"package: {report.file} ({report.digest})")
    typer.echo(f"files: {report.files}, records: {report.records}, pages: {report.pages}")
    if report.signer:
        checked = "matches --pubkey" if report.key_checked and report.ok else "not checked"
        typer.echo(f"signer: ed25519 {report.signer} ({checked})")
        typer.echo(f"signed: {report.signed_at}")
    if report.timestamp:
        typer.echo(f"timestamp: {report.timestamp} by {report.timestamp_authority}")
    for warning in report.warnings:
        _err.print(f"warning: {warning}")
    for problem in report.problems:
        _err.print(f"  {problem}")
    if not report.ok:
        first = report.problems[0]
        raise FormatError(
            f"package FAILED verification ({len(report.problems)} problem(s)): {first}"
        )
    typer.echo("verified: intact")


@evidence_app.command()
def show(
    source: Annotated[Path, typer.Argument(help="FILE.wacz or a crawl folder.")],
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free).")] = 8090,
) -> None:
    """Browse captured pages on 127.0.0.1 with scripts disabled (Ctrl-C stops)."""
    from darkrange.collect.evidence import ReplayServer, verify_package

    if not 0 <= port <= 65535:
        raise InputError(f"--port {port} is not a port number")
    status = ""
    if source.is_file() and source.name.endswith(".wacz"):
        report = verify_package(source)
        status = "Package verified: intact." if report.ok else "Package FAILED verification."
    try:
        server = ReplayServer(source, port, status)
    except OSError as exc:
        raise InputError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror})") from None
    typer.echo(f"{status} Serving {len(server.pages())} page(s) on {server.url} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
    from darkrange.collect.crawl import register_crawl

    register_crawl(app)
