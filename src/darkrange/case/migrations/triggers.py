"""Database-level protection of the append-only logs: UPDATE and DELETE raise an error.

Anyone with the database owner's rights can still drop a trigger; `darkrange audit verify`
and the signed exports are what catch that.
"""

from __future__ import annotations

from alembic import op

LOGS = ("audit_log", "custody_log")


def protect_logs() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION darkrange_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'darkrange: % is append-only', TG_TABLE_NAME; END $$"
        )
        for table in LOGS:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION darkrange_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION darkrange_append_only()"
            )
        return
    for table in LOGS:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'darkrange: {table} is append-only'); END"
            )


def unprotect_logs() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in LOGS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS darkrange_append_only()")
        return
    for table in LOGS:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
