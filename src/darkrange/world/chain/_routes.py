"""The world's payments, hop by hop, along their routes (spec.Payment explains each route)."""

from __future__ import annotations

import hashlib

from darkrange.world.chain._core import Actor, Core
from darkrange.world.chain.spec import AddressRequest, Payment

DAY = 86_400


def mixer_fee_pct(seed: int, actor: Actor, configured: float | None) -> float:
    """A mixer's fee: as configured, else 1-3 % fixed by the seed and the mixer's id."""
    if configured is not None:
        return configured
    digest = hashlib.sha256(f"{seed}/mixer-fee/{actor.owner_id}".encode()).digest()
    return 1.0 + 2.0 * int.from_bytes(digest[:4], "big") / 2**32


def mixer_payout(amount: int, fee_pct: float) -> int:
    return amount - round(amount * fee_pct / 100)


class Routes:
    def __init__(
        self,
        core: Core,
        requested: dict[str, int],
        requests: dict[str, AddressRequest],
    ) -> None:
        self.core = core
        self.requested = requested  # request id -> address index
        self.requests = requests

    def _actor(self, entity_id: str | None) -> Actor:
        assert entity_id is not None
        return self.core.by_id[entity_id]

    def _requested_for(self, p: Payment, owner: str | None) -> int:
        """The requested address if the payment names one owned by `owner`, else -1."""
        if p.to_request is not None and self.requests[p.to_request].owner == owner:
            return self.requested[p.to_request]
        return -1

    def _destination(self, p: Payment) -> int:
        a = self._requested_for(p, p.payee)
        return a if a >= 0 else self.core.spender.receive_address(self._actor(p.payee).wallet)

    def start(self, p: Payment) -> None:
        core = self.core
        core.hops[p.payment_id] = []
        getattr(self, p.route)(p)

    def _record(self, p: Payment, tx: int) -> None:
        self.core.hops[p.payment_id].append(tx)

    def direct(self, p: Payment) -> None:
        payer = self._actor(p.payer).wallet
        self._record(p, self.core.pay_funded(payer, [(self._destination(p), p.amount_sat)]))

    def _deposit(self, p: Payment, customer: str) -> int:
        """Hop 1 of escrow and exchange deposits: the customer pays its deposit address."""
        core = self.core
        via = self._actor(p.via)
        address = self._requested_for(p, p.via)
        if address < 0:
            address = core.deposit_address(via, customer)
        tx = core.pay_funded(self._actor(p.payer).wallet, [(address, p.amount_sat)])
        self._record(p, tx)
        out = core.output_to(tx, address, p.amount_sat)
        if core.ledger.addr_holder[address] == core.deposits_of(via).index:
            core.hop_watch[out] = p.payment_id  # the sweep that takes it is the next hop
        return out

    def escrow(self, p: Payment) -> None:
        out = self._deposit(p, p.payer)
        default = p.time + self.core.rng.randrange(DAY, 10 * DAY)
        release = p.release_time if p.release_time is not None else default
        self.core.schedule(max(release, self.core.now), self._release, p, out)

    def _release(self, p: Payment, deposit: int) -> None:
        core = self.core
        market = self._actor(p.via)
        if deposit in core.hop_watch:  # still unswept: hop_watch forgets what a sweep takes
            core.sweep(market, must=deposit)  # released before the market's next sweep
        self._record(p, core.pay_funded(market.wallet, [(self._destination(p), p.amount_sat)]))

    def exchange_deposit(self, p: Payment) -> None:
        self._deposit(p, p.payer)

    def exchange_withdrawal(self, p: Payment) -> None:
        core = self.core
        exchange = self._actor(p.via)
        outputs = [(self._destination(p), p.amount_sat)]
        for _ in range(core.rng.randrange(4)):  # batched with other customers' withdrawals
            other = core.background_person()
            value = core.round_amount(int(10 ** core.rng.uniform(5, 8)))
            outputs.append((core.spender.receive_address(other.wallet), value))
        core.rng.shuffle(outputs)
        self._record(p, core.exchange_pay(exchange, outputs))

    def mixer(self, p: Payment) -> None:
        core = self.core
        mixer = self._actor(p.via)
        address = self._requested_for(p, p.via)
        if address < 0:
            address = core.ledger.new_address(mixer.wallet, purpose=8)  # mixer_deposit
        tx = core.pay_funded(self._actor(p.payer).wallet, [(address, p.amount_sat)])
        self._record(p, tx)
        out = core.output_to(tx, address, p.amount_sat)
        delay = core.rng.randrange(3_600, 2 * DAY)
        payout = p.release_time if p.release_time is not None else p.time + delay
        core.schedule(max(payout, core.now), self._mixer_payout, p, out)

    def _mixer_payout(self, p: Payment, deposit: int) -> None:
        core = self.core
        mixer = self._actor(p.via)
        value = mixer_payout(p.amount_sat, mixer.fee_pct)
        # Other coins than the deposit: that is what a mixer sells.
        tx = core.pay_funded(mixer.wallet, [(self._destination(p), value)], exclude={deposit})
        self._record(p, tx)
