"""Tables for what a case holds: evidence, persons, sites, accounts, listings, selectors, clusters
(wallets), traces, identities and notes. Each carries an evaluation and, when imported, its
provenance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from darkrange.case._base import Base, Evaluated, Provenanced


class EvidenceItem(Evaluated, Provenanced, Base):
    """A signed WACZ package, known by its hash; the file itself is never changed (E6)."""

    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    path: Mapped[str | None] = mapped_column(Text, default=None)  # None: a partner's item
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    signer: Mapped[str] = mapped_column(String(80), default="")
    captured_at: Mapped[datetime | None] = mapped_column(default=None)
    verified_at: Mapped[datetime | None] = mapped_column(default=None)
    source_url: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class Person(Evaluated, Provenanced, Base):
    """A data subject (R3). `name` and `description` are the personal fields erasure clears."""

    __tablename__ = "persons"
    __table_args__ = (UniqueConstraint("case_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(16), default=None)  # witness, contact, ...
    pseudonym: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(Text, default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    actor_type: Mapped[str] = mapped_column(String(20), default="criminal")
    member_of: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), default=None)
    review_due: Mapped[datetime]
    extensions: Mapped[int] = mapped_column(default=0)
    erased_at: Mapped[datetime | None] = mapped_column(default=None)
    erased_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    erasure_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]


class Site(Evaluated, Provenanced, Base):
    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("case_id", "onion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    onion: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="market")


class Account(Evaluated, Provenanced, Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    site: Mapped[str] = mapped_column(String(80))
    handle: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text, default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), default=None)


class Listing(Evaluated, Provenanced, Base):
    __tablename__ = "listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(80), default="")
    price: Mapped[str] = mapped_column(String(80), default="")
    seen: Mapped[datetime | None] = mapped_column(default=None)


class Selector(Evaluated, Provenanced, Base):
    __tablename__ = "selectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime | None] = mapped_column(default=None)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)


class Attribution:
    """An automated attribution stays a suggestion until a named person confirms it (R7)."""

    status: Mapped[str] = mapped_column(String(10), default="suggested")
    method: Mapped[str] = mapped_column(String(80), default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # a name, not a user id: a partner's confirmation arrives as "name (partner)" (S8)
    confirmed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)


class Cluster(Evaluated, Provenanced, Attribution, Base):
    """A wallet: addresses the chain tools clustered, maybe attributed to a person."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    cluster_ref: Mapped[str] = mapped_column(String(80))
    chain: Mapped[str] = mapped_column(String(16), default="bitcoin")
    addresses: Mapped[list[Any]]
    tags: Mapped[list[Any]] = mapped_column(default=list)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), default=None)


class Trace(Evaluated, Provenanced, Base):
    __tablename__ = "traces"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    chain: Mapped[str] = mapped_column(String(16), default="bitcoin")
    hops: Mapped[list[Any]]  # [{txid, time, amount, from_address, to_address, heuristic, ...}]
    picture: Mapped[str | None] = mapped_column(Text, default=None)


class Identity(Evaluated, Provenanced, Attribution, Base):
    """Accounts linked as one actor, or an account linked to a person."""

    __tablename__ = "identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    account_ids: Mapped[list[Any]]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), default=None)
    evidence: Mapped[list[Any]] = mapped_column(default=list)  # [{kind, score, explanation}]


class Note(Evaluated, Provenanced, Base):
    """A statement marked fact or assessment (R4), about items of the case ("kind:id")."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(String(200), default="")
    about: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    retracted_at: Mapped[datetime | None] = mapped_column(default=None)
    retraction: Mapped[str | None] = mapped_column(Text, default=None)


ITEM_TABLES: dict[str, type[Base]] = {
    "evidence": EvidenceItem,
    "person": Person,
    "site": Site,
    "account": Account,
    "listing": Listing,
    "selector": Selector,
    "cluster": Cluster,
    "trace": Trace,
    "identity": Identity,
    "note": Note,
}
