"""`simulate`: the world's economy and far more background, mined into blocks and written out."""

from __future__ import annotations

import gc
import hashlib
import math
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np

from darkrange.world.chain import _habits as habits
from darkrange.world.chain._background import Background
from darkrange.world.chain._core import COIN, MATURITY, PURPOSES, Core, P
from darkrange.world.chain._ledger import Ledger, Wallet
from darkrange.world.chain._routes import Routes, mixer_fee_pct
from darkrange.world.chain._tx import OP_RETURN, TYPE_NAMES, coinbase_script_sig, coinbase_vsize
from darkrange.world.chain._validate import validate
from darkrange.world.chain._worker import Identifiers, LocalFinaliser, ProcessFinaliser, finaliser
from darkrange.world.chain.spec import (
    AddressRecord,
    ChainResult,
    ChainSpec,
    WalletProfile,
)

SUBSIDY = 312_500_000  # 3.125 BTC, the subsidy since April 2024, for every block
PARALLEL_FROM = 50_000  # target size from which identifiers are computed in a worker process
BATCH = 8_192  # transactions handed to the finaliser at a time (whole blocks)
PREMINE = {
    "exchange": (50_000 * COIN, 150_000 * COIN),
    "mixer": 500 * COIN,
    "market": 30 * COIN,
    "service": 3_000 * COIN,
}


class _Random(random.Random):
    """random.Random with a cheaper integer draw: randrange, choice, shuffle and sample all
    go through _randbelow, which the simulation calls millions of times."""

    def _randbelow(self, n: int) -> int:
        return int(self.random() * n)


def key_seed(seed: int) -> bytes:
    return hashlib.sha256(b"darkrange/chain/%d" % seed).digest()


def block_times(rng: random.Random, start: int, end: int) -> list[int]:
    """Block 0 at start, then exponential gaps of ten minutes on average, up to end."""
    times = [start]
    while True:
        t = times[-1] + max(1, round(rng.expovariate(1 / 600)))
        if t > end:
            break
        times.append(t)
    if len(times) == 1:
        times.append(end)  # a world shorter than a block still gets one block to act in
    return times


def simulate(
    spec: ChainSpec,
    out_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    *,
    workers: int | None = None,
) -> ChainResult:
    """Write out_dir/{blocks,transactions,inputs,outputs}.parquet for the spec (see
    docs/formats/chain.md) and return the ground truth: who owns each address, the requested
    addresses and each payment's hop txids.

    `workers`: processes deriving addresses, txids and block hashes and writing the files
    beside the simulation (default: one for large worlds, none for small ones; more than one
    is not used); the output does not depend on it.
    """
    validate(spec)
    if workers is None:
        workers = 1 if spec.target_transactions >= PARALLEL_FROM else 0
    # Millions of long-lived objects and no reference cycles: the cyclic collector would only
    # walk them again and again (a tenth of the time of a large world).
    collecting = gc.isenabled()
    gc.disable()
    fin = finaliser(key_seed(spec.seed), out_dir, in_process=workers == 0)
    try:
        return _Simulation(spec, fin).run(progress)
    finally:
        fin.close()
        if collecting:
            gc.enable()


