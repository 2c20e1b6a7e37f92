"""Coin-selection and address habits: how much of a wallet multi-input clustering can see.

Real wallets merge coins. Bitcoin Core's knapsack takes a set of smaller coins when it comes
closer to the amount than the smallest larger coin; Electrum and Core's single random draw
take coins in random order until the amount is covered; many wallets show the same receive
address until the user asks for a new one, so one address collects several coins that are
later spent in different transactions (which is what joins a wallet's transactions into one
multi-input cluster); busy wallets consolidate small coins when fees are low. The multi-input
heuristic alone recovers 68.59% of a real wallet's addresses (Nick 2015).

Privacy-conscious owners (the plots' cell, careful vendors, CoinJoin users) use coin control:
one coin, or the coins of one address, whenever that pays; fresh addresses; no consolidation.

Habits are drawn from their own random stream (or, for the world's people, from a hash of the
seed and the person), so they do not shift the rest of the simulation's draws.
"""

from __future__ import annotations

import hashlib
import random

from darkrange.world.chain._ledger import Wallet
from darkrange.world.chain._tx import TYPE_CODE

P2WPKH = TYPE_CODE["p2wpkh"]

KNAPSACK = 0  # Bitcoin Core's knapsack: smaller coins when they come closer than a larger one
RANDOM_DRAW = 1  # Electrum / Core's single random draw: random coins until covered
SINGLE = 2  # old and mobile wallets: the smallest coin that pays, else largest first
CAREFUL = 3  # coin control: one coin or one address's coins; never consolidates

CAREFUL_PERSONS = 0.25  # share of the world's people with coin control (careful vendors...)
PRIVATE_EVERY = 8  # every 8th background person is a CoinJoin user with coin control


def _unit(*parts: object) -> float:
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def careful_person(seed: int, entity_id: str) -> bool:
    """Whether a world person uses coin control (fixed by the seed and the person)."""
    return _unit(seed, "careful", entity_id) < CAREFUL_PERSONS


def private_background(index: int) -> bool:
    """Whether background person `index` is a CoinJoin user (owner id `bg-cj-NNNNNN`)."""
    return index % PRIVATE_EVERY == 0


def ordinary(w: Wallet, rng: random.Random) -> None:
    """An ordinary wallet: Core-like most often, some random draw, some single-coin; a share
    show their receive address again until it is used several times."""
    r = rng.random()
    w.strategy = KNAPSACK if r < 0.6 else RANDOM_DRAW if r < 0.85 else SINGLE
    if not w.reuse and rng.random() < 0.75:
        w.reuse_p = 0.5 + 0.45 * rng.random()


def careful(w: Wallet) -> None:
    w.strategy = CAREFUL
    w.reuse = False
    w.reuse_p = 0.0
    w.merge = 0.0


def service(w: Wallet) -> None:
    """Markets', exchanges' and services' hot wallets: the smallest coin that pays (they hold
    large coins and consolidate when they hold too many; see _spend.CONSOLIDATE_AT)."""
    w.strategy = SINGLE
