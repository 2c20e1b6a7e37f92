"""Who holds coins and why they move: entities with wallet habits, funding, cash-outs, donations.

Orders are made with the listings (_market.py); plots add their own payments (_plots.py).
"""

from __future__ import annotations

import random

from darkrange.world.chain.spec import AddressRequest, Entity, Payment, WalletProfile
from darkrange.world.generate._market import DAY, usd_to_sat
from darkrange.world.generate._state import WorldState
from darkrange.world.rand import stream

SCRIPT_TYPES = (("p2wpkh", 50), ("p2pkh", 15), ("p2sh", 15), ("p2tr", 20))
SERVICE_KINDS = {"market": "market", "deaddrop": "market", "mixer": "mixer", "exchange": "exchange"}


def _person_profile(rng: random.Random) -> WalletProfile:
    script = rng.choices([s for s, _ in SCRIPT_TYPES], [w for _, w in SCRIPT_TYPES])[0]
    return WalletProfile(
        script_type=script,  # type: ignore[arg-type]
        reuses_addresses=rng.random() < 0.2,
        fee_rate=round(rng.uniform(3, 40), 1),
        anti_fee_sniping=rng.random() < 0.7,
        version=2 if rng.random() < 0.85 else 1,
    )


def build_entities(state: WorldState) -> None:
    rng = stream(state.seed, "entities")
    for site in state.sites:
        kind = SERVICE_KINDS.get(site.kind)
        if kind:
            profile = WalletProfile("p2wpkh", False, 15.0, kind != "exchange", 2)
            state.entities[site.site_id] = Entity(site.site_id, kind, profile)  # type: ignore[arg-type]
    state.entities["cell-1"] = Entity("cell-1", "cell", _person_profile(rng))
    for p in state.persons:
        if p.role in ("admin", "mixer_operator", "exchange_operator"):
            continue
        state.entities[p.person_id] = Entity(p.person_id, "person", _person_profile(rng))


def build_exchange_flows(state: WorldState) -> None:
    """Buyers withdraw from the exchange to pay; cashing-out vendors deposit there."""
    rng = stream(state.seed, "flows")
    exchange = state.sites_of("exchange")[0].site_id
    accounts = {a.person_id: a for a in state.exchange_accounts}
    spend: dict[str, int] = {}
    earned: dict[str, list[tuple[int, int]]] = {}
    for pay in state.payments:
        spend[pay.payer] = spend.get(pay.payer, 0) + pay.amount_sat
        t = pay.release_time or pay.time
        earned.setdefault(pay.payee, []).append((t, pay.amount_sat))
    for person_id, acct in accounts.items():
        person = state.person(person_id)
        if person.role == "buyer" and spend.get(person_id):
            _pay(
                state,
                state.week_start(0) + rng.randint(0, 2 * DAY),
                exchange,
                person_id,
                int(spend[person_id] * 1.3) + 50_000,
                "exchange_withdrawal",
                exchange,
                "buyer funds wallet",
            )
        elif person.role == "exchange_customer":
            for _ in range(rng.randint(1, 3)):
                t = state.week_start(rng.randint(0, state.weeks - 1)) + rng.randint(0, 6 * DAY)
                _pay(
                    state,
                    t,
                    exchange,
                    person_id,
                    usd_to_sat(rng.uniform(50, 3000), t),
                    "exchange_withdrawal",
                    exchange,
                    "customer withdrawal",
                )
        persona = state.personas.get(person_id)
        if persona and persona.cashes_out and person_id in earned:
            _cash_outs(state, rng, person_id, acct.account_id, sorted(earned[person_id]))


def _cash_outs(
    state: WorldState,
    rng: random.Random,
    person_id: str,
    account_id: str,
    income: list[tuple[int, int]],
) -> None:
    exchange = state.sites_of("exchange")[0].site_id
    mixer = state.sites_of("mixer")[0].site_id
    every = rng.choice((2, 3, 4)) * 7 * DAY
    next_t, pending = income[0][0] + every, 0
    for t, amount in income:
        pending += amount
        if t >= next_t and pending > 200_000:
            _cash_out(
                state, rng, person_id, account_id, t + DAY, int(pending * 0.7), exchange, mixer
            )
            pending, next_t = 0, t + every


def _cash_out(
    state: WorldState,
    rng: random.Random,
    person_id: str,
    account_id: str,
    t: int,
    amount: int,
    exchange: str,
    mixer: str,
) -> None:
    end = state.week_start(state.weeks) - DAY
    if t >= end:
        return
    req = state.add_request(
        AddressRequest(
            f"exdep-{account_id}-{len(state.address_requests)}",
            exchange,
            "exchange_deposit",
            counterparty=person_id,
        )
    )
    for acct in state.exchange_accounts:
        if acct.account_id == account_id:
            acct.deposit_requests.append(req)
    if rng.random() < 0.3 and t + 3 * DAY < end:  # some launder through the mixer first
        _pay(
            state,
            t,
            person_id,
            person_id,
            amount,
            "mixer",
            mixer,
            "mix before cash-out",
            release=t + rng.randint(1, 2) * DAY,
        )
        t += 3 * DAY
        amount = int(amount * 0.97)
    _pay(
        state,
        t,
        person_id,
        exchange,
        amount,
        "exchange_deposit",
        exchange,
        "cash-out",
        to_request=req,
    )


def _pay(
    state: WorldState,
    t: int,
    payer: str,
    payee: str,
    amount: int,
    route: str,
    via: str | None,
    purpose: str,
    release: int | None = None,
    to_request: str | None = None,
    plot: str | None = None,
) -> str:
    pid = f"pay-{len(state.payments) + 1:06d}"
    state.payments.append(
        Payment(
            pid,
            t,
            payer,
            payee,
            amount,
            route,  # type: ignore[arg-type]
            via=via,
            release_time=release,
            to_request=to_request,
            purpose=purpose,
            plot=plot,
        )
    )
    return pid


def cell_mix_time(state: WorldState) -> int:
    """When the cell starts paying the mixer for its straw buyers (the plot's first payment)."""
    return state.week_start(max(1, state.weeks // 2)) + 2 * DAY


def build_donations(state: WorldState, requests: list[str]) -> list[str]:
    """Sympathisers answer the appeal with small amounts to the published addresses."""
    rng = stream(state.seed, "donations")
    appeal = next((p for p in state.posts if p.thread_id == "t00001"), None)
    start = appeal.time if appeal else state.week_start(0)
    members = [p for p in state.persons if p.role in ("forum_member", "bystander")]
    # Donations come in before the cell spends them on the mixer (they are what it spends).
    end = cell_mix_time(state) - DAY
    if end - start < 2 * DAY:
        end = state.week_start(state.weeks) - 10 * DAY
    ids: list[str] = []
    for donor in rng.sample(members, k=min(len(members), max(4, len(members) // 8))):
        t = start + rng.randint(1, max(2, (end - start) // DAY)) * DAY - rng.randint(0, DAY // 2)
        # an appeal posted in the last days of a short world still gets answers inside the chain
        t = min(t, state.week_start(state.weeks) - DAY // 4)
        ids.append(
            _pay(
                state,
                t,
                donor.person_id,
                "cell-1",
                usd_to_sat(rng.uniform(20, 300), t),
                "direct",
                None,
                "donation",
                to_request=requests[len(ids) % len(requests)],
                plot="donations",
            )
        )
    return ids
