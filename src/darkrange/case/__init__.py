"""Cases: evidence, custody, audit, legal basis and data-subject rights.

A `Store` is one case database (SQLite by default, PostgreSQL when configured); `Store.acting`
opens a unit of work for a named user as an `Actor`, and every function here takes that actor,
checks the user's role and need to know, does the work and writes the audit log. Guide:
docs/cases.md; how each rights requirement is met: docs/rights.md.
"""

from darkrange.case._access import (
    PERMISSIONS,
    ROLES,
    AccessDenied,
    Actor,
    JustificationRequired,
)
from darkrange.case._attribution import add_cluster, confirm, suggest_identity
from darkrange.case._audit import ACTIONS, entries, record, verify_audit
from darkrange.case._cases import (
    Overview,
    add_member,
    add_task,
    close_case,
    consult,
    create_case,
    list_cases,
)
from darkrange.case._chain import ChainVerdict
from darkrange.case._clock import Clock, ManualClock, SystemClock
from darkrange.case._custody import CUSTODY_ACTIONS, custody_of, verify_custody
from darkrange.case._disclosure import (
    FORMATS,
    decide,
    found_wrong,
    mark_sent,
    notices,
    release,
    request,
)
from darkrange.case._evidence import (
    EvidenceView,
    add_evidence,
    check,
    copy_out,
    default_vault,
    log_custody,
    show,
)
from darkrange.case._export import export_audit, verify_export
from darkrange.case._import import import_snapshot
from darkrange.case._items import (
    add_account,
    add_listing,
    add_note,
    add_person,
    add_selector,
    add_site,
    add_trace,
)
from darkrange.case._migrate import current, head, require_current, upgrade
from darkrange.case._retention import DEFAULT_PLAN, DueRecord, due, erase, extend, parse_plan
from darkrange.case._snapshot import snapshot
from darkrange.case._store import Store, resolve_url
from darkrange.case._users import (
    add_user,
    authenticate,
    bootstrap_admin,
    list_users,
    set_password,
    use_hasher,
)

__all__ = [
    "ACTIONS",
    "CUSTODY_ACTIONS",
    "DEFAULT_PLAN",
    "FORMATS",
    "PERMISSIONS",
    "ROLES",
    "AccessDenied",
    "Actor",
    "ChainVerdict",
    "Clock",
    "DueRecord",
    "EvidenceView",
    "JustificationRequired",
    "ManualClock",
    "Overview",
    "Store",
    "SystemClock",
    "add_account",
    "add_cluster",
    "add_evidence",
    "add_listing",
    "add_member",
    "add_note",
    "add_person",
    "add_selector",
    "add_site",
    "add_task",
    "add_trace",
    "add_user",
    "authenticate",
    "bootstrap_admin",
    "check",
    "close_case",
    "confirm",
    "consult",
    "copy_out",
    "create_case",
    "current",
    "custody_of",
    "decide",
    "default_vault",
    "due",
    "entries",
    "erase",
    "export_audit",
    "extend",
    "found_wrong",
    "head",
    "import_snapshot",
    "list_cases",
    "list_users",
    "log_custody",
    "mark_sent",
    "notices",
    "parse_plan",
    "record",
    "release",
    "request",
    "require_current",
    "resolve_url",
    "set_password",
    "show",
    "snapshot",
    "suggest_identity",
    "upgrade",
    "use_hasher",
    "verify_audit",
    "verify_custody",
    "verify_export",
]
