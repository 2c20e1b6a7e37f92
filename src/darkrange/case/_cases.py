"""Cases: purpose and legal basis first (R2), members with their need to know (R6), tasks."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from darkrange.case._access import Actor, case_for, justified, lead_case, require
from darkrange.case._audit import record
from darkrange.case._retention import DueRecord, due, parse_plan
from darkrange.case._schema_case import Case, Member, Task, User
from darkrange.case._schema_items import ITEM_TABLES
from darkrange.errors import InputError, StateError

TLP = ("clear", "green", "amber", "amber+strict", "red")
PAP = ("clear", "green", "amber", "red")
HANDLING = ("H0", "H1", "H2", "H3")


def _choice(what: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InputError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _stated(what: str, value: str) -> str:
    text = value.strip()
    if len(text) < 10:
        raise InputError(f"a case must state its {what} (at least 10 characters)")
    return text


def create_case(
    actor: Actor,
    title: str,
    purpose: str,
    legal_basis: str,
    agency: str,
    *,
    tlp: str = "amber",
    pap: str = "amber",
    handling: str = "H2",
    retention: str | None = None,
    description: str = "",
) -> Case:
    """A new case with its creator as owner and first member."""
    require(actor, "case.create")
    if not title.strip() or not agency.strip():
        raise InputError("a case needs a title and the owning agency")
    case = Case(
        title=title.strip(),
        purpose=_stated("purpose", purpose),
        legal_basis=_stated("legal basis", legal_basis),
        owner_id=actor.user.id,
        owner_agency=agency.strip(),
        tlp=_choice("TLP level", tlp, TLP),
        pap=_choice("PAP level", pap, PAP),
        handling=_choice("handling code", handling, HANDLING),
        retention_plan=parse_plan(retention),
        description=description,
        created_at=actor.now(),
    )
    actor.session.add(case)
    actor.session.flush()
    actor.session.add(
        Member(
            case_id=case.id,
            user_id=actor.user.id,
            need_to_know="owner",
            added_by=actor.user.id,
            added_at=actor.now(),
        )
    )
    record(actor, "alteration", case.id, f"case:{case.id}", f"case opened: {case.purpose}")
    return case


def list_cases(actor: Actor) -> list[Case]:
    """Cases the actor is a member of (titles only; nothing personal, so no consultation)."""
    require(actor, "case.read")
    query = (
        select(Case)
        .join(Member, Member.case_id == Case.id)
        .where(Member.user_id == actor.user.id)
        .order_by(Case.id)
    )
    return list(actor.session.execute(query).scalars())


def add_member(actor: Actor, case_id: int, username: str, need_to_know: str) -> Member:
    case = lead_case(actor, case_id)
    reason = justified(need_to_know, "adding a member (their need to know)")
    user = actor.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise InputError(f"no active user {username!r}")
    if user.role not in {"analyst", "supervisor", "trainer", "trainee"}:
        raise InputError(f"a {user.role} cannot be a case member")
    if actor.session.get(Member, (case.id, user.id)) is not None:
        raise StateError(f"{username} is already a member of case {case.id}")
    member = Member(
        case_id=case.id,
        user_id=user.id,
        need_to_know=reason,
        added_by=actor.user.id,
        added_at=actor.now(),
    )
    actor.session.add(member)
    record(actor, "alteration", case.id, f"member:{username}", f"need to know: {reason}")
    return member


def close_case(actor: Actor, case_id: int, justification: str) -> Case:
    case = lead_case(actor, case_id)
    if case.closed_at is not None:
        raise StateError(f"case {case_id} is already closed")
    case.closed_at = actor.now()
    record(actor, "alteration", case.id, f"case:{case.id}", f"closed: {justification}".strip())
    return case


def open_case(actor: Actor, case_id: int, permission: str = "case.write") -> Case:
    """A case the actor may write to, refusing closed ones."""
    case = case_for(actor, case_id, permission)
    if case.closed_at is not None:
        raise StateError(f"case {case_id} is closed")
    return case


def add_task(actor: Actor, case_id: int, title: str, assignee: str | None = None) -> Task:
    case = open_case(actor, case_id)
    if not title.strip():
        raise InputError("a task needs a title")
    assignee_id = None
    if assignee is not None:
        user = actor.session.execute(select(User).where(User.username == assignee)).scalar_one()
        if actor.session.get(Member, (case.id, user.id)) is None:
            raise InputError(f"{assignee} is not a member of case {case.id}")
        assignee_id = user.id
    task = Task(
        case_id=case.id,
        title=title.strip(),
        assignee_id=assignee_id,
        created_by=actor.user.id,
        created_at=actor.now(),
    )
    actor.session.add(task)
    actor.session.flush()
    record(actor, "alteration", case.id, f"task:{task.id}")
    return task


@dataclass
class Overview:
    """What `case show` prints: the case, its members, counts, tasks and the due list."""

    case: Case
    members: list[tuple[str, str, str]]  # (user, role, need to know)
    counts: dict[str, int]
    tasks: list[Task]
    due: list[DueRecord] = field(default_factory=list)


def consult(actor: Actor, case_id: int, justification: str) -> Overview:
    """Open a case for reading: a consultation, refused without a justification (R1)."""
    reason = justified(justification, "consultation")
    case = case_for(actor, case_id)
    session = actor.session
    members = session.execute(
        select(User.username, User.role, Member.need_to_know)
        .join(Member, Member.user_id == User.id)
        .where(Member.case_id == case_id)
        .order_by(User.username)
    ).all()
    counts = {
        kind: session.execute(
            select(func.count()).select_from(table).where(table.case_id == case_id)  # type: ignore[attr-defined]
        ).scalar_one()
        for kind, table in ITEM_TABLES.items()
    }
    tasks = list(session.execute(select(Task).where(Task.case_id == case_id)).scalars())
    record(actor, "consultation", case_id, f"case:{case_id}", reason)
    return Overview(case, [tuple(m) for m in members], counts, tasks, due(actor, case_id))  # type: ignore[misc]
