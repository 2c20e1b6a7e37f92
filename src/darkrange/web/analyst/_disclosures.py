"""Exports behind the four-eyes rule, through darkrange.case's disclosure functions: a member
asks, a different supervisor on the case approves or refuses, and only then does the member who
asked download it, once; the release is logged as a disclosure with its recipients."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from darkrange import share
from darkrange.case import Actor, decide, release, request
from darkrange.case._disclosure import output_digest
from darkrange.case._formats import write
from darkrange.case._schema_case import Disclosure
from darkrange.errors import InputError
from darkrange.web._auth import WebUser, actor
from darkrange.web.analyst._common import AnalystUser, clean_why, with_why

router = APIRouter()

SUFFIX = {"stix": ".stix.json", "misp": ".misp.json", "graphml": ".graphml"}


def _back(case_id: int, why: str) -> RedirectResponse:
    return RedirectResponse(
        with_why(f"/cases/{case_id}", clean_why(why) or "disclosure workflow") + "#disclosures",
        status_code=303,
    )


@router.post("/cases/{case_id}/disclosures", response_model=None)
def ask(
    req: Request,
    case_id: int,
    fmt: str = Form(..., alias="format"),
    recipients: str = Form(""),
    justification: str = Form(""),
    reveal: str = Form(""),
    why: str = Form(""),
    user: WebUser = AnalystUser,
) -> RedirectResponse:
    """Request a disclosure (format, recipients, reason); pseudonymised unless asked not to."""
    names = [r for r in recipients.replace(";", ",").split(",") if r.strip()]
    with actor(req) as a:
        request(a, case_id, fmt, names, justification, pseudonymise=reveal != "yes")
    return _back(case_id, why)


@router.post("/disclosures/{request_id}/decide", response_model=None)
def decide_request(
    req: Request,
    request_id: int,
    decision: str = Form(...),
    justification: str = Form(""),
    why: str = Form(""),
    user: WebUser = AnalystUser,
) -> RedirectResponse:
    """A supervisor on the case, not the one who asked, approves or refuses."""
    if decision not in ("approve", "refuse"):
        raise InputError("the decision is approve or refuse")
    with actor(req) as a:
        done = decide(a, request_id, decision == "approve", justification)
        case_id = done.case_id
    return _back(case_id, why)


@router.post("/disclosures/{request_id}/download", response_model=None)
def download(req: Request, request_id: int, user: WebUser = AnalystUser) -> Response:
    """Release an approved request and send the files; logged as a disclosure (one time)."""
    with tempfile.TemporaryDirectory(prefix="darkrange-disclosure-") as tmp:
        with actor(req) as a:
            fmt = _format_of(a, request_id)

            def writer(snap: share.CaseSnapshot, pseudonymise: bool) -> list[Path]:
                return write(snap, fmt, Path(tmp) / "out", pseudonymise, a.now())

            done, paths = release(a, request_id, writer)
            done.output_sha256 = output_digest([p for p in paths if p.is_file()])
            case_id = done.case_id
        body, name, kind = _package(Path(tmp) / "out", fmt, case_id, request_id)
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=kind, headers=headers)


def _format_of(a: Actor, request_id: int) -> str:
    ask_row = a.session.get(Disclosure, request_id)
    if ask_row is None:
        raise InputError(f"no disclosure request {request_id}")
    return ask_row.format


def _package(out: Path, fmt: str, case_id: int, request_id: int) -> tuple[bytes, str, str]:
    """One file as it is; a folder (CSV, court report) as a zip."""
    stem = f"case-{case_id}-disclosure-{request_id}"
    if out.is_file():
        kind = "application/xml" if fmt == "graphml" else "application/json"
        return out.read_bytes(), stem + SUFFIX.get(fmt, ""), kind
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(out.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(out).as_posix())
    return buffer.getvalue(), f"{stem}-{fmt}.zip", "application/zip"
