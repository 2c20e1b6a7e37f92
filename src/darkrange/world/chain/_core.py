"""The simulation's state and clock: owners and their wallets, blocks, scheduled events, funding.

Routes (the world's payments) and background activity act through this core; it keeps the
chain valid: coins exist before they are spent, coinbases mature after 100 blocks, and whoever
must pay but is short buys coins at an exchange first.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from typing import Any, get_args

from darkrange.world.chain._ledger import Ledger, Wallet
from darkrange.world.chain._spend import Spender
from darkrange.world.chain._tx import TYPE_CODE
from darkrange.world.chain.spec import AddressPurpose, WalletProfile

PURPOSES: tuple[str, ...] = get_args(AddressPurpose)
P = {name: code for code, name in enumerate(PURPOSES)}
COIN = 100_000_000
MATURITY = 100
SWEEP_MAX_INPUTS = 200
BTC_USD = 30_000  # one price for the whole world: amounts read as round fiat sums


class Actor:
    """An owner of coins: a world entity or a background one."""

    __slots__ = (
        "cold",
        "deposit_addr",
        "deposits",
        "fee_pct",
        "immature",
        "index",
        "kind",
        "owner_id",
        "premix",
        "sweep_pending",
        "wallet",
    )

    wallet: Wallet  # the main wallet, set by whoever creates the actor

    def __init__(self, index: int, owner_id: str, kind: str) -> None:
        self.index = index
        self.owner_id = owner_id
        self.kind = kind
        self.deposits: Wallet | None = None  # per-customer deposit addresses, swept
        self.cold: Wallet | None = None
        self.deposit_addr: dict[str, int] = {}  # customer id -> deposit address
        self.immature: list[tuple[int, int]] = []  # (height, coinbase output) of a pool
        self.fee_pct = 0.0
        self.premix: Wallet | None = None
        self.sweep_pending = False


class Core:
    def __init__(self, ledger: Ledger, rng: random.Random, last_time: int) -> None:
        self.ledger = ledger
        self.rng = rng
        self.habits = random.Random(rng.random())  # wallets' habits: a stream of their own
        self.spender = Spender(ledger, rng)
        self.actors: list[Actor] = []
        self.by_id: dict[str, Actor] = {}
        self.exchanges: list[Actor] = []  # world exchanges first: they fund who is short
        self.height = 0
        self.now = 0
        self.last_time = last_time
        self._events: list[tuple[int, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = 0
        self.hops: dict[str, list[int]] = {}
        self.hop_watch: dict[int, str] = {}  # deposit output -> payment waiting for its sweep
        self.persons: list[Actor] = []  # background people
        self.world_mixers: list[Actor] = []
        self.world_markets: list[Actor] = []

    def background_person(self) -> Actor:
        return self.persons[self.rng.randrange(len(self.persons))]

    # --- owners and wallets ---------------------------------------------------------------

    def add_actor(self, owner_id: str, kind: str) -> Actor:
        actor = Actor(len(self.actors), owner_id, kind)
        self.actors.append(actor)
        self.by_id[owner_id] = actor
        return actor

    def add_wallet(
        self, actor: Actor, profile: WalletProfile, purpose: str, exact_fee: bool
    ) -> Wallet:
        w = self.ledger.new_wallet(actor.index, TYPE_CODE[profile.script_type], P[purpose])
        w.change_type = TYPE_CODE[profile.change_script_type or profile.script_type]
        w.reuse = profile.reuses_addresses
        w.fee_rate = profile.fee_rate
        w.exact_fee = exact_fee
        w.anti_fee_sniping = profile.anti_fee_sniping
        w.version = profile.version
        w.bip69 = profile.bip69
        return w

    def deposits_of(self, actor: Actor) -> Wallet:
        """The actor's deposit-address wallet, created on first use, swept to its hot wallet."""
        if actor.deposits is None:
            main = actor.wallet
            purpose = "exchange_deposit" if actor.kind == "exchange" else "deposit"
            w = self.ledger.new_wallet(actor.index, main.type, P[purpose])
            w.fee_rate, w.version, w.anti_fee_sniping = main.fee_rate, main.version, False
            w.on_receive = lambda _w, _o, a=actor: self.schedule_sweep(a)
            actor.deposits = w
        return actor.deposits

    def deposit_address(self, actor: Actor, customer: str) -> int:
        """The customer's own deposit address at a market or exchange (one per customer)."""
        a = actor.deposit_addr.get(customer)
        if a is None:
            a = self.ledger.new_address(self.deposits_of(actor))
            actor.deposit_addr[customer] = a
        return a

    # --- clock ----------------------------------------------------------------------------

    def schedule(self, time: int, action: Callable[..., None], *args: Any) -> None:
        self._seq += 1
        heapq.heappush(self._events, (min(time, self.last_time), self._seq, action, args))

    def run_due(self, until: int) -> None:
        events = self._events
        while events and events[0][0] <= until:
            _, _, action, args = heapq.heappop(events)
            action(*args)

    # --- sweeps ---------------------------------------------------------------------------

    def schedule_sweep(self, actor: Actor) -> None:
        if not actor.sweep_pending:
            actor.sweep_pending = True
            self.schedule(self.now + self.rng.randrange(3_600, 12 * 3_600), self.sweep, actor)

    def sweep(self, actor: Actor, must: int = -1) -> None:
        """Consolidate deposits into the hot wallet (an exchange sends some to cold storage)."""
        actor.sweep_pending = False
        w = actor.deposits
        if w is None or not w.utxos:
            return
        values = self.ledger.out_value
        floor = int(w.fee_rate * 200)  # dust deposits cost more to move than they are worth
        coins = [o for o in w.utxos if values[o] > floor]
        coins.sort()
        coins = coins[:SWEEP_MAX_INPUTS]
        if must >= 0 and must not in coins:
            coins[-1:] = [must]
        if not coins:
            return
        to_cold = actor.cold is not None and self.rng.random() < 0.25
        dest_wallet = actor.cold if to_cold and actor.cold is not None else actor.wallet
        tx = self.spender.sweep(w, self.height, self.spender.receive_address(dest_wallet), coins)
        for o in coins:
            payment = self.hop_watch.pop(o, None)
            if payment is not None:
                self.hops[payment].append(tx)
        if any(values[o] > floor for o in w.utxos):
            self.schedule_sweep(actor)

    # --- money ----------------------------------------------------------------------------

    def round_amount(self, sat: int) -> int:
        """A sum a person would type: round dollars at the world's price, or round bitcoin."""
        usd = sat * BTC_USD / COIN
        step = 1 if usd < 20 else 5 if usd < 200 else 50 if usd < 5_000 else 500
        usd = max(step, round(usd / step) * step)
        return int(usd * COIN / BTC_USD)

    def exchange_pay(self, exchange: Actor, outputs: list[tuple[int, int]]) -> int:
        """An exchange pays out from its hot wallet, refilled from cold storage when low."""
        hot = exchange.wallet
        need = sum(v for _, v in outputs) + COIN
        cold = exchange.cold
        if hot.balance < need and cold is not None and cold.balance > need:
            refill = min(cold.balance - COIN // 10, need * 4)
            self.spender.pay(cold, self.height, [(self.spender.receive_address(hot), refill)])
        tx = self.spender.pay(hot, self.height, outputs)
        if tx is None:
            raise RuntimeError(f"exchange {exchange.owner_id} ran dry")  # a bug in the sizing
        return tx

    def fund(self, w: Wallet, shortfall: int) -> None:
        """The owner of `w` buys coins at an exchange: a withdrawal to a fresh address."""
        exchange = self.exchanges[self.rng.randrange(len(self.exchanges))]
        if self.actors[w.actor] is exchange:
            exchange = self.exchanges[(self.exchanges.index(exchange) + 1) % len(self.exchanges)]
        value = self.round_amount(int(shortfall * (1.1 + 0.5 * self.rng.random()))) + 50_000
        self.exchange_pay(exchange, [(self.spender.receive_address(w), value)])

    def pay_funded(
        self, w: Wallet, outputs: list[tuple[int, int]], exclude: set[int] | None = None
    ) -> int:
        """Pay, first buying what is missing: every payment of the world happens."""
        for _ in range(4):
            tx = self.spender.pay(w, self.height, outputs, exclude)
            if tx is not None:
                return tx
            usable = w.balance - sum(self.ledger.out_value[o] for o in exclude or ())
            margin = int(w.fee_rate * 2 * (300 + 100 * len(w.utxos)))
            self.fund(w, sum(v for _, v in outputs) - usable + margin)
        raise RuntimeError("payment could not be funded")  # unreachable unless sizing is wrong

    def output_to(self, tx: int, address: int, value: int) -> int:
        """Index of the output of `tx` paying `value` to `address`."""
        led = self.ledger
        first = led.tx_first_out[tx]
        for o in range(first, first + led.n_outputs(tx)):
            if led.out_addr[o] == address and led.out_value[o] == value:
                return o
        raise RuntimeError("output not found")
