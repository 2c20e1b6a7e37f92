"""Collecting personal data into a case: persons (R3), sites, accounts, listings, selectors,
traces and notes (R4). Nothing is collected for a case without a purpose and a legal basis (R2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from darkrange.case._access import Actor
from darkrange.case._audit import record
from darkrange.case._base import Evaluated
from darkrange.case._cases import HANDLING, open_case
from darkrange.case._retention import CATEGORIES, OTHER_PARTY_ROLES, review_due
from darkrange.case._schema_case import Case
from darkrange.case._schema_items import (
    ITEM_TABLES,
    Account,
    Listing,
    Note,
    Person,
    Selector,
    Site,
    Trace,
)
from darkrange.errors import InputError, StateError

NOTE_KINDS = ("fact", "assessment")
SOURCE_CODES = ("A", "B", "C", "X")
ACTOR_TYPES = ("criminal", "crime-syndicate", "terrorist")


def collecting(actor: Actor, case_id: int) -> Case:
    """The case to collect into: open, writable, and stating purpose and legal basis (R2)."""
    case = open_case(actor, case_id)
    if not case.purpose.strip() or not case.legal_basis.strip():
        raise StateError(
            f"case {case_id} states no purpose or legal basis: no personal data may be collected"
        )
    return case


def evaluate(
    item: Evaluated, source: str = "X", information: int = 4, handling: str = "H2"
) -> None:
    """Set the Europol evaluation (S6) after checking it."""
    if source not in SOURCE_CODES:
        raise InputError(f"source evaluation must be one of {', '.join(SOURCE_CODES)}")
    if information not in (1, 2, 3, 4):
        raise InputError("information evaluation must be 1, 2, 3 or 4")
    if handling not in HANDLING:
        raise InputError(f"handling code must be one of {', '.join(HANDLING)}")
    item.eval_source, item.eval_information, item.handling = source, information, handling


def _save(actor: Actor, case: Case, kind: str, item: Any, why: str = "") -> Any:
    actor.session.add(item)
    actor.session.flush()
    record(actor, "collection", case.id, f"{kind}:{item.id}", why or "under the case's legal basis")
    return item


def in_case(actor: Actor, case_id: int, kind: str, item_id: int | None) -> Any:
    """An item of this case by kind and id, or an error naming what is missing."""
    if item_id is None:
        return None
    item = actor.session.get(ITEM_TABLES[kind], item_id)
    if item is None or item.case_id != case_id:  # type: ignore[attr-defined]
        raise InputError(f"case {case_id} has no {kind} {item_id}")
    return item


def add_person(
    actor: Actor,
    case_id: int,
    category: str,
    name: str | None = None,
    *,
    role: str | None = None,
    description: str = "",
    actor_type: str = "criminal",
    member_of: int | None = None,
    why: str = "",
) -> Person:
    """A data subject with a category (R3); their review date follows the case's plan (R5)."""
    case = collecting(actor, case_id)
    if category not in CATEGORIES:
        raise InputError(f"data-subject category must be one of {', '.join(CATEGORIES)}")
    if category == "other_party" and role not in OTHER_PARTY_ROLES:
        raise InputError(f"an other party needs --role {' | '.join(OTHER_PARTY_ROLES)}")
    if category != "other_party" and role is not None:
        raise InputError("--role applies to other parties only")
    if actor_type not in ACTOR_TYPES:
        raise InputError(f"actor type must be one of {', '.join(ACTOR_TYPES)}")
    in_case(actor, case_id, "person", member_of)
    count = actor.session.execute(
        select(func.count()).select_from(Person).where(Person.case_id == case.id)
    ).scalar_one()
    person = Person(
        case_id=case.id,
        category=category,
        role=role,
        pseudonym=f"P-{count + 1:03d}",
        name=(name or "").strip() or None,
        description=description.strip() or None,
        actor_type=actor_type,
        member_of=member_of,
        review_due=review_due(case.retention_plan, category, actor.now()),
        created_at=actor.now(),
    )
    return _save(actor, case, "person", person, why)  # type: ignore[no-any-return]