class _Simulation:
    def __init__(self, spec: ChainSpec, fin: LocalFinaliser | ProcessFinaliser) -> None:
        self.spec = spec
        self.fin = fin
        self.rng = _Random(f"darkrange/chain/{spec.seed}")
        self.times = block_times(self.rng, spec.start_time, spec.end_time)
        self.ledger = Ledger()
        self.core = Core(self.ledger, self.rng, self.times[-1])
        self.sent = (0, 0)  # transactions and addresses handed to the finaliser
        self.closed: list[tuple[int, bytes]] = []  # blocks not handed over yet: time, pool tag
        self.requested: dict[str, int] = {}
        self._setup_world()
        target = spec.target_transactions
        self.bg = Background(self.core, max(40, target // 8), min(8, 3 + target // 200_000))
        self.routes = Routes(
            self.core, self.requested, {r.request_id: r for r in spec.address_requests}
        )
        self._requests()

    # --- set-up ---------------------------------------------------------------------------

    def _setup_world(self) -> None:
        core = self.core
        for entity in self.spec.entities:
            actor = core.add_actor(entity.entity_id, entity.kind)
            purpose = "hot" if entity.kind in ("market", "exchange", "mixer") else "receive"
            actor.wallet = core.add_wallet(actor, entity.profile, purpose, True)
            self._habits(entity.entity_id, entity.kind, actor.wallet)
            if entity.kind == "exchange":
                cold = WalletProfile(script_type="p2wsh", anti_fee_sniping=False)
                actor.cold = core.add_wallet(actor, cold, "cold", True)
                core.exchanges.append(actor)
            elif entity.kind == "mixer":
                actor.fee_pct = mixer_fee_pct(self.spec.seed, actor, entity.service_fee_pct)
                core.world_mixers.append(actor)
            elif entity.kind == "market":
                core.world_markets.append(actor)

    def _habits(self, entity_id: str, kind: str, wallet: Wallet) -> None:
        """Coin selection by who holds the wallet (see _habits)."""
        if kind == "cell":  # coin control, and the donations are what it spends first
            habits.careful(wallet)
            wallet.priority = P["donation"]
        elif kind == "person" and habits.careful_person(self.spec.seed, entity_id):
            habits.careful(wallet)
        elif kind == "person":
            habits.ordinary(wallet, self.core.habits)
        else:
            habits.service(wallet)

    def _requests(self) -> None:
        core = self.core
        led = self.ledger
        for request in self.spec.address_requests:
            actor = core.by_id[request.owner]
            purpose = PURPOSES.index(request.purpose)
            if request.purpose in ("deposit", "exchange_deposit"):
                wallet = core.deposits_of(actor)
                address = led.new_address(wallet, purpose)
                if request.counterparty is not None:
                    actor.deposit_addr.setdefault(request.counterparty, address)
            elif request.purpose == "cold" and actor.cold is not None:
                address = led.new_address(actor.cold, purpose)
            else:
                wallet = actor.wallet
                address = led.new_address(wallet, purpose)
                if wallet.reuse and wallet.reused_address < 0:
                    wallet.reused_address = address  # the published address is the one reused
            self.requested[request.request_id] = address

    def _premine(self) -> None:
        """Block 0: the coins that existed before the world began, spendable at once."""
        core = self.core
        led = self.ledger
        outputs = []
        for actor in core.actors:
            share = PREMINE.get(actor.kind)
            if share is None or actor.kind == "background":
                continue
            if isinstance(share, tuple):
                outputs.append((core.spender.receive_address(actor.wallet), share[0]))
                if actor.cold is not None:
                    outputs.append((core.spender.receive_address(actor.cold), share[1]))
            else:
                outputs.append((core.spender.receive_address(actor.wallet), share))
        cb = led.open_coinbase(0, outputs, 1)
        self._close_block(cb, 0, [v for _, v in outputs], b"/genesis/")
        first = led.tx_first_out[cb]
        for k, (a, v) in enumerate(outputs):
            led.wallets[led.addr_holder[a]].add(first + k, v)
        self._hand_over()

    def _schedule(self) -> None:
        core = self.core
        start = self.times[0]
        for entity in self.spec.entities:
            if entity.starting_balance_sat > 0:
                when = start + self.rng.randrange(0, 6 * 3_600)
                core.schedule(when, self._fund_start, entity.entity_id, entity.starting_balance_sat)
        for payment in self.spec.payments:
            core.schedule(payment.time, self.routes.start, payment)

    def _fund_start(self, entity_id: str, value: int) -> None:
        core = self.core
        wallet = core.by_id[entity_id].wallet
        exchange = core.exchanges[self.rng.randrange(len(core.exchanges))]
        if exchange.wallet is wallet:
            return
        core.exchange_pay(exchange, [(core.spender.receive_address(wallet), value)])

    # --- blocks ---------------------------------------------------------------------------

    def _close_block(self, cb: int, height: int, values: list[int], tag: bytes) -> None:
        """Set the coinbase's values now that the block's fees are known; the finaliser adds
        the witness commitment, the txids and the header."""
        led = self.ledger
        first = led.tx_first_out[cb]
        types = [led.addr_type[led.out_addr[first + k]] for k in range(len(values))]
        size = coinbase_vsize(coinbase_script_sig(height, tag), [*types, OP_RETURN])
        led.close_coinbase(cb, values, size)
        self.closed.append((self.times[height], tag))

    def _hand_over(self) -> None:
        """Give the finaliser the closed blocks since the last hand-over."""
        led = self.ledger
        tx, address = self.sent
        self.fin.feed((led.batch(tx, address), self.closed))
        self.sent = (led.n_tx, len(led.addr_type))
        self.closed = []

    def _targets(self) -> list[int]:
        """Cumulative transaction count to reach by each block: busier by day than by night."""
        weights = [
            1 + 0.3 * math.sin(2 * math.pi * ((t % 86_400) / 86_400 - 0.25)) for t in self.times
        ]
        total = sum(weights[1:])
        out = [1]
        acc = 0.0
        for w in weights[1:]:
            acc += w
            out.append(round(self.spec.target_transactions * acc / total))
        return out

    def _block(self, height: int, target: int) -> None:
        core = self.core
        led = self.ledger
        core.height = height
        core.now = self.times[height]
        pool = self.bg.pool()
        cb = led.open_coinbase(height, [(core.spender.receive_address(pool.wallet), 0)], 1)
        for p in self.bg.pools:
            while p.immature and p.immature[0][0] + MATURITY <= height:
                o = p.immature.pop(0)[1]
                p.wallet.add(o, led.out_value[o])
        core.run_due(core.now)
        misses = 0
        act = self.bg.act
        tx_height = led.tx_height
        while len(tx_height) < target and misses < 50:
            before = len(tx_height)
            act()
            misses = misses + 1 if len(tx_height) == before else 0
        core.run_due(core.now)  # what the background scheduled for this very block
        fees = sum(led.tx_fee[cb + 1 :])
        self._close_block(cb, height, [SUBSIDY + fees], pool.owner_id.encode())
        pool.immature.append((height, led.tx_first_out[cb]))
        if led.n_tx - self.sent[0] >= BATCH:
            self._hand_over()

    def run(self, progress: Callable[[int, int], None] | None) -> ChainResult:
        self._premine()
        self._schedule()
        targets = self._targets()
        total = self.spec.target_transactions
        step = max(1, total // 100)
        reported = 0
        for height in range(1, len(self.times)):
            self._block(height, targets[height])
            done = self.ledger.n_tx
            if progress is not None and done - reported >= step:
                progress(min(done, total), total)
                reported = done
        if self.closed:
            self._hand_over()
        ids = self.fin.finish()
        result = self._result(ids)
        self.fin.wait_written()
        if progress is not None:
            progress(total, total)
        return result

    def _result(self, ids: Identifiers) -> ChainResult:
        led = self.ledger
        actors = self.core.actors
        # Columns by look-up in object arrays: a few million addresses, no loop in Python.
        actor = np.array([w.actor for w in led.wallets], dtype=np.int64)
        actor = actor[np.frombuffer(led.addr_holder, dtype=np.int32)]
        owner = np.array([a.owner_id for a in actors], dtype=object)[actor]
        kind = np.array([a.kind for a in actors], dtype=object)[actor]
        purpose = np.array(PURPOSES, dtype=object)[np.frombuffer(led.addr_purpose, np.int8)]
        types = np.array(TYPE_NAMES, dtype=object)[np.frombuffer(led.addr_type, np.int8)]
        records: list[AddressRecord] = list(
            map(
                AddressRecord,
                ids.addresses,
                owner.tolist(),
                kind.tolist(),
                purpose.tolist(),
                types.tolist(),
            )
        )
        hops = {
            p.payment_id: [ids.txid(t) for t in self.core.hops.get(p.payment_id, [])]
            for p in self.spec.payments
        }
        return ChainResult(
            addresses=records,
            requested={r: ids.addresses[a] for r, a in self.requested.items()},
            payment_txids=hops,
            blocks=len(self.times),
            transactions=led.n_tx,
        )
