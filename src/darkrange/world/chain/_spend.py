"""How wallet software spends: coin selection, fee, change, locktime and ordering habits.

These habits are what change heuristics read: one change output of the inputs' type (unless
the wallet says otherwise), fee = fee rate x estimated vsize, anti-fee-sniping locktime with
nSequence 0xfffffffd, BIP-69 ordering for some wallets and a random change position for the
rest, a largest-first fallback that merges coins, and now and then one coin more than needed.

This is the simulation's innermost loop (every transaction passes here), so it works on the
ledger's columns directly and draws random numbers with `random()` alone.
"""

from __future__ import annotations

import math
import random

from darkrange.world.chain._habits import CAREFUL, RANDOM_DRAW, SINGLE
from darkrange.world.chain._ledger import Ledger, Wallet
from darkrange.world.chain._tx import INPUT_WEIGHT, OUTPUT_WEIGHT, SEGWIT

DUST = 1_000  # change below this is left to the miner, as wallets do
CONSOLIDATE_AT = 400  # a wallet with more coins merges its smallest (exchanges, services do)
CONSOLIDATE_COINS = 200
_CAREFUL_POOL = 400  # coins a careful wallet looks at
_SAMPLE = 48  # coins looked at in a large wallet before falling back to all of them
PURPOSE_CHANGE = 5  # index of "change" in spec.AddressPurpose
_BASE_WEIGHT = 40  # version, locktime and the two counts
_MARKER_WEIGHT = 2  # segwit marker and flag, when any input has a witness


