"""Checks on a ChainSpec before anything is simulated: one clear InputError per problem."""

from __future__ import annotations

from typing import get_args

from darkrange.errors import InputError
from darkrange.world.chain.spec import (
    AddressPurpose,
    ChainSpec,
    OwnerKind,
    Route,
    ScriptType,
    WalletProfile,
)

DUST = 1_000
_NEEDS_VIA = ("escrow", "mixer", "exchange_deposit", "exchange_withdrawal")


def _profile(entity_id: str, p: WalletProfile) -> None:
    if p.script_type not in get_args(ScriptType):
        raise InputError(f"entity {entity_id!r}: unknown script type {p.script_type!r}")
    if p.change_script_type is not None and p.change_script_type not in get_args(ScriptType):
        raise InputError(f"entity {entity_id!r}: unknown change script type")
    if not 0 < p.fee_rate <= 10_000:
        raise InputError(f"entity {entity_id!r}: fee rate must be in (0, 10000] sat/vB")
    if p.version not in (1, 2):
        raise InputError(f"entity {entity_id!r}: transaction version must be 1 or 2")


def validate(spec: ChainSpec) -> None:
    if spec.end_time <= spec.start_time:
        raise InputError("chain spec: end_time must be after start_time")
    if spec.target_transactions < 0:
        raise InputError("chain spec: target_transactions must not be negative")
    entities: dict[str, str] = {}
    for e in spec.entities:
        if not e.entity_id or e.entity_id in entities:
            raise InputError(f"chain spec: entity id {e.entity_id!r} is empty or repeated")
        if e.entity_id.startswith("bg-"):
            raise InputError(f"entity {e.entity_id!r}: ids starting 'bg-' are for the background")
        if e.kind not in get_args(OwnerKind):
            raise InputError(f"entity {e.entity_id!r}: unknown kind {e.kind!r}")
        if e.starting_balance_sat < 0:
            raise InputError(f"entity {e.entity_id!r}: negative starting balance")
        if e.service_fee_pct is not None and not 0 <= e.service_fee_pct < 50:
            raise InputError(f"entity {e.entity_id!r}: service fee must be in [0, 50) percent")
        _profile(e.entity_id, e.profile)
        entities[e.entity_id] = e.kind
    requests: dict[str, str] = {}
    for r in spec.address_requests:
        if r.request_id in requests:
            raise InputError(f"address request {r.request_id!r} is repeated")
        if r.owner not in entities:
            raise InputError(f"address request {r.request_id!r}: unknown owner {r.owner!r}")
        if r.purpose not in get_args(AddressPurpose):
            raise InputError(f"address request {r.request_id!r}: unknown purpose {r.purpose!r}")
        requests[r.request_id] = r.owner
    seen: set[str] = set()
    for p in spec.payments:
        where = f"payment {p.payment_id!r}"
        if p.payment_id in seen:
            raise InputError(f"{where} is repeated")
        seen.add(p.payment_id)
        for role, who in (("payer", p.payer), ("payee", p.payee)):
            if who not in entities:
                raise InputError(f"{where}: unknown {role} {who!r}")
        if p.route not in get_args(Route):
            raise InputError(f"{where}: unknown route {p.route!r}")
        if p.route in _NEEDS_VIA and p.via not in entities:
            raise InputError(f"{where}: route {p.route} needs `via`, an entity of the world")
        if p.amount_sat < DUST * 10:
            raise InputError(f"{where}: amount below {DUST * 10} sat")
        if not spec.start_time <= p.time <= spec.end_time:
            raise InputError(
                f"{where} ({p.payer} -> {p.payee}): time outside the chain's start and end "
                f"({p.time} not in {spec.start_time}..{spec.end_time})"
            )
        if p.to_request is not None:
            owner = requests.get(p.to_request)
            if owner is None:
                raise InputError(f"{where}: unknown address request {p.to_request!r}")
            if owner not in (p.payee, p.via):
                raise InputError(f"{where}: requested address belongs to neither payee nor via")
