"""CLI: retention (`case retention due|erase|extend`), disclosure with four eyes
(`case disclose|approve|refuse|export|report`), `case import`, `case correct`, `case notices`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkrange.case._cli import Db, User, Why, acting, out, table
from darkrange.case._cli_case import CaseId, case_app

retention_app = typer.Typer(
    help="Review deadlines per data-subject category (R5).", no_args_is_help=True
)
case_app.add_typer(retention_app, name="retention")
PersonId = Annotated[int, typer.Argument(help="Person id.")]
RequestId = Annotated[int, typer.Argument(help="Disclosure request id.")]


@retention_app.command("due")
def retention_due(
    case: Annotated[int | None, typer.Option("--case", help="Only this case.")] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Records whose review date has come: erase each or justify keeping it."""
    from darkrange.case._retention import due

    with acting(db, user) as actor:
        rows = due(actor, case)
    table(
        [
            (
                d.case_id,
                d.person_id,
                d.pseudonym,
                d.category,
                f"{d.review_due:%Y-%m-%d}",
                d.overdue_days,
            )
            for d in rows
        ],
        ("case", "person", "pseudonym", "category", "review due", "days over"),
    )
    out.print(f"{len(rows)} record(s) due for review")


@retention_app.command("erase")
def retention_erase(
    person: PersonId, justification: Why = "", db: Db = None, user: User = None
) -> None:
    """Erase a person's personal data, keeping a metadata trace."""
    from darkrange.case._retention import erase

    with acting(db, user) as actor:
        erase(actor, person, justification)
    out.print(f"person {person} erased")


@retention_app.command("extend")
def retention_extend(
    person: PersonId,
    justification: Why = "",
    period: Annotated[
        str | None, typer.Option("--by", help="Such as 6m or 1y (default: the plan's).")
    ] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Keep a record for another period, with the justification."""
    from darkrange.case._retention import extend

    with acting(db, user) as actor:
        row = extend(actor, person, justification, period)
    out.print(f"person {person}: next review {row.review_due:%Y-%m-%d}")


@case_app.command("disclose")
def disclose(
    case: CaseId,
    fmt: Annotated[str, typer.Option("--format", help="stix|misp|graphml|csv|report")],
    recipients: Annotated[list[str], typer.Option("--recipient", help="Who receives it (repeat).")],
    justification: Why = "",
    reveal: Annotated[
        bool,
        typer.Option("--reveal-protected", help="Do not pseudonymise victims and other parties."),
    ] = False,
    db: Db = None,
    user: User = None,
) -> None:
    """Ask to disclose a case; a different supervisor must approve before export."""
    from darkrange.case._disclosure import request

    with acting(db, user) as actor:
        ask = request(actor, case, fmt, recipients, justification, pseudonymise=not reveal)
    out.print(f"disclosure request {ask.id} pending a supervisor's approval")


def _decide(
    request_id: int, approve: bool, justification: str, db: str | None, user: str | None
) -> None:
    from darkrange.case._disclosure import decide

    with acting(db, user) as actor:
        ask = decide(actor, request_id, approve, justification)
    out.print(f"disclosure request {request_id} {ask.status}")


@case_app.command("approve")
def approve(
    request_id: RequestId, justification: Why = "", db: Db = None, user: User = None
) -> None:
    """Approve a disclosure request (a supervisor other than the one who asked)."""
    _decide(request_id, True, justification, db, user)


@case_app.command("refuse")
def refuse(
    request_id: RequestId, justification: Why = "", db: Db = None, user: User = None
) -> None:
    """Refuse a disclosure request."""
    _decide(request_id, False, justification, db, user)


def _release(
    request_id: int, target: Path, want_report: bool, db: str | None, user: str | None
) -> None:
    from darkrange import share
    from darkrange.case._disclosure import output_digest, release
    from darkrange.case._formats import write
    from darkrange.case._schema_case import Disclosure
    from darkrange.errors import InputError

    with acting(db, user) as actor:
        ask = actor.session.get(Disclosure, request_id)
        if ask is not None and (ask.format == "report") != want_report:
            command = "report" if ask.format == "report" else "export"
            raise InputError(f"request {request_id} is for {ask.format}: use `case {command}`")

        def writer(snap: share.CaseSnapshot, pseudonymise: bool) -> list[Path]:
            return write(snap, ask.format if ask else "", target, pseudonymise, actor.now())

        done, paths = release(actor, request_id, writer)
        done.output_sha256 = output_digest([p for p in paths if p.is_file()])
    for path in paths:
        out.print(f"wrote {path}")
    out.print(f"disclosed to {', '.join(done.recipients)} (logged; sha256 {done.output_sha256})")


@case_app.command("export")
def export(
    request_id: RequestId,
    out_path: Annotated[Path, typer.Option("--out", help="File to write (a folder for csv).")],
    db: Db = None,
    user: User = None,
) -> None:
    """Write an approved disclosure as STIX, MISP, GraphML or CSV; logged as a disclosure."""
    _release(request_id, out_path, False, db, user)


@case_app.command("report")
def report(
    request_id: RequestId,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for report.html and report.pdf.")],
    db: Db = None,
    user: User = None,
) -> None:
    """Write an approved court report (HTML and PDF); logged as a disclosure."""
    _release(request_id, out_dir, True, db, user)


@case_app.command("import")
def import_(
    case: CaseId,
    file: Annotated[Path, typer.Argument(help="A partner's STIX bundle or MISP event (JSON).")],
    fmt: Annotated[str, typer.Option("--format", help="stix|misp")],
    partner: Annotated[str, typer.Option("--partner", help="Agency that sent it.")],
    justification: Why = "",
    db: Db = None,
    user: User = None,
) -> None:
    """Import a partner's data into a case, keeping its provenance."""
    from darkrange.case._formats import read
    from darkrange.case._import import import_snapshot
    from darkrange.errors import InputError

    if fmt not in ("stix", "misp"):
        raise InputError("--format must be stix or misp")
    with acting(db, user) as actor:
        snap = read(file, fmt, partner, actor.now())
        counts = import_snapshot(actor, case, snap, partner, fmt, justification)
    out.print("imported " + (", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing"))


@case_app.command("correct")
def correct(
    case: CaseId,
    ref: Annotated[str, typer.Argument(help="The wrong item, kind:id (such as note:4).")],
    justification: Why = "",
    db: Db = None,
    user: User = None,
) -> None:
    """Mark an item wrong (a note is retracted) and list recipients who must be told (R4)."""
    from darkrange.case._disclosure import found_wrong

    with acting(db, user) as actor:
        notices = found_wrong(actor, case, ref, justification)
        rows = [(n.id, n.recipient, n.disclosure_id, n.item) for n in notices]
    table(rows, ("notice", "recipient", "disclosure", "item"))


@case_app.command("notices")
def notices(
    case: CaseId,
    sent: Annotated[int | None, typer.Option("--sent", help="Mark this notice as sent.")] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Correction notices owed to recipients; --sent ID records one as sent."""
    from darkrange.case._disclosure import mark_sent
    from darkrange.case._disclosure import notices as listed

    with acting(db, user) as actor:
        if sent is not None:
            mark_sent(actor, sent)
        rows = [
            (
                n.id,
                n.recipient,
                n.item,
                n.reason,
                f"{n.sent_at:%Y-%m-%d}" if n.sent_at else "NOT SENT",
            )
            for n in listed(actor, case)
        ]
    table(rows, ("notice", "recipient", "item", "reason", "sent"))
