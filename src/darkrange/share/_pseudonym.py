"""Pseudonymisation of victims and other parties before anything leaves the case (R6).

`pseudonymise(snapshot)` returns a new snapshot in which every person of a protected category
(victim, other party) appears only under a stable pseudonym:

- the person's display name becomes `victim-<hash>` or `other-party-<hash>`;
- their accounts' handles become `account-<hash>` and their profile URLs are dropped;
- selectors found on their accounts, wallets attributed to them and listings of their
  accounts are withheld: a pseudonymised address or e-mail is useless to a partner and the
  real one identifies the person;
- addresses of withheld wallets inside traces become `address-<hash>`;
- real names and handles inside note texts are replaced by the pseudonyms.

A pseudonym hashes the case id and the item id (never the name), so it is the same in every
export of the case and reveals nothing about the person.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from darkrange.share._snapshot import (
    PROTECTED_CATEGORIES,
    Account,
    CaseSnapshot,
    Hop,
    Note,
    Person,
    Trace,
)


def pseudonym(case_id: str, kind: str, item_id: str) -> str:
    """A stable pseudonym for one item of one case."""
    digest = hashlib.sha256(f"{case_id}\x00{kind}\x00{item_id}".encode()).hexdigest()
    return f"{kind}-{digest[:10]}"


def protected_person_ids(snapshot: CaseSnapshot) -> set[str]:
    return {p.id for p in snapshot.persons if p.category in PROTECTED_CATEGORIES}


def pseudonymise(snapshot: CaseSnapshot) -> CaseSnapshot:
    """The snapshot as it may be shared: protected persons only under pseudonyms."""
    case_id = snapshot.case.id
    protected = protected_person_ids(snapshot)
    if not protected:
        return snapshot
    renames: dict[str, str] = {}  # real string -> pseudonym, for note texts
    persons = tuple(
        _person(case_id, p, renames) if p.id in protected else p for p in snapshot.persons
    )
    hidden_accounts = {a.id for a in snapshot.accounts if a.person_id in protected}
    accounts = tuple(
        _account(case_id, a, renames) if a.id in hidden_accounts else a for a in snapshot.accounts
    )
    withheld_wallets = [w for w in snapshot.wallets if w.person_id in protected]
    address_names = {
        addr: pseudonym(case_id, "address", addr) for w in withheld_wallets for addr in w.addresses
    }
    selectors = tuple(s for s in snapshot.selectors if s.account_id not in hidden_accounts)
    wallets = tuple(w for w in snapshot.wallets if w.person_id not in protected)
    listings = tuple(x for x in snapshot.listings if x.account_id not in hidden_accounts)
    gone = {f"selector:{s.id}" for s in snapshot.selectors if s not in selectors}
    gone |= {f"wallet:{w.id}" for w in withheld_wallets}
    gone |= {f"listing:{x.id}" for x in snapshot.listings if x not in listings}
    notes = tuple(_note(n, renames, gone) for n in snapshot.notes)
    traces = tuple(_trace(t, address_names) for t in snapshot.traces)
    return replace(
        snapshot,
        persons=persons,
        accounts=accounts,
        selectors=selectors,
        wallets=wallets,
        listings=listings,
        notes=notes,
        traces=traces,
    )


def _person(case_id: str, p: Person, renames: dict[str, str]) -> Person:
    kind = "victim" if p.category == "victim" else "other-party"
    name = pseudonym(case_id, kind, p.id)
    if not p.pseudonymised:
        renames[p.display_name] = name
    return replace(p, display_name=name, pseudonymised=True, description="")


def _account(case_id: str, a: Account, renames: dict[str, str]) -> Account:
    handle = pseudonym(case_id, "account", a.id)
    renames[a.handle] = handle
    return replace(a, handle=handle, url="")


def _note(n: Note, renames: dict[str, str], gone: set[str]) -> Note:
    text = n.text
    # Longest first, so a name containing a handle is replaced whole.
    for real in sorted(renames, key=lambda s: (-len(s), s)):
        text = text.replace(real, renames[real])
    return replace(n, text=text, about=tuple(r for r in n.about if r not in gone))


def _trace(t: Trace, names: dict[str, str]) -> Trace:
    if not names:
        return t
    hops = tuple(
        Hop(
            txid=h.txid,
            time=h.time,
            amount=h.amount,
            from_address=names.get(h.from_address or "", h.from_address),
            to_address=names.get(h.to_address or "", h.to_address),
            heuristic=h.heuristic,
            confidence=h.confidence,
        )
        for h in t.hops
    )
    return replace(t, hops=hops)