def _site(actor: Actor, case: Case, onion: str) -> Site:
    host = onion.strip().lower()
    if not host.endswith(".onion") or len(host) != 62:
        raise InputError(f"{onion!r} is not a v3 onion host (56 characters + .onion)")
    site = actor.session.execute(
        select(Site).where(Site.case_id == case.id, Site.onion == host)
    ).scalar_one_or_none()
    return site or _save(actor, case, "site", Site(case_id=case.id, onion=host))


def add_site(actor: Actor, case_id: int, onion: str, name: str = "", kind: str = "market") -> Site:
    case = collecting(actor, case_id)
    site = _site(actor, case, onion)
    site.name, site.kind = name or site.name, kind
    return site


def add_account(
    actor: Actor,
    case_id: int,
    site: str,
    handle: str,
    person_id: int | None = None,
    url: str = "",
    why: str = "",
) -> Account:
    case = collecting(actor, case_id)
    if not handle.strip():
        raise InputError("an account needs a handle")
    host = _site(actor, case, site).onion
    in_case(actor, case_id, "person", person_id)
    account = Account(
        case_id=case.id, site=host, handle=handle.strip(), url=url, person_id=person_id
    )
    return _save(actor, case, "account", account, why)  # type: ignore[no-any-return]


def add_listing(
    actor: Actor,
    case_id: int,
    account_id: int,
    url: str,
    title: str,
    category: str = "",
    price: str = "",
    seen: datetime | None = None,
) -> Listing:
    case = collecting(actor, case_id)
    in_case(actor, case_id, "account", account_id)
    listing = Listing(
        case_id=case.id,
        account_id=account_id,
        url=url,
        title=title,
        category=category,
        price=price,
        seen=seen,
    )
    return _save(actor, case, "listing", listing)  # type: ignore[no-any-return]


def add_selector(
    actor: Actor,
    case_id: int,
    kind: str,
    value: str,
    source: str = "",
    account_id: int | None = None,
    first_seen: datetime | None = None,
) -> Selector:
    case = collecting(actor, case_id)
    if not kind.strip() or not value.strip():
        raise InputError("a selector needs a kind and a value")
    in_case(actor, case_id, "account", account_id)
    selector = Selector(
        case_id=case.id,
        kind=kind.strip().lower(),
        value=value.strip(),
        source=source,
        account_id=account_id,
        first_seen=first_seen or actor.now(),
    )
    return _save(actor, case, "selector", selector)  # type: ignore[no-any-return]


def add_trace(
    actor: Actor,
    case_id: int,
    title: str,
    hops: Sequence[dict[str, Any]],
    picture: str | None = None,
    chain: str = "bitcoin",
) -> Trace:
    case = collecting(actor, case_id)
    if not hops:
        raise InputError("a trace needs at least one hop")
    trace = Trace(case_id=case.id, title=title, hops=list(hops), picture=picture, chain=chain)
    return _save(actor, case, "trace", trace)  # type: ignore[no-any-return]


def _refs(actor: Actor, case_id: int, about: Sequence[str]) -> list[str]:
    refs = []
    for ref in about:
        kind, _, raw = ref.partition(":")
        if kind not in ITEM_TABLES or not raw.isdigit():
            raise InputError(f"--about wants kind:id (such as person:3), not {ref!r}")
        in_case(actor, case_id, kind, int(raw))
        refs.append(f"{kind}:{int(raw)}")
    return refs


def add_note(
    actor: Actor,
    case_id: int,
    text: str,
    kind: str,
    *,
    about: Sequence[str] = (),
    source: str = "X",
    information: int = 4,
    handling: str = "H2",
) -> Note:
    """A statement marked fact or assessment (R4) with its Europol evaluation (S6)."""
    case = collecting(actor, case_id)
    if kind not in NOTE_KINDS:
        raise InputError("a note is a fact or an assessment (--kind fact|assessment)")
    if not text.strip():
        raise InputError("a note needs text")
    note = Note(
        case_id=case.id,
        text=text.strip(),
        kind=kind,
        author=actor.name,
        about=_refs(actor, case_id, about),
        created_at=actor.now(),
    )
    evaluate(note, source, information, handling)
    return _save(actor, case, "note", note)  # type: ignore[no-any-return]
