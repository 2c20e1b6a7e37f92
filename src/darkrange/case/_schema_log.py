"""Append-only, hash-chained logs: the audit log (R1) and each evidence item's custody (E6).

The database refuses UPDATE and DELETE on both tables (triggers, see the migrations); a chain
head row per log is the lock writers take, and it remembers the last seq so a removed tail is
noticed too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from darkrange.case._base import Base

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, hashed exactly as stored
    user: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    object: Mapped[str] = mapped_column(String(200), default="")
    justification: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class CustodyEntry(Base):
    __tablename__ = "custody_log"
    __table_args__ = (UniqueConstraint("evidence_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(32))
    user: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """The last link of one chain ("audit" or "custody:<evidence id>"): the append lock."""

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
