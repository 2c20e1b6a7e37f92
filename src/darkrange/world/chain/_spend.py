"""How wallet software spends: coin selection, fee, change, locktime and ordering habits.

These habits are what change heuristics read: one change output of the inputs' type (unless
the wallet says otherwise), fee = fee rate x estimated vsize, anti-fee-sniping locktime with
nSequence 0xfffffffd, BIP-69 ordering for some wallets and a random change position for the
rest, a largest-first fallback that merges coins, and now and then one coin more than needed.
"""

from __future__ import annotations

import math
import random

from darkrange.world.chain._ledger import Ledger, Wallet
from darkrange.world.chain._tx import INPUT_WEIGHT, OUTPUT_WEIGHT, vsize

DUST = 1_000  # change below this is left to the miner, as wallets do
CONSOLIDATE_AT = 400  # a wallet with more coins merges its smallest (exchanges, services do)
CONSOLIDATE_COINS = 200
_SAMPLE = 48  # coins looked at in a large wallet before falling back to all of them
PURPOSE_CHANGE = 5  # index of "change" in spec.AddressPurpose


class Spender:
    def __init__(self, ledger: Ledger, rng: random.Random) -> None:
        self.ledger = ledger
        self.rng = rng

    # --- habits -------------------------------------------------------------------------

    def rate(self, w: Wallet) -> float:
        if w.exact_fee:
            return w.fee_rate
        return w.fee_rate * (0.7 + 0.7 * self.rng.random())  # follows the mempool a little

    def locktime(self, w: Wallet, height: int) -> tuple[int, int]:
        """(nLockTime, nSequence) as Bitcoin Core / Electrum set them, or the plain default."""
        if not w.anti_fee_sniping:
            return 0, 0xFFFFFFFF
        tip = max(0, height - 1)
        if self.rng.random() < 0.1:  # Core sometimes goes back up to 100 blocks
            tip = max(0, tip - self.rng.randrange(100))
        return tip, 0xFFFFFFFD

    def receive_address(self, w: Wallet) -> int:
        """A fresh receive address, or the one the owner keeps reusing."""
        if w.reuse and w.reused_address >= 0:
            return w.reused_address
        a = self.ledger.new_address(w)
        if w.reuse:
            w.reused_address = a
        return a

    def change_address(self, w: Wallet) -> int:
        if (
            w.reuse
            and w.reused_address >= 0
            and self.ledger.addr_type[w.reused_address] == (w.change_type)
        ):
            return w.reused_address
        return self.ledger.new_address(w, PURPOSE_CHANGE, w.change_type)

    # --- coin selection -------------------------------------------------------------------

    def select(
        self, w: Wallet, target: int, base_weight: int, rate: float, exclude: set[int] | None
    ) -> list[int] | None:
        """Coins of `w` covering target plus the fee at `rate`; None when the wallet is short."""
        values = self.ledger.out_value
        utxos = w.utxos
        in_w = INPUT_WEIGHT[w.type]
        pool = utxos if len(utxos) <= _SAMPLE else self.rng.sample(utxos, _SAMPLE)
        need = target + math.ceil(rate * (base_weight + in_w) / 4)
        best = -1
        best_value = 0
        for o in pool:
            v = values[o]
            if v >= need and (best < 0 or v < best_value) and not (exclude and o in exclude):
                best, best_value = o, v
        if best >= 0:
            chosen = [best]
        else:
            # Largest first among the coins looked at; all coins only when those fall short.
            accumulated = self._accumulate(pool, target, base_weight, in_w, rate, exclude)
            if accumulated is None and pool is not utxos:
                accumulated = self._accumulate(utxos, target, base_weight, in_w, rate, exclude)
            if accumulated is None:
                return None
            chosen = accumulated
        if len(utxos) > len(chosen) and self.rng.random() < w.merge:
            extra = utxos[self.rng.randrange(len(utxos))]
            if extra not in chosen and not (exclude and extra in exclude):
                chosen.append(extra)
        return chosen

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
        out_types = [types[a] for a, _ in outputs]
        target = sum(v for _, v in outputs)
        rate = self.rate(w)
        base = 42 + sum(OUTPUT_WEIGHT[t] for t in out_types) + OUTPUT_WEIGHT[w.change_type]
        chosen = self.select(w, target, base, rate, exclude)
        if chosen is None:
            return None
        values = led.out_value
        total = sum(values[o] for o in chosen)
        in_types = [types[led.out_addr[o]] for o in chosen]
        size = vsize(in_types, [*out_types, w.change_type])
        fee = math.ceil(rate * size)
        change = total - target - fee
        outs = list(outputs)
        if change < DUST:
            size = vsize(in_types, out_types)
            fee = total - target
        else:
            change_out = (self.change_address(w), change)
            if w.bip69:
                outs.append(change_out)
            else:
                outs.insert(self.rng.randrange(len(outs) + 1), change_out)
        tx = self.commit(w, height, chosen, outs, fee, size)
        if len(w.utxos) > CONSOLIDATE_AT:
            self.consolidate(w, height)
        return tx

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
        led = self.ledger
        values = led.out_value
        for o in chosen:
            w.remove(o, values[o])
        if w.bip69:
            self.bip69(chosen, outputs)
        else:
            self.rng.shuffle(chosen)
        locktime, sequence = self.locktime(w, height)
        return led.append(height, w.version, locktime, chosen, sequence, outputs, fee, size)

    def bip69(self, inputs: list[int], outputs: list[tuple[int, int]]) -> None:
        led = self.ledger
        raw = led.tx_raw
        out_tx = led.out_tx
        inputs.sort(key=lambda o: (raw[out_tx[o]][::-1], led.vout(o)))
        scripts = led.addr_script
        outputs.sort(key=lambda av: (av[1], scripts[av[0]][1:]))

    def sweep(self, w: Wallet, height: int, dest: int, coins: list[int]) -> int:
        """Move `coins` of `w` to one address, the fee taken from the amount."""
        led = self.ledger
        types = led.addr_type
        in_types = [types[led.out_addr[o]] for o in coins]
        size = vsize(in_types, [types[dest]])
        fee = math.ceil(self.rate(w) * size)
        total = sum(led.out_value[o] for o in coins)
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
