"""Everything the generator builds, held in one place while it is built."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from darkrange.world.chain.spec import AddressRequest, Entity, Payment
from darkrange.world.keys import OnionKey, PgpKey
from darkrange.world.model import (
    WEEK,
    Account,
    ExchangeAccount,
    Listing,
    Paste,
    Person,
    Post,
    Review,
    Site,
    Thread,
)
from darkrange.world.sizes import Size
from darkrange.world.text import Style

# Every world starts on a Monday; the date is part of the world, not of the machine.
EPOCH = int(dt.datetime(2026, 1, 5, tzinfo=dt.UTC).timestamp())


@dataclass
class Persona:
    """What drives everything a vendor writes and does."""

    person_id: str
    base_handle: str
    style: Style
    categories: list[str]
    lines: list[Any]  # text.ProductLine
    ships_from: str
    ships_to: str
    price_factor: float
    contacts: dict[str, str]
    keys: list[PgpKey] = field(default_factory=list)  # in order; a later one is a rotation
    rotation_week: int | None = None
    cashes_out: bool = False


@dataclass
class WorldState:
    seed: int
    size: Size
    sites: list[Site] = field(default_factory=list)
    onion_keys: dict[str, OnionKey] = field(default_factory=dict)  # onion -> key
    persons: list[Person] = field(default_factory=list)
    personas: dict[str, Persona] = field(default_factory=dict)
    accounts: list[Account] = field(default_factory=list)
    pgp_keys: dict[str, PgpKey] = field(default_factory=dict)  # fingerprint -> key
    key_owners: dict[str, list[str]] = field(default_factory=dict)  # fingerprint -> person ids
    listings: list[Listing] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    pastes: list[Paste] = field(default_factory=list)
    exchange_accounts: list[ExchangeAccount] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    payments: list[Payment] = field(default_factory=list)
    address_requests: list[AddressRequest] = field(default_factory=list)
    requested: dict[str, str] = field(default_factory=dict)  # request id -> address (after chain)
    plots: list[dict[str, Any]] = field(default_factory=list)
    directory: list[dict[str, str]] = field(default_factory=list)  # link directory entries
    canaries: dict[str, str] = field(default_factory=dict)  # site_id -> clearsigned canary

    @property
    def weeks(self) -> int:
        return self.size.weeks

    def week_start(self, week: int) -> int:
        return EPOCH + week * WEEK

    def site(self, site_id: str) -> Site:
        for s in self.sites:
            if s.site_id == site_id:
                return s
        raise KeyError(site_id)

    def sites_of(self, *kinds: str) -> list[Site]:
        return [s for s in self.sites if s.kind in kinds]

    def person(self, person_id: str) -> Person:
        return self._persons_by_id()[person_id]

    def _persons_by_id(self) -> dict[str, Person]:
        cache: dict[str, Person] | None = getattr(self, "_pcache", None)
        if cache is None or len(cache) != len(self.persons):
            cache = {p.person_id: p for p in self.persons}
            object.__setattr__(self, "_pcache", cache)
        return cache

    def accounts_of(self, person_id: str) -> list[Account]:
        return [a for a in self.accounts if a.person_id == person_id]

    def add_request(self, request: AddressRequest) -> str:
        self.address_requests.append(request)
        return request.request_id