class Spender:
    def __init__(self, ledger: Ledger, rng: random.Random) -> None:
        self.ledger = ledger
        self.rng = rng
        self.random = rng.random

    # --- habits -------------------------------------------------------------------------

    def rate(self, w: Wallet) -> float:
        if w.exact_fee:
            return w.fee_rate
        return w.fee_rate * (0.7 + 0.7 * self.random())  # follows the mempool a little

    def receive_address(self, w: Wallet) -> int:
        """A fresh receive address, or the one the owner keeps reusing."""
        if w.reuse:
            if w.reused_address < 0:
                w.reused_address = self.ledger.new_address(w)
            return w.reused_address
        if w.reuse_p:  # the wallet shows its last receive address again, until a new one
            if w.reused_address >= 0 and self.random() < w.reuse_p:
                return w.reused_address
            w.reused_address = self.ledger.new_address(w)
            return w.reused_address
        return self.ledger.new_address(w)

    def change_address(self, w: Wallet) -> int:
        led = self.ledger
        if w.reuse and w.reused_address >= 0 and led.addr_type[w.reused_address] == w.change_type:
            return w.reused_address
        return led.new_address(w, PURPOSE_CHANGE, w.change_type)

    # --- coin selection -------------------------------------------------------------------

    def select(
        self, w: Wallet, target: int, base_weight: int, rate: float, exclude: set[int] | None
    ) -> list[int] | None:
        """Coins of `w` covering target plus the fee at `rate`, chosen by the wallet's habit
        (see _habits); None when the wallet is short."""
        if w.strategy == CAREFUL or w.priority >= 0:
            return self._careful(w, target, base_weight, rate, exclude)
        values = self.ledger.out_value
        utxos = w.utxos
        n = len(utxos)
        in_w = INPUT_WEIGHT[w.type]
        sampled = n > _SAMPLE
        if not sampled:
            pool = utxos
        else:  # a window of an unordered list: a random sample at the price of a slice
            start = int(self.random() * (n - _SAMPLE + 1))
            pool = utxos[start : start + _SAMPLE]
        need = target + math.ceil(rate * (base_weight + in_w) / 4)
        if exclude:
            pool = [o for o in pool if o not in exclude]
        held = [values[o] for o in pool]
        enough = [v for v in held if v >= need]
        larger = min(enough) if enough else -1  # the smallest coin that pays it all
        chosen: list[int] | None = None
        if w.strategy == SINGLE and larger >= 0:
            chosen = [pool[held.index(larger)]]
        elif w.strategy == RANDOM_DRAW:
            chosen = self._draw(pool, held, target, base_weight, in_w, rate, None)
        elif larger != need:
            # Knapsack: coins smaller than the amount, drawn at random until they cover it,
            # win when they come closer to it than the smallest larger coin.
            small = [(o, v) for o, v in zip(pool, held, strict=True) if v < need]
            if small:
                chosen = self._draw(
                    [o for o, _ in small], [v for _, v in small], target, base_weight, in_w,
                    rate, larger if larger >= 0 else None,
                )  # fmt: skip
        if chosen is None and larger >= 0:
            chosen = [pool[held.index(larger)]]
        if chosen is None:
            # Largest first among the coins looked at; all coins only when those fall short.
            chosen = self._accumulate(pool, target, base_weight, in_w, rate, exclude)
            if chosen is None and sampled:
                chosen = self._accumulate(utxos, target, base_weight, in_w, rate, exclude)
            if chosen is None:
                return None
        if n > len(chosen) and self.random() < w.merge:
            extra = utxos[int(self.random() * n)]
            if extra not in chosen and not (exclude and extra in exclude):
                chosen.append(extra)
        return chosen

    def _draw(
        self,
        pool: list[int],
        held: list[int],
        target: int,
        base_weight: int,
        in_w: int,
        rate: float,
        bound: int | None,
    ) -> list[int] | None:
        """Coins of `pool` from a random place on until they cover target and fee; None when
        they fall short or reach `bound` (a single larger coin would come closer)."""
        n = len(pool)
        first = int(self.random() * n)
        chosen: list[int] = []
        total = 0
        for k in range(n):
            i = (first + k) % n
            chosen.append(pool[i])
            total += held[i]
            if total >= target + math.ceil(rate * (base_weight + in_w * len(chosen)) / 4):
                return None if bound is not None and total >= bound else chosen
        return None

    def _careful(
        self, w: Wallet, target: int, base_weight: int, rate: float, exclude: set[int] | None
    ) -> list[int] | None:
        """Coin control: the coins of one address (its smallest group that pays), priority
        coins first (the cell spends its donations); else the fewest groups, largest first."""
        led = self.ledger
        values, out_addr = led.out_value, led.out_addr
        utxos = w.utxos if len(w.utxos) <= _CAREFUL_POOL else w.utxos[:_CAREFUL_POOL]
        in_w = INPUT_WEIGHT[w.type]
        groups: dict[int, list[int]] = {}
        for o in utxos:
            if not (exclude and o in exclude):
                groups.setdefault(out_addr[o], []).append(o)
        purposes = led.addr_purpose
        ranked = sorted(
            groups.items(),
            key=lambda g: (purposes[g[0]] != w.priority, -sum(values[o] for o in g[1]), g[0]),
        )
        # Priority coins, when there are any, are the only candidates for a single group.
        first = [g for g in ranked if purposes[g[0]] == w.priority] if w.priority >= 0 else []
        best: list[int] | None = None
        best_total = 0
        for _, coins in first or ranked:
            total = sum(values[o] for o in coins)
            fee = math.ceil(rate * (base_weight + in_w * len(coins)) / 4)
            if total >= target + fee and (best is None or total < best_total):
                best, best_total = coins, total
        if best is not None:
            return list(best)
        chosen: list[int] = []
        total = 0
        for _, coins in ranked:  # priority groups first, then the largest
            chosen += coins
            total += sum(values[o] for o in coins)
            if total >= target + math.ceil(rate * (base_weight + in_w * len(chosen)) / 4):
                return chosen
        return None

    def _accumulate(
        self,
        utxos: list[int],
        target: int,
        base_weight: int,
        in_w: int,
        rate: float,
        exclude: set[int] | None,
    ) -> list[int] | None:
        values = self.ledger.out_value
        ordered = sorted(utxos, key=lambda o: (-values[o], o))
        chosen: list[int] = []
        total = 0
        for o in ordered:
            if exclude and o in exclude:
                continue
            chosen.append(o)
            total += values[o]
            if total >= target + math.ceil(rate * (base_weight + in_w * len(chosen)) / 4):
                return chosen
        return None

    # --- building -------------------------------------------------------------------------

    def pay(
        self,
        w: Wallet,
        height: int,
        outputs: list[tuple[int, int]],
        exclude: set[int] | None = None,
    ) -> int | None:
        """Pay (address, value) outputs from `w` with its habits; None when it cannot."""
        led = self.ledger
        types = led.addr_type
        target = 0
        out_weight = _BASE_WEIGHT
        for a, v in outputs:
            target += v
            out_weight += OUTPUT_WEIGHT[types[a]]
        rate = w.fee_rate if w.exact_fee else w.fee_rate * (0.7 + 0.7 * self.random())
        change_weight = OUTPUT_WEIGHT[w.change_type]
        chosen = self.select(w, target, out_weight + 2 + change_weight, rate, exclude)
        if chosen is None:
            return None
        total, in_weight = self._inputs(chosen)
        size = (in_weight + out_weight + change_weight + 3) // 4
        fee = math.ceil(rate * size)
        change = total - target - fee
        outs = list(outputs)
        if change < DUST:
            size = (in_weight + out_weight + 3) // 4
            fee = total - target
        else:
            change_out = (self.change_address(w), change)
            if w.bip69:
                outs.append(change_out)  # the finaliser puts it in BIP-69 order
            else:
                outs.insert(int(self.random() * (len(outs) + 1)), change_out)
        tx = self.commit(w, height, chosen, outs, fee, size)
        if len(w.utxos) > CONSOLIDATE_AT:
            self.consolidate(w, height)
        return tx

    def _inputs(self, coins: list[int]) -> tuple[int, int]:
        """Value and weight (marker included when any is segwit) of spending `coins`."""
        led = self.ledger
        values = led.out_value
        out_addr = led.out_addr
        types = led.addr_type
        total = 0
        weight = 0
        segwit = False
        for o in coins:
            total += values[o]
            t = types[out_addr[o]]
            weight += INPUT_WEIGHT[t]
            segwit = segwit or SEGWIT[t]
        return total, weight + _MARKER_WEIGHT if segwit else weight

    def consolidate(self, w: Wallet, height: int) -> None:
        """Merge the wallet's smallest coins into one, as busy wallets do when fees are low;
        coins worth less than spending them are left alone."""
        values = self.ledger.out_value
        floor = w.fee_rate * 300
        coins = sorted((o for o in w.utxos if values[o] > floor), key=lambda o: (values[o], o))
        if len(coins) >= CONSOLIDATE_COINS // 4:
            self.sweep(w, height, self.change_address(w), coins[:CONSOLIDATE_COINS])

    def commit(
        self,
        w: Wallet,
        height: int,
        chosen: list[int],
        outputs: list[tuple[int, int]],
        fee: int,
        size: int,
    ) -> int:
        """Take `chosen` out of `w`, order inputs and outputs by the wallet's habit, record."""
        values = self.ledger.out_value
        utxos = w.utxos
        positions = w.positions
        spent = 0
        for o in chosen:
            i = positions.pop(o)
            last = utxos.pop()
            if last != o:
                utxos[i] = last
                positions[last] = i
            spent += values[o]
        w.balance -= spent
        rnd = self.random
        if not w.bip69:  # BIP-69 wallets are ordered by the finaliser, which knows the txids
            for i in range(len(chosen) - 1, 0, -1):
                j = int(rnd() * (i + 1))
                chosen[i], chosen[j] = chosen[j], chosen[i]
        if not w.anti_fee_sniping:
            locktime, sequence = 0, 0xFFFFFFFF
        else:  # as Bitcoin Core / Electrum set them; Core sometimes goes back 100 blocks
            locktime, sequence = max(0, height - 1), 0xFFFFFFFD
            if rnd() < 0.1:
                locktime = max(0, locktime - int(rnd() * 100))
        return self.ledger.append(
            height, w.version, locktime, chosen, sequence, outputs, fee, size, w.bip69
        )

    def sweep(self, w: Wallet, height: int, dest: int, coins: list[int]) -> int:
        """Move `coins` of `w` to one address, the fee taken from the amount."""
        total, in_weight = self._inputs(coins)
        size = (in_weight + _BASE_WEIGHT + OUTPUT_WEIGHT[self.ledger.addr_type[dest]] + 3) // 4
        fee = math.ceil(self.rate(w) * size)
        return self.commit(w, height, list(coins), [(dest, total - fee)], fee, size)

    def take(self, w: Wallet, amount: int) -> list[int] | None:
        """Coins of `w` worth at least `amount`, taken out of the wallet (for CoinJoins)."""
        chosen = self.select(w, amount, 0, 0.0, None)
        if chosen is None:
            return None
        values = self.ledger.out_value
        for o in chosen:
            w.remove(o, values[o])
        return chosen
