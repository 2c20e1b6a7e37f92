"""Twelve users writing to one case at once, each thread with its own session: nothing lost,
seqs without gaps, the audit chain intact (PostgreSQL: row lock on the chain head; SQLite:
BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from darkrange.case import (
    Store,
    add_member,
    add_note,
    add_person,
    add_user,
    entries,
    verify_audit,
)
from darkrange.case._schema_items import Note, Person
from tests.case.conftest import PASSWORD, new_case

USERS = 12
WRITES = 5


def test_twelve_users_write_to_one_case_at_once(store: Store) -> None:
    case_id = new_case(store)
    names = [f"officer{n:02d}" for n in range(USERS)]
    with store.acting("root") as admin:
        for name in names:
            add_user(admin, name, "analyst", PASSWORD)
    with store.acting("ana") as actor:
        for name in names:
            add_member(actor, case_id, name, "JIT member")
    start = threading.Barrier(USERS)
    failures: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            for n in range(WRITES):
                with store.acting(name) as actor:
                    person = add_person(actor, case_id, "suspect", f"{name} suspect {n}")
                    add_note(
                        actor, case_id, f"{name} note {n}", "fact", about=[f"person:{person.id}"]
                    )
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    with store.session() as session:
        persons = session.execute(select(func.count()).select_from(Person)).scalar_one()
        notes = session.execute(select(Note.text)).scalars().all()
        pseudonyms = session.execute(select(Person.pseudonym)).scalars().all()
        log = entries(session, case_id)
        verdict = verify_audit(session)
    assert persons == USERS * WRITES
    assert sorted(notes) == sorted(f"{u} note {n}" for u in names for n in range(WRITES))
    assert len(set(pseudonyms)) == persons
    by_user = [e.user for e in log if e.action == "collection"]
    assert all(by_user.count(name) == 2 * WRITES for name in names)
    assert verdict.ok, str(verdict)
    every = [e.seq for e in log]
    assert every == sorted(every)
