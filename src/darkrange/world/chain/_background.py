"""Everyone else on the chain: ordinary people, exchanges, pools, services, CoinJoins.

Background activity outnumbers the world's crime many times over, as on the real chain, so
that tracing has to tell signal from noise. Owners get ids like "bg-000123" (kind
"background"); the infrastructure gets "bg-exchange-00", "bg-pool-00", "bg-mixer-00" and
"bg-service-00" with its real kind.
"""

from __future__ import annotations

import math
from dataclasses import replace

from darkrange.world.chain import _habits as habits
from darkrange.world.chain._coinjoin import CoinJoins
from darkrange.world.chain._core import COIN, Actor, Core
from darkrange.world.chain._ledger import Wallet
from darkrange.world.chain._routes import mixer_payout
from darkrange.world.chain.spec import ScriptType, WalletProfile

_TYPES: tuple[tuple[ScriptType, float], ...] = (
    ("p2wpkh", 0.50),
    ("p2sh", 0.16),
    ("p2pkh", 0.14),
    ("p2tr", 0.20),
)
HOUR = 3_600


class Background:
    def __init__(self, core: Core, n_persons: int, n_exchanges: int) -> None:
        self.core = core
        self.rng = core.rng
        self.random = core.rng.random
        self.persons: list[Actor] = []
        self.private: list[Actor] = []  # CoinJoin users: coin control, fresh addresses
        for i in range(n_persons):
            profile = self._person_profile()
            if habits.private_background(i):
                actor = core.add_actor(f"bg-cj-{i:06d}", "background")
                profile = replace(profile, script_type="p2wpkh", reuses_addresses=False,
                                  change_script_type=None)  # fmt: skip
                actor.wallet = core.add_wallet(actor, profile, "receive", False)
                habits.careful(actor.wallet)
                self.private.append(actor)
            else:
                actor = core.add_actor(f"bg-{i:06d}", "background")
                actor.wallet = core.add_wallet(actor, profile, "receive", False)
                habits.ordinary(actor.wallet, core.habits)
            self.persons.append(actor)
        core.persons = self.persons
        self.vendors = self.persons[: max(3, n_persons // 50)]  # sell on the world's markets
        self.funded: list[Actor] = []
        self._flag = bytearray(len(core.actors) + n_persons + 64)
        for i in range(n_exchanges):
            actor = core.add_actor(f"bg-exchange-{i:02d}", "exchange")
            hot = WalletProfile(
                script_type="p2wpkh" if i % 2 == 0 else "p2sh",
                reuses_addresses=i % 3 == 0,
                fee_rate=15.0 + 5 * i,
                anti_fee_sniping=False,
            )
            actor.wallet = core.add_wallet(actor, hot, "hot", False)
            habits.service(actor.wallet)
            actor.cold = core.add_wallet(actor, WalletProfile(script_type="p2wsh"), "cold", False)
            core.exchanges.append(actor)
        self.pools = []
        for i in range(5):
            actor = core.add_actor(f"bg-pool-{i:02d}", "miner")
            profile = WalletProfile(
                script_type=("p2wpkh", "p2pkh", "p2sh")[i % 3],
                reuses_addresses=True,
                fee_rate=10.0,
                anti_fee_sniping=False,
                version=1,
            )
            actor.wallet = core.add_wallet(actor, profile, "coinbase", False)
            self.pools.append(actor)
        self.pool_weights = [30, 25, 20, 15, 10]
        self.services = []
        for i in range(3):
            actor = core.add_actor(f"bg-service-{i:02d}", "service")
            profile = WalletProfile(reuses_addresses=i == 0, fee_rate=20.0, bip69=i == 2)
            actor.wallet = core.add_wallet(actor, profile, "hot", False)
            habits.service(actor.wallet)
            self.services.append(actor)
        self.mixer = core.add_actor("bg-mixer-00", "mixer")
        self.mixer.wallet = core.add_wallet(self.mixer, WalletProfile(fee_rate=8.0), "hot", False)
        self.mixer.fee_pct = 2.0
        self.coinjoins = CoinJoins(core, self)
        self._actions = (
            (0.36, self.payment),
            (0.16, self.withdrawal_batch),
            (0.14, self.deposit),
            (0.08, self.consolidation),
            (0.006, self.peel_chain),
            (0.012, self.pool_payout),
            (0.02, self.service_payout),
            (0.03, self.mixer_use),
            (0.03, self.market_use),
            (0.03, self.coinjoins.any),
        )
        self._total_weight = sum(w for w, _ in self._actions)

    def _person_profile(self) -> WalletProfile:
        rng = self.rng
        r = rng.random()
        script: ScriptType = "p2wpkh"
        for name, share in _TYPES:
            if r < share:
                script = name
                break
            r -= share
        return WalletProfile(
            script_type=script,
            reuses_addresses=rng.random() < 0.12,
            fee_rate=min(300.0, max(1.0, math.exp(rng.gauss(math.log(8), 0.8)))),
            anti_fee_sniping=rng.random() < 0.55,
            version=2 if rng.random() < 0.85 else 1,
            bip69=rng.random() < 0.08,
            change_script_type="p2tr" if script == "p2wpkh" and rng.random() < 0.03 else None,
        )

    # --- who ------------------------------------------------------------------------------

    def mark(self, actor: Actor) -> None:
        if actor.kind == "background" and not self._flag[actor.index]:
            self._flag[actor.index] = 1
            self.funded.append(actor)

    def person(self) -> Actor:
        persons = self.persons
        return persons[int(self.random() * len(persons))]

    def pick_funded(self, minimum: int, type_code: int = -1) -> Actor | None:
        """A background owner with at least `minimum` (of one script type, if given); owners
        found nearly empty are forgotten until they are paid again."""
        funded = self.funded
        rnd = self.random
        for _ in range(12):
            n = len(funded)
            if not n:
                return None
            i = int(rnd() * n)
            actor = funded[i]
            w = actor.wallet
            balance = w.balance
            if balance >= minimum and (type_code < 0 or w.type == type_code):
                return actor
            if balance < 20_000:
                last = funded.pop()
                if i < n - 1:
                    funded[i] = last
                self._flag[actor.index] = 0
        return None

    def pick_private(self, minimum: int) -> Actor | None:
        """A CoinJoin user with at least `minimum`; else any funded P2WPKH owner."""
        private = self.private
        for _ in range(6):
            actor = private[int(self.random() * len(private))]
            if actor.wallet.balance >= minimum:
                return actor
        return self.pick_funded(minimum, habits.P2WPKH)

    def exchange(self) -> Actor:
        exchanges = self.core.exchanges
        return exchanges[int(self.random() * len(exchanges))]

    def pay_person(self, actor: Actor) -> int:
        if not self._flag[actor.index] and actor.kind == "background":
            self._flag[actor.index] = 1
            self.funded.append(actor)
        return self.core.spender.receive_address(actor.wallet)

    def pool(self) -> Actor:
        return self.rng.choices(self.pools, self.pool_weights)[0]

    # --- actions --------------------------------------------------------------------------

    def act(self) -> None:
        r = self.random() * self._total_weight
        for weight, action in self._actions:
            if r < weight:
                action()
                return
            r -= weight
        self.payment()

    def payment(self) -> None:
        core = self.core
        payer = self.pick_funded(60_000)
        if payer is None:
            self.withdrawal_batch()
            return
        w = payer.wallet
        r = self.rng.random()
        if r < 0.15:
            dest = core.spender.receive_address(self.services[self.rng.randrange(3)].wallet)
        else:
            dest = self.pay_person(self.person())
        if r > 0.85 and len(w.utxos) <= 20:  # "send max": every coin, no change
            core.spender.sweep(w, core.height, dest, list(w.utxos))
            return
        amount = core.round_amount(int(w.balance * (0.05 + 0.6 * self.rng.random())))
        core.spender.pay(w, core.height, [(dest, amount)])

    def withdrawal_batch(self) -> None:
        core = self.core
        outputs = []
        for _ in range(min(20, 1 + int(self.rng.expovariate(1 / 1.5)))):
            value = core.round_amount(int(10 ** self.rng.uniform(5.0, 8.3)))
            outputs.append((self.pay_person(self.person()), value))
        core.exchange_pay(self.exchange(), outputs)

    def deposit(self) -> None:
        core = self.core
        payer = self.pick_funded(100_000)
        if payer is None:
            self.withdrawal_batch()
            return
        w = payer.wallet
        address = core.deposit_address(self.exchange(), payer.owner_id)
        if self.rng.random() < 0.65 and len(w.utxos) <= 30:
            core.spender.sweep(w, core.height, address, list(w.utxos))
        else:
            amount = core.round_amount(int(w.balance * (0.2 + 0.7 * self.rng.random())))
            core.spender.pay(w, core.height, [(address, amount)])

    def consolidation(self) -> None:
        for _ in range(6):
            actor = self.pick_funded(100_000)
            if (
                actor is not None
                and len(actor.wallet.utxos) >= 3
                and actor.wallet.strategy != habits.CAREFUL
            ):
                w = actor.wallet
                # in a low-fee hour: every coin worth more than spending it
                floor = w.fee_rate * 150
                values = self.core.ledger.out_value
                coins = sorted(o for o in w.utxos if values[o] > floor)[:200]
                if len(coins) < 2:
                    continue
                dest = self.core.spender.change_address(w)
                self.core.spender.sweep(w, self.core.height, dest, coins)
                return
        self.payment()

    def peel_chain(self) -> None:
        """A large wallet pays many small amounts, each time keeping the rest as change."""
        core = self.core
        whale = self.person()
        w = whale.wallet
        value = core.round_amount(int(10 ** self.rng.uniform(9.3, 10.5)))
        core.exchange_pay(self.exchange(), [(self.pay_person(whale), value)])
        self._peel_hop(w, self.rng.randrange(5, 30))

    def _peel_hop(self, w: Wallet, left: int) -> None:
        core = self.core
        if left <= 0 or w.balance < COIN // 10:
            return
        value = core.round_amount(int(10 ** self.rng.uniform(6.0, 8.5)))
        if core.spender.pay(w, core.height, [(self.pay_person(self.person()), value)]) is None:
            return
        core.schedule(core.now + self.rng.randrange(600, 6 * HOUR), self._peel_hop, w, left - 1)

    def pool_payout(self) -> None:
        core = self.core
        pool = self.pool()
        w = pool.wallet
        n = self.rng.randrange(5, 40)
        outputs = [
            (self.pay_person(self.person()), int(10 ** self.rng.uniform(5.0, 7.0)))
            for _ in range(n)
        ]
        if w.balance < sum(v for _, v in outputs) + COIN // 100:
            self.payment()
            return
        core.spender.pay(w, core.height, outputs)

    def service_payout(self) -> None:
        core = self.core
        service = self.services[self.rng.randrange(len(self.services))]
        n = self.rng.randrange(2, 15)
        outputs = [
            (self.pay_person(self.person()), core.round_amount(int(10 ** self.rng.uniform(5, 7.5))))
            for _ in range(n)
        ]
        core.pay_funded(service.wallet, outputs)

    def mixer_use(self) -> None:
        core = self.core
        payer = self.pick_funded(500_000)
        mixers = [self.mixer, *core.world_mixers]
        mixer = mixers[self.rng.randrange(len(mixers))]
        if payer is None:
            self.payment()
            return
        amount = core.round_amount(int(payer.wallet.balance * (0.3 + 0.6 * self.rng.random())))
        address = core.ledger.new_address(mixer.wallet, purpose=8)
        tx = core.spender.pay(payer.wallet, core.height, [(address, amount)])
        if tx is None:
            return
        deposit = core.output_to(tx, address, amount)
        to = payer if self.rng.random() < 0.7 else self.person()  # mostly to oneself
        when = core.now + self.rng.randrange(HOUR, 30 * HOUR)
        core.schedule(
            when, self._mixer_out, mixer, to, mixer_payout(amount, mixer.fee_pct), deposit
        )

    def _mixer_out(self, mixer: Actor, to: Actor, value: int, deposit: int) -> None:
        self.core.pay_funded(mixer.wallet, [(self.pay_person(to), value)], exclude={deposit})

    def market_use(self) -> None:
        """Other users of the world's markets: deposits, sweeps, releases to vendors."""
        core = self.core
        buyer = self.pick_funded(300_000)
        if not core.world_markets or buyer is None:
            self.payment()
            return
        market = core.world_markets[self.rng.randrange(len(core.world_markets))]
        amount = core.round_amount(int(10 ** self.rng.uniform(5.3, 7.3)))
        address = core.deposit_address(market, buyer.owner_id)
        if core.spender.pay(buyer.wallet, core.height, [(address, amount)]) is None:
            return
        vendor = self.vendors[self.rng.randrange(len(self.vendors))]
        when = core.now + self.rng.randrange(HOUR * 24, HOUR * 240)
        core.schedule(when, self._release, market, vendor, amount)

    def _release(self, market: Actor, vendor: Actor, amount: int) -> None:
        self.core.pay_funded(market.wallet, [(self.pay_person(vendor), amount)])
