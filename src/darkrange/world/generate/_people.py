"""People of the world and their accounts: vendors with personas, buyers, admins, forum members,
the cell, exchange customers, bystanders and victims."""

from __future__ import annotations

import random

from darkrange.world import text
from darkrange.world.generate._state import Persona, WorldState
from darkrange.world.keys import PgpKey, pgp_key
from darkrange.world.model import CATEGORIES, Account, Person
from darkrange.world.rand import derive_seed, stream

CENTRAL_ASIA = {"Uzbekistan", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan"}
HANDLE_MODES = (("kept", 60), ("varied", 14), ("leet", 8), ("cyrillic", 6), ("changed", 12))


def _offset(country: str, rng: random.Random) -> int:
    if country in CENTRAL_ASIA:
        return 5
    if country in ("Russia",):
        return 3
    return rng.choice((0, 1, 1, 2))


class PeopleMaker:
    def __init__(self, state: WorldState) -> None:
        self.state = state
        self.rng = stream(state.seed, "people")
        self.count = 0
        self.taken: dict[str, set[str]] = {}  # site_id -> handles in use

    def person(self, role: str, region: str = "any", language: str | None = None) -> Person:
        self.count += 1
        country, city = text.place(self.rng, region)  # type: ignore[arg-type]
        if language is None:
            language = "ru" if country in CENTRAL_ASIA | {"Russia"} else "en"
            if country == "Uzbekistan" and self.rng.random() < 0.25:
                language = "uz"
        p = Person(
            person_id=f"p-{self.count:05d}",
            role=role,  # type: ignore[arg-type]
            country=country,
            city=city,
            language=language,
            utc_offset=_offset(country, self.rng),
        )
        p.name = text.person_name(self.rng, country)
        self.state.persons.append(p)
        return p

    def free_handle(self, site_id: str, wanted: str) -> str:
        taken = self.taken.setdefault(site_id, set())
        handle = wanted
        n = 1
        while handle.lower() in taken:
            n += 1
            handle = f"{wanted}{n}"
        taken.add(handle.lower())
        return handle

    def account(
        self, site_id: str, handle: str, person: Person, role: str, week: int, mode: str = "kept"
    ) -> Account:
        acc = Account(
            site_id=site_id,
            handle=self.free_handle(site_id, handle),
            person_id=person.person_id,
            role=role,
            joined_week=week,
            handle_mode=mode,  # type: ignore[arg-type]
        )
        self.state.accounts.append(acc)
        return acc

    def handle_for(self, persona: Persona, person: Person) -> tuple[str, str]:
        modes = [m for m, _ in HANDLE_MODES]
        weights = [
            w if (m != "cyrillic" or person.language != "en") else 0 for m, w in HANDLE_MODES
        ]
        mode = self.rng.choices(modes, weights)[0]
        return text.handle_variant(self.rng, persona.base_handle, mode), mode  # type: ignore[arg-type]


def _vendor_keys(state: WorldState, rng: random.Random, persona: Persona, handle: str) -> None:
    weeks = state.weeks
    created = state.week_start(0) - rng.randint(30, 900) * 86400
    uid = f"{handle} <{persona.contacts.get('email', handle + '@mail2tor.com')}>"
    first = pgp_key(derive_seed(state.seed, "pgp", persona.person_id, "0"), [uid], created)
    persona.keys.append(first)
    if rng.random() < 0.12 and weeks >= 3:  # a rotation, the new key signed by the old
        week = rng.randint(1, weeks - 1)
        persona.rotation_week = week
        second = pgp_key(
            derive_seed(state.seed, "pgp", persona.person_id, "1"),
            [uid],
            state.week_start(week) + rng.randint(0, 6 * 86400),
            certified_by=first,
        )
        persona.keys.append(second)


def _register_keys(state: WorldState, persona: Persona) -> None:
    for key in persona.keys:
        state.pgp_keys[key.fingerprint] = key
        owners = state.key_owners.setdefault(key.fingerprint, [])
        if persona.person_id not in owners:
            owners.append(persona.person_id)


def build_vendors(state: WorldState, maker: PeopleMaker) -> None:
    rng = stream(state.seed, "vendors")
    size = state.size
    bases: list[str] = []
    for i in range(size.vendors):
        region = rng.choices(("europe", "central_asia", "any"), (50, 35, 15))[0]
        person = maker.person("vendor", region)
        style = text.make_style(rng, person.language)  # type: ignore[arg-type]
        n_lines = 1 if rng.random() < 0.7 else 2
        kind = "dead_drop" if person.language != "en" and rng.random() < 0.5 else "market"
        cats: list[str] = []
        for _ in range(n_lines):
            c = text.pick_category(rng, kind)  # type: ignore[arg-type]
            if c not in cats:
                cats.append(c)
        # every category has at least one specialist, however rare it is on real markets
        if size.vendors >= 2 * len(CATEGORIES) and i < len(CATEGORIES):
            cats = [CATEGORIES[i]]
        # look-alikes: a few vendors take a handle close to someone else's (different people)
        if bases and rng.random() < 0.05:
            base = text.handle_variant(rng, rng.choice(bases), "varied")
        else:
            base = text.handle(rng)
        bases.append(base)
        persona = Persona(
            person_id=person.person_id,
            base_handle=base,
            style=style,
            categories=cats,
            lines=[text.make_product_line(rng, c, person.language) for c in cats],  # type: ignore[arg-type]
            ships_from=person.country,
            ships_to=rng.choice(("Worldwide", "Europe", "EU", person.country, "Worldwide")),
            price_factor=rng.uniform(0.8, 1.3),
            contacts=text.contacts(rng, base),
            cashes_out=rng.random() < 0.45,
        )
        state.personas[person.person_id] = persona
        _vendor_keys(state, rng, persona, base)
    _crews(state, rng)
    for persona in state.personas.values():
        _register_keys(state, persona)


def _crews(state: WorldState, rng: random.Random) -> None:
    """A few crews of two or three vendors share one PGP key (and so one fingerprint)."""
    vendors = list(state.personas.values())
    n_crews = max(1, len(vendors) // 25)
    pool = [v for v in vendors if v.rotation_week is None]
    rng.shuffle(pool)
    for c in range(n_crews):
        members = pool[c * 3 : c * 3 + rng.choice((2, 3))]
        if len(members) < 2:
            break
        shared: PgpKey = members[0].keys[0]
        for m in members:
            state.person(m.person_id).crew = f"crew-{c + 1}"
            m.keys = [shared]
