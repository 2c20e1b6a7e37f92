"""CoinJoins in the three shapes clustering must recognise and skip.

- Wasabi (1.x): many participants, one output each of a ~0.1 BTC denomination, change, and a
  coordinator fee output; outputs ordered by value, version 1, no locktime.
- Whirlpool: a tx0 splits a coin into premix coins of denomination + mining fee (plus the pool
  fee and change); a mix takes exactly 5 premix inputs to 5 equal outputs.
- JoinMarket: one taker and 2-6 makers; n equal outputs plus one distinct change each.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from darkrange.world.chain._core import Actor, Core
from darkrange.world.chain._ledger import Wallet
from darkrange.world.chain._spend import DUST
from darkrange.world.chain._tx import TYPE_CODE, vsize

if TYPE_CHECKING:
    from darkrange.world.chain._background import Background

P2WPKH = TYPE_CODE["p2wpkh"]
WHIRLPOOL_DENOMINATIONS = (100_000, 1_000_000, 5_000_000, 50_000_000)


class CoinJoins:
    def __init__(self, core: Core, background: Background) -> None:
        self.core = core
        self.bg = background
        self.rng = core.rng
        self.wasabi = core.add_actor("bg-wasabi-coordinator", "service")
        self.whirlpool = core.add_actor("bg-whirlpool-coordinator", "service")
        for coordinator in (self.wasabi, self.whirlpool):
            w = core.ledger.new_wallet(coordinator.index, P2WPKH, 6)
            w.reuse = True
            coordinator.wallet = w
        self.premix: dict[int, list[tuple[int, Wallet]]] = {d: [] for d in WHIRLPOOL_DENOMINATIONS}

    def any(self) -> None:
        r = self.rng.random()
        if r < 0.3:
            self.wasabi_round()
        elif r < 0.75:
            self.whirlpool_step()
        else:
            self.joinmarket()

    def _participants(self, n: int, minimum: int) -> list[Actor]:
        chosen: list[Actor] = []
        seen: set[int] = set()
        for _ in range(n * 4):
            actor = self.bg.pick_private(minimum)
            if actor is not None and actor.index not in seen:
                seen.add(actor.index)
                chosen.append(actor)
                if len(chosen) == n:
                    break
        return chosen

    def _give_back(self, taken: list[tuple[Wallet, list[int]]]) -> None:
        values = self.core.ledger.out_value
        for w, coins in taken:
            for o in coins:
                w.add(o, values[o])

    def _record(
        self,
        inputs: list[int],
        outputs: list[tuple[int, int]],
        version: int,
        locktime: int,
        sequence: int,
        bip69: bool = False,
    ) -> None:
        led = self.core.ledger
        types = led.addr_type
        size = vsize([types[led.out_addr[o]] for o in inputs], [types[a] for a, _ in outputs])
        fee = sum(led.out_value[o] for o in inputs) - sum(v for _, v in outputs)
        if fee < 0:
            raise RuntimeError("CoinJoin pays out more than it takes in")  # a sizing bug
        led.append(self.core.height, version, locktime, inputs, sequence, outputs, fee, size, bip69)

    def _fresh(self, actor: Actor) -> int:
        self.bg.mark(actor)
        return self.core.ledger.new_address(actor.wallet)

    def wasabi_round(self) -> None:
        core = self.core
        denomination = 10_000_000 - self.rng.randrange(300_000)
        coordinator_fee = denomination * 3 // 100_000  # 0.003 % per participant
        rate = 2.0 + 25 * self.rng.random()
        people = self._participants(self.rng.randrange(10, 30), denomination + 60_000)
        if len(people) < 5:
            self.bg.payment()
            return
        taken = []
        for actor in people:
            coins = core.spender.take(actor.wallet, denomination + coordinator_fee + 40_000)
            if coins is not None:
                taken.append((actor, coins))
        if len(taken) < 10:  # a round starts with enough participants, or not at all
            self._give_back([(actor.wallet, coins) for actor, coins in taken])
            self.bg.payment()
            return
        values = core.ledger.out_value
        n_inputs = sum(len(c) for _, c in taken)
        size = vsize([P2WPKH] * n_inputs, [P2WPKH] * (2 * len(taken) + 1))
        share = math.ceil(rate * size / max(1, len(taken)))
        inputs: list[int] = []
        outputs: list[tuple[int, int]] = []
        for actor, coins in taken:
            inputs += coins
            outputs.append((self._fresh(actor), denomination))
            change = sum(values[o] for o in coins) - denomination - coordinator_fee - share
            if change >= DUST:
                outputs.append((self._fresh(actor), change))
        coordinator = core.spender.receive_address(self.wasabi.wallet)
        outputs.append((coordinator, coordinator_fee * len(taken)))
        self.rng.shuffle(inputs)
        outputs.sort(key=lambda av: -av[1])
        self._record(inputs, outputs, 1, 0, 0xFFFFFFFF)

    def whirlpool_step(self) -> None:
        denomination = WHIRLPOOL_DENOMINATIONS[self.rng.randrange(4)]
        queue = self.premix[denomination]
        if len(queue) >= 5:
            self._mix(denomination, queue)
        else:
            self._tx0(denomination, queue)

    def _tx0(self, denomination: int, queue: list[tuple[int, Wallet]]) -> None:
        core = self.core
        rate = 2.0 + 20 * self.rng.random()
        mix_fee = math.ceil(rate * 102)  # this coin's share of the 5x5 mix's fee
        pool_fee = denomination * 5 // 100
        count = self.rng.randrange(1, 8)
        budget = math.ceil(rate * (250 + 31 * count))
        need = count * (denomination + mix_fee) + pool_fee + budget
        actor = self.bg.pick_private(need + 20_000)
        if actor is None:
            self.bg.payment()
            return
        coins = core.spender.take(actor.wallet, need)
        if coins is None:
            self.bg.payment()
            return
        if actor.premix is None:
            actor.premix = core.ledger.new_wallet(actor.index, P2WPKH, 6)
        premix = [
            (core.ledger.new_address(actor.premix), denomination + mix_fee) for _ in range(count)
        ]
        outputs = [*premix, (core.spender.receive_address(self.whirlpool.wallet), pool_fee)]
        size = vsize([P2WPKH] * len(coins), [P2WPKH] * (len(outputs) + 1))
        change = sum(core.ledger.out_value[o] for o in coins) - need + budget
        change -= math.ceil(rate * size)
        if change < 0:
            self._give_back([(actor.wallet, coins)])
            return
        if change >= DUST:
            outputs.append((core.spender.change_address(actor.wallet), change))
        self._record(coins, outputs, 1, 0, 0xFFFFFFFF)
        tx = core.ledger.n_tx - 1
        first = core.ledger.tx_first_out[tx]
        for k in range(count):
            queue.append((first + k, actor.premix))

    def _mix(self, denomination: int, queue: list[tuple[int, Wallet]]) -> None:
        core = self.core
        picked = queue[:5]
        del queue[:5]
        values = core.ledger.out_value
        inputs = []
        outputs = []
        for o, w in picked:
            w.remove(o, values[o])
            inputs.append(o)
            outputs.append((self._fresh(core.actors[w.actor]), denomination))
        self._record(inputs, outputs, 1, 0, 0xFFFFFFFF, bip69=True)  # Whirlpool sorts as BIP-69

    def joinmarket(self) -> None:
        core = self.core
        amount = self.rng.randrange(1_000_000, 100_000_000)
        rate = 2.0 + 20 * self.rng.random()
        people = self._participants(self.rng.randrange(3, 8), amount + 200_000)
        if len(people) < 3:
            self.bg.payment()
            return
        taker, makers = people[0], people[1:]
        values = core.ledger.out_value
        taken: list[tuple[Wallet, list[int]]] = []
        inputs: list[int] = []
        outputs: list[tuple[int, int]] = []
        maker_fees = 0
        for maker in makers:
            coins = core.spender.take(maker.wallet, amount)
            if coins is None:
                continue
            taken.append((maker.wallet, coins))
            fee = int(amount * self.rng.uniform(0.00002, 0.0003)) + self.rng.randrange(500)
            maker_fees += fee
            inputs += coins
            outputs.append((self._fresh(maker), amount))
            outputs.append((self._fresh(maker), sum(values[o] for o in coins) - amount + fee))
        budget = math.ceil(rate * (60 + 68 * (len(inputs) + 3) + 31 * (len(outputs) + 2)))
        coins = core.spender.take(taker.wallet, amount + maker_fees + budget)
        if coins is None or len(taken) < 2:
            self._give_back([*taken, (taker.wallet, coins or [])])
            self.bg.payment()
            return
        inputs += coins
        outputs.append((self._fresh(taker), amount))
        size = vsize([P2WPKH] * len(inputs), [P2WPKH] * (len(outputs) + 1))
        change = sum(values[o] for o in coins) - amount - maker_fees - math.ceil(rate * size)
        if change < 0:
            self._give_back([*taken, (taker.wallet, coins)])
            return
        if change >= DUST:
            outputs.append((core.spender.change_address(taker.wallet), change))
        self.rng.shuffle(inputs)
        self.rng.shuffle(outputs)
        self._record(inputs, outputs, 2, max(0, core.height - 1), 0xFFFFFFFE)
