"""CLI: `darkrange case create|list|show|add-...|evidence ...|confirm|close`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkrange.case._cli import Db, User, Why, acting, out, table

case_app = typer.Typer(
    help="Cases: members, evidence and custody, persons, notes, rights.", no_args_is_help=True
)
evidence_app = typer.Typer(
    help="Evidence items of a case and their chain of custody.", no_args_is_help=True
)
case_app.add_typer(evidence_app, name="evidence")
CaseId = Annotated[int, typer.Argument(help="Case id.")]
Eval = Annotated[
    str,
    typer.Option(
        "--eval", help="Europol evaluation: source A/B/C/X + information 1-4, such as B2."
    ),
]
Handling = Annotated[str, typer.Option("--handling", help="Handling code H0-H3.")]


def _eval(code: str) -> tuple[str, int]:
    from darkrange.errors import InputError

    if len(code) != 2 or not code[1].isdigit():
        raise InputError(
            f"--eval wants a source letter and an information digit, such as B2, not {code!r}"
        )
    return code[0].upper(), int(code[1])


@case_app.command("create")
def create(
    title: Annotated[str, typer.Option("--title", help="Case title.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Why the case exists (R2).")],
    legal_basis: Annotated[str, typer.Option("--legal-basis", help="The law that allows it (R2).")],
    agency: Annotated[str, typer.Option("--agency", help="Owning agency.")],
    tlp: Annotated[str, typer.Option("--tlp", help="clear|green|amber|amber+strict|red")] = "amber",
    retention: Annotated[
        str | None,
        typer.Option(
            "--retention", help="Review periods, such as suspect=3y,victim=1y,other_party=6m."
        ),
    ] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Open a case: purpose and legal basis first, you become its owner."""
    from darkrange.case._cases import create_case

    with acting(db, user) as actor:
        case = create_case(actor, title, purpose, legal_basis, agency, tlp=tlp, retention=retention)
    out.print(f"case {case.id} created: {case.title}")


@case_app.command("list")
def list_(db: Db = None, user: User = None) -> None:
    """Cases you are a member of."""
    from darkrange.case._cases import list_cases

    with acting(db, user) as actor:
        rows = [
            (c.id, c.title, c.tlp, c.owner_agency, "closed" if c.closed_at else "open")
            for c in list_cases(actor)
        ]
    table(rows, ("id", "title", "TLP", "agency", "state"))


@case_app.command("show")
def show(case: CaseId, justification: Why = "", db: Db = None, user: User = None) -> None:
    """Show a case (a consultation: --justification is required and logged)."""
    from darkrange.case._cases import consult

    with acting(db, user) as actor:
        view = consult(actor, case, justification)
        c = view.case
        out.print(f"case {c.id}: {c.title}  [TLP:{c.tlp.upper()} {c.handling}]  {c.owner_agency}")
        out.print(f"purpose: {c.purpose}\nlegal basis: {c.legal_basis}")
        out.print(f"retention plan (days): {c.retention_plan}")
        out.print("members: " + "; ".join(f"{u} ({r}): {n}" for u, r, n in view.members))
        out.print("holds: " + ", ".join(f"{n} {k}" for k, n in view.counts.items() if n))
        for task in view.tasks:
            out.print(f"task {task.id} [{task.status}]: {task.title}")
        for due in view.due:
            out.print(
                f"[bold red]review due[/]: person {due.person_id} ({due.pseudonym}, "
                f"{due.category}) since {due.review_due:%Y-%m-%d}"
            )


@case_app.command("add-member")
def add_member(
    case: CaseId,
    member: Annotated[str, typer.Argument(help="User to add.")],
    need_to_know: Annotated[str, typer.Option("--need-to-know", help="Why they need to see it.")],
    db: Db = None,
    user: User = None,
) -> None:
    """Give a user access to a case, stating their need to know."""
    from darkrange.case._cases import add_member as add

    with acting(db, user) as actor:
        add(actor, case, member, need_to_know)
    out.print(f"{member} added to case {case}")


