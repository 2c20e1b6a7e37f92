"""CLI: `darkrange case ...`, `darkrange user ...` and `darkrange audit ...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkrange.case._cli import Db, User, acting, out, password, store, table
from darkrange.case._cli_case import case_app
from darkrange.errors import FormatError, InputError

user_app = typer.Typer(help="User accounts and roles (argon2 passwords).", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log: verify, read, export signed.", no_args_is_help=True)
db_app = typer.Typer(help="The case database: migrations.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    case_app.add_typer(db_app, name="db")
    app.add_typer(case_app, name="case")
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")


@db_app.command("upgrade")
def db_upgrade(db: Db = None) -> None:
    """Create or migrate the case database to the current schema."""
    from darkrange.case._migrate import upgrade
    from darkrange.case._store import Store

    opened = Store.open(db)
    try:
        revision = upgrade(opened)
    finally:
        opened.close()
    out.print(f"case database {opened.where} at revision {revision}")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="New user name.")],
    role: Annotated[
        str, typer.Option("--role", help="admin|analyst|auditor|supervisor|trainee|trainer")
    ],
    db: Db = None,
    user: User = None,
) -> None:
    """Add a user (an admin acts; the very first user is an admin and needs no --user).
    The new password comes from DARKRANGE_NEW_PASSWORD or a prompt."""
    from darkrange.case._store import Store
    from darkrange.case._users import add_user, bootstrap_admin

    secret = password(f"password for {name}", "DARKRANGE_NEW_PASSWORD")
    if user is None and not _has_env_user():
        with store(db) as opened:
            assert isinstance(opened, Store)
            if role != "admin":
                raise InputError("the first user of a database is an admin (--role admin)")
            with opened.session() as session:
                bootstrap_admin(session, opened.clock, name, secret)
    else:
        with acting(db, user) as actor:
            add_user(actor, name, role, secret)
    out.print(f"added {role} {name}")


def _has_env_user() -> bool:
    import os

    return bool(os.environ.get("DARKRANGE_USER"))


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str | None, typer.Argument(help="Whose password (default: yours).")] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Change a password (yours, or anyone's as admin); new one from DARKRANGE_NEW_PASSWORD."""
    from darkrange.case._users import set_password

    with acting(db, user) as actor:
        target = name or actor.name
        set_password(
            actor, target, password(f"new password for {target}", "DARKRANGE_NEW_PASSWORD")
        )
    out.print(f"password changed for {target}")


@user_app.command("list")
def user_list(db: Db = None, user: User = None) -> None:
    """List users and roles (admins only)."""
    from darkrange.case._users import list_users

    with acting(db, user) as actor:
        rows = [
            (u.username, u.role, "yes" if u.active else "no", f"{u.created_at:%Y-%m-%d}")
            for u in list_users(actor)
        ]
    table(rows, ("user", "role", "active", "created"))


@audit_app.command("verify")
def audit_verify(db: Db = None, user: User = None) -> None:
    """Re-hash the whole audit log; names the first edited or removed entry (exit 1 if any)."""
    from darkrange.case._access import require
    from darkrange.case._audit import verify_audit

    with acting(db, user) as actor:
        require(actor, "audit.verify")
        verdict = verify_audit(actor.session)
    if not verdict.ok:
        raise FormatError(f"audit log {verdict}")
    out.print(f"audit log {verdict}")


@audit_app.command("log")
def audit_log(
    case: Annotated[int | None, typer.Option("--case", help="Only this case.")] = None,
    after: Annotated[int, typer.Option("--after", help="Entries after this seq.")] = 0,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 100,
    db: Db = None,
    user: User = None,
) -> None:
    """Read the audit log (auditors; supervisors for cases they are on, with --case)."""
    from darkrange.case._access import case_for, require
    from darkrange.case._audit import entries

    with acting(db, user) as actor:
        require(actor, "audit.read")
        if actor.user.role != "auditor":
            if case is None:
                raise InputError("a supervisor reads the log of one case: --case ID")
            case_for(actor, case)
        rows = entries(actor.session, case, after, limit)
    table(
        [
            (
                e.seq,
                e.at,
                e.user,
                e.action,
                e.case_id,
                e.object,
                e.justification,
                ", ".join(e.recipients),
            )
            for e in rows
        ],
        ("seq", "time", "user", "action", "case", "object", "justification", "recipients"),
    )


@audit_app.command("export")
def audit_export(
    out_file: Annotated[Path, typer.Option("--out", help="JSON file to write.")],
    key: Annotated[
        Path, typer.Option("--key", help="Agency ed25519 key (darkrange evidence keygen).")
    ],
    case: Annotated[int | None, typer.Option("--case", help="Only this case's entries.")] = None,
    tsa: Annotated[
        str | None, typer.Option("--tsa", help="RFC 3161 time-stamping authority URL.")
    ] = None,
    db: Db = None,
    user: User = None,
) -> None:
    """Export the audit log signed (ed25519) for a supervisory authority (auditors)."""
    from darkrange.case._export import export_audit
    from darkrange.collect.evidence import load_private_key, request_timestamp

    private = load_private_key(key)
    stamper = (lambda imprint: request_timestamp(tsa, imprint)) if tsa else None
    with acting(db, user) as actor:
        doc = export_audit(actor, private, out_file, case, stamper)
    stamped = f", timestamped {doc['timestamp']['time']}" if "timestamp" in doc else ""
    out.print(
        f"wrote {out_file}: {len(doc['entries'])} entries, "
        f"signed by {doc['signature']['fingerprint']}{stamped}"
    )


@audit_app.command("check-export")
def audit_check_export(
    file: Annotated[Path, typer.Argument(help="A signed audit export.")],
    pubkey: Annotated[Path, typer.Option("--pubkey", help="The agency's public key (KEY.pub).")],
) -> None:
    """Check a signed audit export: the signature against a trusted key, and the chain."""
    from darkrange.case._export import verify_export
    from darkrange.collect.evidence import load_public_key

    verdict = verify_export(file, load_public_key(pubkey))
    if not verdict.ok:
        raise FormatError(f"{file.name}: {verdict}")
    out.print(f"{file.name}: signature valid, {verdict}")
