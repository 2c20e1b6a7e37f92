"""Roles, what each may do, and case-scoped need to know (R6).

Separation of duties: admins manage accounts but never see a case; auditors read the audit log
but never a case; the four people-facing roles work cases they are members of; only a
supervisor approves a disclosure, and never their own request (four eyes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from darkrange.case._clock import Clock
from darkrange.case._schema_case import Case, Member, User
from darkrange.errors import InputError

ROLES = ("admin", "analyst", "auditor", "supervisor", "trainee", "trainer")
CASE_ROLES = frozenset({"analyst", "supervisor", "trainer", "trainee"})
LEAD_ROLES = frozenset({"supervisor", "trainer"})

# permission -> roles that hold it; case permissions also need membership of the case
PERMISSIONS: dict[str, frozenset[str]] = {
    "user.manage": frozenset({"admin"}),
    "case.create": CASE_ROLES,
    "case.read": CASE_ROLES,
    "case.write": CASE_ROLES,
    "attribution.confirm": CASE_ROLES,
    "disclosure.request": CASE_ROLES,
    "disclosure.approve": frozenset({"supervisor"}),
    "case.lead": LEAD_ROLES,  # members, retention decisions, closing (or the case's owner)
    "audit.read": frozenset({"auditor", "supervisor"}),
    "audit.verify": frozenset({"auditor", "admin", "supervisor"}),
    "audit.export": frozenset({"auditor"}),
}


class AccessDenied(InputError):
    """The user's role or membership does not allow this."""


class JustificationRequired(InputError):
    """Consultation, disclosure, erasure and extension need a stated reason (R1, R5)."""


@dataclass
class Actor:
    """A named user working in one transaction, with the clock every time comes from."""

    session: Session
    user: User
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def name(self) -> str:
        return self.user.username


def require(actor: Actor, permission: str) -> None:
    if actor.user.role not in PERMISSIONS[permission]:
        what = permission.replace(".", " ")
        raise AccessDenied(f"access denied: a {actor.user.role} may not {what}")


def membership(session: Session, case_id: int, user_id: int) -> Member | None:
    return session.execute(
        select(Member).where(Member.case_id == case_id, Member.user_id == user_id)
    ).scalar_one_or_none()


def case_for(actor: Actor, case_id: int, permission: str = "case.read") -> Case:
    """The case, if the actor's role allows `permission` and they are a member (need to know)."""
    require(actor, permission)
    case = actor.session.get(Case, case_id)
    # the same answer for a missing case and a case you are not on: no probing for case ids
    if case is None or membership(actor.session, case_id, actor.user.id) is None:
        raise AccessDenied(f"access denied: {actor.name} is not a member of case {case_id}")
    return case


def lead_case(actor: Actor, case_id: int) -> Case:
    """A case the actor leads: its owner, or a supervisor/trainer member."""
    case = case_for(actor, case_id, "case.write")
    if case.owner_id != actor.user.id and actor.user.role not in LEAD_ROLES:
        raise AccessDenied(
            f"access denied: only the owner, a supervisor or a trainer on case {case_id} may"
        )
    return case


def justified(text: str | None, what: str) -> str:
    reason = (text or "").strip()
    if len(reason) < 3:
        raise JustificationRequired(f"{what} needs a justification (--justification)")
    return reason