@case_app.command("add-task")
def add_task(
    case: CaseId,
    title: Annotated[str, typer.Option("--title", help="What to do.")],
    assign: Annotated[str | None, typer.Option("--assign", help="Member to do it.")] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Add a task to a case."""
    from darkrange.case._cases import add_task as add

    with acting(db, user) as actor:
        task = add(actor, case, title, assign)
    out.print(f"task {task.id} added")


@case_app.command("close")
def close(case: CaseId, justification: Why = "", db: Db = None, user: User = None) -> None:
    """Close a case (owner, supervisor or trainer)."""
    from darkrange.case._cases import close_case

    with acting(db, user) as actor:
        close_case(actor, case, justification)
    out.print(f"case {case} closed")


@case_app.command("add-person")
def add_person(
    case: CaseId,
    category: Annotated[
        str, typer.Option("--category", help="suspect|convicted|victim|other_party")
    ],
    name: Annotated[str | None, typer.Option("--name", help="Name, if known.")] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="For other parties: witness|contact|bystander.")
    ] = None,
    description: Annotated[str, typer.Option("--description", help="Free text.")] = "",
    db: Db = None,
    user: User = None,
) -> None:
    """Record a person with their data-subject category (a collection)."""
    from darkrange.case._items import add_person as add

    with acting(db, user) as actor:
        person = add(actor, case, category, name, role=role, description=description)
    out.print(
        f"person {person.id} ({person.pseudonym}, {person.category}), "
        f"review due {person.review_due:%Y-%m-%d}"
    )


@case_app.command("add-account")
def add_account(
    case: CaseId,
    site: Annotated[str, typer.Option("--site", help="Onion host of the site.")],
    handle: Annotated[str, typer.Option("--handle", help="The account's handle.")],
    person: Annotated[int | None, typer.Option("--person", help="Whose account, if known.")] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Record an account on a site."""
    from darkrange.case._items import add_account as add

    with acting(db, user) as actor:
        account = add(actor, case, site, handle, person)
    out.print(f"account {account.id} added")


@case_app.command("add-selector")
def add_selector(
    case: CaseId,
    kind: Annotated[str, typer.Option("--kind", help="onion, btc, xmr, eth, pgp, email, ...")],
    value: Annotated[str, typer.Option("--value", help="The selector.")],
    source: Annotated[str, typer.Option("--source", help="Where it was seen (URL).")] = "",
    account: Annotated[int | None, typer.Option("--account", help="Account it belongs to.")] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Record a selector."""
    from darkrange.case._items import add_selector as add

    with acting(db, user) as actor:
        selector = add(actor, case, kind, value, source, account)
    out.print(f"selector {selector.id} added")


@case_app.command("add-note")
def add_note(
    case: CaseId,
    text: Annotated[str, typer.Option("--text", help="The statement.")],
    kind: Annotated[str, typer.Option("--kind", help="fact|assessment")],
    about: Annotated[
        list[str] | None, typer.Option("--about", help="Item it is about, kind:id (repeat).")
    ] = None,
    evaluation: Eval = "X4",
    handling: Handling = "H2",
    db: Db = None,
    user: User = None,
) -> None:
    """Record a statement marked fact or assessment, with its evaluation."""
    from darkrange.case._items import add_note as add

    source, information = _eval(evaluation)
    with acting(db, user) as actor:
        note = add(
            actor,
            case,
            text,
            kind,
            about=about or [],
            source=source,
            information=information,
            handling=handling,
        )
    out.print(
        f"note {note.id} added ({note.kind}, "
        f"{note.eval_source}{note.eval_information} {note.handling})"
    )


@case_app.command("suggest-identity")
def suggest_identity(
    case: CaseId,
    accounts: Annotated[list[int], typer.Option("--account", help="Account id (repeat).")],
    score: Annotated[float, typer.Option("--score", help="0..1")],
    method: Annotated[str, typer.Option("--method", help="Tool or method that suggests it.")],
    person: Annotated[
        int | None, typer.Option("--person", help="Person the accounts belong to.")
    ] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Record an automated link between accounts: a suggestion until someone confirms it."""
    from darkrange.case._attribution import suggest_identity as suggest

    with acting(db, user) as actor:
        identity = suggest(actor, case, accounts, score, method, person_id=person)
    out.print(f"identity {identity.id} suggested")


@case_app.command("add-cluster")
def add_cluster(
    case: CaseId,
    cluster: Annotated[str, typer.Option("--cluster", help="Cluster id from the chain tools.")],
    addresses: Annotated[list[str], typer.Option("--address", help="Address (repeat).")],
    person: Annotated[int | None, typer.Option("--person", help="Suggested owner.")] = None,
    method: Annotated[str, typer.Option("--method", help="How the owner was attributed.")] = "",
    db: Db = None,
    user: User = None,
) -> None:
    """Record a wallet (cluster); an owner given here is a suggestion until confirmed."""
    from darkrange.case._attribution import add_cluster as add

    with acting(db, user) as actor:
        row = add(actor, case, cluster, addresses, person_id=person, method=method)
    out.print(f"cluster {row.id} added")


@case_app.command("confirm")
def confirm(
    ref: Annotated[str, typer.Argument(help="identity:ID or cluster:ID")],
    justification: Why = "",
    db: Db = None,
    user: User = None,
) -> None:
    """Confirm an automated attribution in your name (R7)."""
    from darkrange.case._attribution import confirm as do

    with acting(db, user) as actor:
        do(actor, ref, justification)
    out.print(f"{ref} confirmed by {actor.name}")


@case_app.command("add-evidence")
def add_evidence(
    case: CaseId,
    package: Annotated[Path, typer.Argument(help="A signed WACZ package.")],
    pubkey: Annotated[
        Path | None, typer.Option("--pubkey", help="Trusted agency public key.")
    ] = None,
    vault: Annotated[
        Path | None,
        typer.Option("--vault", help="Evidence vault folder (default: DARKRANGE_EVIDENCE_DIR)."),
    ] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Verify a package, copy it read-only into the vault and start its custody."""
    from darkrange.case._evidence import add_evidence as add
    from darkrange.case._evidence import default_vault
    from darkrange.collect.evidence import load_public_key

    key = load_public_key(pubkey) if pubkey else None
    with acting(db, user) as actor:
        item = add(actor, case, package, vault or default_vault(), pubkey=key)
    out.print(f"evidence {item.id}: {item.file_name} sha256 {item.sha256} ({item.size} bytes)")


@evidence_app.command("show")
def evidence_show(
    item: Annotated[int, typer.Argument(help="Evidence id.")],
    justification: Why = "",
    db: Db = None,
    user: User = None,
) -> None:
    """Show an item with its whole chain of custody and whether the chain is intact."""
    from darkrange.case._evidence import show as do

    with acting(db, user) as actor:
        view = do(actor, item, justification)
        e = view.item
        out.print(
            f"evidence {e.id}: {e.file_name}\nsha256 {e.sha256}  {e.size} bytes  signer {e.signer}"
        )
        out.print(f"held at: {e.path or '(partner item: hash only)'}")
        table(
            [(c.seq, c.at, c.user, c.action, c.reason, c.hash[:16]) for c in view.custody],
            ("seq", "time", "who", "action", "why", "hash"),
        )
    out.print(f"custody chain {view.verdict}")
    if not view.verdict.ok:
        from darkrange.errors import FormatError

        raise FormatError(f"custody of evidence {item} is broken: {view.verdict}")


@evidence_app.command("log")
def evidence_log(
    item: Annotated[int, typer.Argument(help="Evidence id.")],
    action: Annotated[str, typer.Option("--action", help="received|analysed|moved|sealed|...")],
    justification: Why = "",
    db: Db = None,
    user: User = None,
) -> None:
    """Add a custody entry (a hand-over, a move, an analysis)."""
    from darkrange.case._evidence import log_custody

    with acting(db, user) as actor:
        entry = log_custody(actor, item, action, justification)
    out.print(f"custody entry {entry.seq} for evidence {item}")


@evidence_app.command("check")
def evidence_check(
    item: Annotated[int, typer.Argument(help="Evidence id.")], db: Db = None, user: User = None
) -> None:
    """Re-hash the vault copy against the hash taken at collection."""
    from darkrange.case._evidence import check
    from darkrange.errors import FormatError

    with acting(db, user) as actor:
        intact = check(actor, item)
    if not intact:
        raise FormatError(f"evidence {item}: the vault copy does not match its hash")
    out.print(f"evidence {item}: intact")


@evidence_app.command("copy")
def evidence_copy(
    item: Annotated[int, typer.Argument(help="Evidence id.")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to put the working copy.")],
    justification: Why = "",
    db: Db = None,
    user: User = None,
) -> None:
    """Make a working copy for analysis (noted in custody); the vault copy is never touched."""
    from darkrange.case._evidence import copy_out

    with acting(db, user) as actor:
        copy_out(actor, item, out_file, justification)
    out.print(f"working copy at {out_file}")


from darkrange.case import _cli_items, _cli_rights  # noqa: E402,F401  (attach more commands)
