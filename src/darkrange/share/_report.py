"""The court report: one HTML file (Jinja2) and its PDF, from a case snapshot.

The report lists the case and its legal basis, every evidence package with its SHA-256, the
chain of custody of each, persons and accounts, identities with their evidence (suggestions
marked as such), selectors and wallets, payment traces with their pictures, notes marked fact
or assessment, the methods used, and the Europol evaluation code of every item (S6).

PDF: WeasyPrint when it imports (it needs Pango), else headless Chromium at
/usr/bin/chromium, else none; `pdf_renderer()` says which.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import warnings
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from darkrange.errors import StateError
from darkrange.share._codes import HANDLING_MEANINGS, INFORMATION_MEANINGS, SOURCE_MEANINGS
from darkrange.share._pseudonym import pseudonymise as _pseudonymise
from darkrange.share._snapshot import Account, CaseSnapshot, CustodyEntry

CHROMIUM = Path("/usr/bin/chromium")


def pdf_renderer() -> str | None:
    """`weasyprint`, `chromium` or None: what `court_report` will use for the PDF."""
    try:
        with warnings.catch_warnings():
            # WeasyPrint warns at import when HarfBuzz-Subset is missing; it still works.
            warnings.simplefilter("ignore", DeprecationWarning)
            import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    except (ImportError, OSError):  # OSError: the Pango libraries are missing
        return "chromium" if CHROMIUM.exists() else None
    return "weasyprint"


def render_html(snapshot: CaseSnapshot, *, now: datetime | None = None) -> str:
    env = Environment(
        loader=PackageLoader("darkrange.share", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    accounts_of: dict[str, list[Account]] = defaultdict(list)
    for a in snapshot.accounts:
        if a.person_id:
            accounts_of[a.person_id].append(a)
    custody: dict[str, list[CustodyEntry]] = defaultdict(list)
    for c in snapshot.custody:
        custody[c.evidence_id].append(c)
    return env.get_template("report.html").render(
        snap=snapshot,
        case=snapshot.case,
        generated=_fmt(now or datetime.now(UTC)),
        fmt=_fmt,
        accounts_of=accounts_of,
        account_names={a.id: f"{a.handle} @ {a.site}" for a in snapshot.accounts},
        custody=custody,
        pictures={t.id: _data_uri(t.picture) for t in snapshot.traces},
        source_meanings=SOURCE_MEANINGS,
        information_meanings=INFORMATION_MEANINGS,
        handling_meanings=HANDLING_MEANINGS,
    )


def court_report(
    snapshot: CaseSnapshot,
    out_dir: Path,
    *,
    pseudonymise: bool = False,
    pdf: bool = True,
    now: datetime | None = None,
) -> tuple[Path, Path | None]:
    """Write `report-<case>.html` and, when a renderer exists, `report-<case>.pdf`.

    The court sees real names by default; `pseudonymise=True` gives a report for others.
    Returns the HTML path and the PDF path (None when no renderer is available or `pdf` is
    False).
    """
    snap = _pseudonymise(snapshot) if pseudonymise else snapshot
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StateError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    stem = "report-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in snap.case.id)
    html_path = out_dir / f"{stem}.html"
    html = render_html(snap, now=now)
    _write_atomic(html_path, html.encode())
    pdf_path = out_dir / f"{stem}.pdf"
    renderer = pdf_renderer() if pdf else None
    if renderer == "weasyprint":
        import weasyprint

        _write_atomic(pdf_path, weasyprint.HTML(string=html, base_url=str(out_dir)).write_pdf())
    elif renderer == "chromium":
        _chromium_pdf(html_path, pdf_path)
    else:
        return html_path, None
    return html_path, pdf_path


def _chromium_pdf(html_path: Path, pdf_path: Path) -> None:
    args = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        f"--print-to-pdf={pdf_path}",
        html_path.resolve().as_uri(),
    ]
    done = subprocess.run(args, capture_output=True, timeout=120, check=False)
    if done.returncode != 0 or not pdf_path.exists():
        raise StateError(f"chromium could not print {html_path} to PDF")


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        shutil.move(tmp, path)
    except OSError as exc:
        raise StateError(f"cannot write {path}: {exc.strerror or exc}") from None


def _fmt(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if value else ""


def _data_uri(picture: str | None) -> str:
    """The picture inlined, so the HTML is one self-contained file; empty when unreadable."""
    if not picture:
        return ""
    try:
        data = Path(picture).read_bytes()
    except OSError:
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode()
