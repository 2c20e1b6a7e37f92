"""The answers: plots.json facts, written once the chain has turned payments into txids."""

from __future__ import annotations

from typing import Any

from darkrange.world.chain.spec import ChainResult
from darkrange.world.generate._state import WorldState


def _acc(state: WorldState, site_id: str, handle: str) -> dict[str, str]:
    return {"site": state.site(site_id).onion, "handle": handle}


def _person_accounts(state: WorldState, person_id: str) -> list[dict[str, str]]:
    return [_acc(state, a.site_id, a.handle) for a in state.accounts_of(person_id)]


def build_plots(
    state: WorldState,
    actors: dict[str, str],
    realised: dict[str, Any],
    donation_requests: list[str],
    donation_payments: list[str],
    result: ChainResult,
) -> list[dict[str, Any]]:
    txids = result.payment_txids
    req = result.requested
    x, w = actors["precursor_vendor"], actors["weapons_vendor"]
    cell = sorted(p.person_id for p in state.persons if p.group == "cell-1")
    plots: list[dict[str, Any]] = []
    plots.append(
        {
            "plot": "cell-precursors",
            "story": "The cell mixes pooled money to two straw buyers, who buy explosive "
            "precursors from one vendor on two markets under two different handles.",
            "vendor_person": x,
            "vendor_accounts": [_acc(state, o["site"], o["handle"]) for o in realised["orders"]],
            "vendor_pgp": sorted({k.fingerprint for k in state.personas[x].keys}),
            "straw_buyers": sorted({o["buyer"] for o in realised["orders"]}),
            "listings": [
                {"site": state.site(o["site"]).onion, "listing_id": o["listing_id"]}
                for o in realised["orders"]
            ],
            "mixer": state.sites_of("mixer")[0].onion,
            "mix_txids": [txids.get(p, []) for p in realised["mix"]],
            "order_txids": [txids.get(o["payment"], []) for o in realised["orders"]],
            "cell_members": cell,
        }
    )
    acct = next(a for a in state.exchange_accounts if a.account_id == realised["exchange_account"])
    plots.append(
        {
            "plot": "weapons-cashout",
            "story": "A weapons vendor cashes out at the KYC exchange.",
            "vendor_person": w,
            "vendor_accounts": _person_accounts(state, w),
            "exchange": state.sites_of("exchange")[0].onion,
            "exchange_account": acct.account_id,
            "exchange_name": acct.name,
            "deposit_address": req.get(realised["cashout_request"], ""),
            "cashout_txids": txids.get(realised["cashout"], []),
        }
    )
    forum = state.sites_of("forum")[0]
    plots.append(
        {
            "plot": "donations",
            "story": "An extremist section of the forum appeals for donations to published "
            "addresses.",
            "forum": forum.onion,
            "thread_id": "t00001",
            "donation_addresses": [req.get(r, "") for r in donation_requests],
            "donation_txids": [t for p in donation_payments for t in txids.get(p, [])],
            "cell_members": cell,
            "cell_accounts": [a for p in cell for a in _person_accounts(state, p)],
        }
    )
    plots += _site_plots(state)
    return plots


def _site_plots(state: WorldState) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for site in state.sites_of("market"):
        if site.fate == "none":
            continue
        moved = []
        for a in state.accounts:
            if a.site_id == site.site_id and a.role == "vendor" and a.left_week is not None:
                later = [
                    b
                    for b in state.accounts_of(a.person_id)
                    if b.role == "vendor"
                    and b.joined_week >= a.left_week
                    and b.site_id != site.site_id
                ]
                for b in later:
                    moved.append(
                        {
                            "from": _acc(state, a.site_id, a.handle),
                            "to": _acc(state, b.site_id, b.handle),
                            "person": a.person_id,
                        }
                    )
        out.append(
            {
                "plot": site.fate.replace("_", "-"),
                "market": site.onion,
                "name": site.name,
                "week": site.fate_week,
                "migrations": moved,
            }
        )
    out.append(
        {
            "plot": "phishing-clones",
            "clones": [
                {"clone": c.onion, "imitates": state.site(c.clone_of).onion}
                for c in state.sites_of("phishing")
                if c.clone_of
            ],
        }
    )
    out.append(
        {
            "plot": "key-rotations",
            "rotations": [
                {
                    "person": p.person_id,
                    "old": p.keys[0].fingerprint,
                    "new": p.keys[1].fingerprint,
                    "week": p.rotation_week,
                }
                for p in state.personas.values()
                if len(p.keys) > 1
            ],
        }
    )
    crews: dict[str, list[str]] = {}
    for p in state.persons:
        if p.crew:
            crews.setdefault(p.crew, []).append(p.person_id)
    out.append(
        {
            "plot": "shared-keys",
            "crews": [
                {
                    "crew": c,
                    "persons": sorted(ps),
                    "fingerprint": state.personas[ps[0]].keys[0].fingerprint,
                }
                for c, ps in sorted(crews.items())
            ],
        }
    )
    return out
