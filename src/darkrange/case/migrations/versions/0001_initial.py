"""Initial schema: cases, items, users, the audit and custody logs, append-only triggers.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from darkrange.case.migrations.triggers import protect_logs, unprotect_logs

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("object", sa.String(length=200), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_case_id"), ["case_id"], unique=False)

    op.create_table(
        "chain_heads",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_chain_heads")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("owner_agency", sa.String(length=200), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("pap", sa.String(length=8), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("retention_plan", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_cases_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_table(
        "case_members",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("need_to_know", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_case_members_added_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_members_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_case_members")),
    )
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("pseudonymise", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("output_sha256", sa.String(length=64), nullable=True),
        sa.Column("included", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_disclosures_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_disclosures_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_disclosures_requested_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosures_case_id"), ["case_id"], unique=False)

    op.create_table(
        "evidence_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("signer", sa.String(length=80), nullable=False),
        sa.Column("captured_at", sa.DateTime(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_evidence_items_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_items")),
    )
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_items_case_id"), ["case_id"], unique=False)

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("about", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retracted_at", sa.DateTime(), nullable=True),
        sa.Column("retraction", sa.Text(), nullable=True),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_notes_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notes_case_id"), ["case_id"], unique=False)

    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("actor_type", sa.String(length=20), nullable=False),
        sa.Column("member_of", sa.Integer(), nullable=True),
        sa.Column("review_due", sa.DateTime(), nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=True),
        sa.Column("erased_by", sa.Integer(), nullable=True),
        sa.Column("erasure_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_persons_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["erased_by"], ["users.id"], name=op.f("fk_persons_erased_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["member_of"], ["persons.id"], name=op.f("fk_persons_member_of_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint("case_id", "pseudonym", name=op.f("uq_persons_case_id")),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_persons_case_id"), ["case_id"], unique=False)

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("onion", sa.String(length=80), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_sites_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("case_id", "onion", name=op.f("uq_sites_case_id")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sites_case_id"), ["case_id"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_tasks_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_tasks_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_tasks_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_case_id"), ["case_id"], unique=False)

    op.create_table(
        "traces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("hops", sa.JSON(), nullable=False),
        sa.Column("picture", sa.Text(), nullable=True),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_traces_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traces")),
    )
    with op.batch_alter_table("traces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_traces_case_id"), ["case_id"], unique=False)

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=80), nullable=False),
        sa.Column("handle", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_accounts_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_accounts_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_case_id"), ["case_id"], unique=False)

    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("cluster_ref", sa.String(length=80), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("addresses", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=80), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=200), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_clusters_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_clusters_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clusters")),
    )
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clusters_case_id"), ["case_id"], unique=False)

    op.create_table(
        "custody_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_items.id"],
            name=op.f("fk_custody_log_evidence_id_evidence_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_log")),
        sa.UniqueConstraint("evidence_id", "seq", name=op.f("uq_custody_log_evidence_id")),
    )
    with op.batch_alter_table("custody_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_log_evidence_id"), ["evidence_id"], unique=False
        )

    op.create_table(
        "identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("account_ids", sa.JSON(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=80), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=200), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_identities_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_identities_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identities")),
    )
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identities_case_id"), ["case_id"], unique=False)

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_notices_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["disclosure_id"], ["disclosures.id"], name=op.f("fk_notices_disclosure_id_disclosures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint(
            "disclosure_id", "recipient", "item", name=op.f("uq_notices_disclosure_id")
        ),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_case_id"), ["case_id"], unique=False)

    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("price", sa.String(length=80), nullable=False),
        sa.Column("seen", sa.DateTime(), nullable=True),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_listings_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_listings_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
    )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listings_case_id"), ["case_id"], unique=False)

    op.create_table(
        "selectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("eval_source", sa.String(length=1), nullable=False),
        sa.Column("eval_information", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("prov_partner", sa.String(length=200), nullable=True),
        sa.Column("prov_format", sa.String(length=10), nullable=True),
        sa.Column("prov_original_id", sa.String(length=200), nullable=True),
        sa.Column("prov_imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_selectors_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_selectors_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selectors")),
    )
    with op.batch_alter_table("selectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selectors_case_id"), ["case_id"], unique=False)

    protect_logs()
    op.bulk_insert(
        sa.table("chain_heads", sa.column("name"), sa.column("seq"), sa.column("hash")),
        [{"name": "audit", "seq": 0, "hash": "0" * 64}],
    )


def downgrade() -> None:
    unprotect_logs()
    with op.batch_alter_table("selectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selectors_case_id"))

    op.drop_table("selectors")
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listings_case_id"))

    op.drop_table("listings")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_case_id"))

    op.drop_table("notices")
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identities_case_id"))

    op.drop_table("identities")
    with op.batch_alter_table("custody_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_log_evidence_id"))

    op.drop_table("custody_log")
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clusters_case_id"))

    op.drop_table("clusters")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_case_id"))

    op.drop_table("accounts")
    with op.batch_alter_table("traces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_traces_case_id"))

    op.drop_table("traces")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_case_id"))

    op.drop_table("tasks")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_case_id"))

    op.drop_table("sites")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_case_id"))

    op.drop_table("persons")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notes_case_id"))

    op.drop_table("notes")
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_items_case_id"))

    op.drop_table("evidence_items")
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosures_case_id"))

    op.drop_table("disclosures")
    op.drop_table("case_members")
    op.drop_table("cases")
    op.drop_table("users")
    op.drop_table("chain_heads")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_case_id"))

    op.drop_table("audit_log")
