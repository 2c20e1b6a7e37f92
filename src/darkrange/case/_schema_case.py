"""Tables for people who use the toolkit and the cases they work: users, cases, members, tasks,
disclosure requests (four eyes) and correction notices (R4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from darkrange.case._base import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner_agency: Mapped[str] = mapped_column(String(200))
    tlp: Mapped[str] = mapped_column(String(16), default="amber")
    pap: Mapped[str] = mapped_column(String(8), default="amber")
    handling: Mapped[str] = mapped_column(String(2), default="H2")
    # data-subject category -> review period in days (R5); missing ones use the defaults
    retention_plan: Mapped[dict[str, Any]]
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class Member(Base):
    """A user's need-to-know on one case (R6): only members see the case."""

    __tablename__ = "case_members"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    need_to_know: Mapped[str] = mapped_column(Text)
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime]


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class Disclosure(Base):
    """A request to send case data out, approved by a second person who is a supervisor."""

    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    format: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[list[Any]]
    justification: Mapped[str] = mapped_column(Text)
    pseudonymise: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    output_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    # "kind:id" refs of every item sent, so recipients can be told of later corrections (R4)
    included: Mapped[list[Any]] = mapped_column(default=list)


class Notice(Base):
    """A recipient to tell that data sent to them was later found wrong (R4, LED Art. 7(3))."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("disclosure_id", "recipient", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosures.id"))
    recipient: Mapped[str] = mapped_column(String(200))
    item: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
