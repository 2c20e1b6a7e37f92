"""Named resolvers: answers and facts that need more than a truth query.

Each resolver takes the trainee's world and the question's `args` (facts already substituted)
and returns a value (a string, a number or a list). Add one by decorating it with `@resolver`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from darkrange.errors import InputError
from darkrange.formats import onion_valid
from darkrange.train._world import WorldView

__all__ = ["RESOLVERS", "resolve_named"]

Resolver = Callable[[WorldView, Mapping[str, Any]], Any]
RESOLVERS: dict[str, Resolver] = {}

_B32 = "abcdefghijklmnopqrstuvwxyz234567"


def resolver(fn: Resolver) -> Resolver:
    RESOLVERS[fn.__name__] = fn
    return fn


def resolve_named(world: WorldView, name: str, args: Mapping[str, Any]) -> Any:
    if name not in RESOLVERS:
        raise InputError(f"unknown resolver {name!r} (one of {', '.join(sorted(RESOLVERS))})")
    return RESOLVERS[name](world, args)


@resolver
def precursor_vendor_fingerprint(world: WorldView, args: Mapping[str, Any]) -> list[str]:
    """Every PGP fingerprint the precursor vendor used (any one is accepted)."""
    return [str(fp) for fp in world.plot("cell-precursors")["vendor_pgp"]]


def _corrupt(onion: str, rng: random.Random) -> str:
    """The same address with one character changed so that its checksum fails."""
    label = onion.removesuffix(".onion")
    while True:
        i = rng.randrange(0, 52)  # inside the public key: the checksum then no longer holds
        c = rng.choice(_B32.replace(label[i], ""))
        fake = label[:i] + c + label[i + 1 :]
        if not onion_valid(fake + ".onion"):
            return fake + ".onion"


def _lookalikes(world: WorldView, count: int) -> tuple[list[str], list[str]]:
    rng = random.Random(f"lookalikes-{world.seed}")
    real = sorted(str(s["onion"]) for s in world.sites_json if s["kind"] in ("market", "forum"))
    valid = rng.sample(real, min(count, len(real)))
    fakes = [_corrupt(o, rng) for o in rng.sample(real, min(count, len(real)))]
    shown = valid + fakes
    rng.shuffle(shown)
    return shown, sorted(valid)


@resolver
def onion_lookalikes(world: WorldView, args: Mapping[str, Any]) -> list[str]:
    """Onion addresses for a brief: real sites mixed with copies whose checksum fails."""
    return _lookalikes(world, int(args.get("count", 3)))[0]


@resolver
def onion_lookalikes_valid(world: WorldView, args: Mapping[str, Any]) -> list[str]:
    """The real ones among `onion_lookalikes` with the same count."""
    return _lookalikes(world, int(args.get("count", 3)))[1]


@resolver
def address_received_sat(world: WorldView, args: Mapping[str, Any]) -> int:
    """Satoshis the chain paid to `address` (or to every address of a list)."""
    address = args.get("address")
    if address is None:
        raise InputError("resolver address_received_sat needs args.address")
    addresses = address if isinstance(address, list) else [address]
    return sum(world.received_sat(str(a)) for a in addresses)


def _first_input(world: WorldView, txid: str) -> str:
    import duckdb

    con = duckdb.connect()
    try:
        row = con.execute(
            "SELECT address FROM read_parquet(?) WHERE txid = ? ORDER BY vin LIMIT 1",
            [str(world.root / "chain" / "inputs.parquet"), txid],
        ).fetchone()
    finally:
        con.close()
    if not row:
        raise InputError(f"transaction {txid} has no inputs in the world's chain")
    return str(row[0])


@resolver
def cashout_source_address(world: WorldView, args: Mapping[str, Any]) -> str:
    """The weapons vendor's own address the cash-out spends from (its first input)."""
    return _first_input(world, world.plot("weapons-cashout")["cashout_txids"][0])


@resolver
def group_wallet(world: WorldView, args: Mapping[str, Any]) -> str:
    """The cell's wallet that paid into the mixer (first input of its first mixer deposit)."""
    return _first_input(world, world.plot("cell-precursors")["mix_txids"][0][0])


@resolver
def group_wallets(world: WorldView, args: Mapping[str, Any]) -> list[str]:
    """The addresses the cell paid each mixer deposit from (first input of each), in order,
    without repeats: the group may fund a later deposit from a wallet not linked on chain."""
    found: list[str] = []
    for hop in world.plot("cell-precursors")["mix_txids"]:
        address = _first_input(world, hop[0])
        if address not in found:
            found.append(address)
    return found


@resolver
def thread_bystanders(world: WorldView, args: Mapping[str, Any]) -> list[str]:
    """Posters in the donation appeal who are not cell accounts: pseudonymise before sharing."""
    plot = world.plot("donations")
    forum_id = world.site_id(plot["forum"])
    cell = {a["handle"] for a in plot["cell_accounts"] if a["site"] == plot["forum"]}
    authors = {
        str(p["author_handle"])
        for p in world.content("posts")
        if p["site_id"] == forum_id and p["thread_id"] == plot["thread_id"]
    }
    return sorted(authors - cell)


@resolver
def thread_cell_posters(world: WorldView, args: Mapping[str, Any]) -> list[str]:
    """Cell accounts that posted in the donation appeal thread."""
    plot = world.plot("donations")
    forum_id = world.site_id(plot["forum"])
    cell = {a["handle"] for a in plot["cell_accounts"] if a["site"] == plot["forum"]}
    authors = {
        str(p["author_handle"])
        for p in world.content("posts")
        if p["site_id"] == forum_id and p["thread_id"] == plot["thread_id"]
    }
    return sorted(authors & cell)


@resolver
def appeal_author(world: WorldView, args: Mapping[str, Any]) -> str:
    """The account that opened the donation appeal thread."""
    plot = world.plot("donations")
    forum_id = world.site_id(plot["forum"])
    for t in world.content("threads"):
        if t["site_id"] == forum_id and t["thread_id"] == plot["thread_id"]:
            return str(t["author_handle"])
    raise InputError(f"world {world.root} has no appeal thread {plot['thread_id']}")
