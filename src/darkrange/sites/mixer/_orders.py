"""A mix order: the customer's destinations, delay and fee, checked; the deposit address and
the letter of guarantee the mixer hands out for it.

The deposit address is a real P2WPKH mainnet address whose secp256k1 secret derives from the
site's secret and the order, so the same order always gets the same address and different
orders get different ones. The letter of guarantee is clearsigned with the mixer's own PGP key,
as real mixers did so a customer can prove which address the mixer gave.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from coincurve import PrivateKey

from darkrange.errors import FormatError
from darkrange.formats import b58check_decode, segwit_decode, segwit_encode
from darkrange.sites.defences import HttpError
from darkrange.world.keys import PgpKey, clearsign

MAX_DESTINATIONS = 5
DELAY_HOURS = (1, 72)
FEE_PERCENT = (Decimal("0.5"), Decimal("3.0"))
FIXED_FEE_BTC = "0.0003"
MIN_DEPOSIT_BTC = "0.001"
VALID_HOURS = 24
_ORDER_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class MixOrder:
    destinations: tuple[tuple[str, int], ...]  # (address, percent)
    delay_hours: int
    fee_percent: str
    mix_code: str

    def canonical(self) -> bytes:
        return json.dumps(
            [self.destinations, self.delay_hours, self.fee_percent, self.mix_code]
        ).encode()


def valid_address(address: str) -> bool:
    """True for a mainnet P2PKH, P2SH or segwit (v0 bech32, v1+ bech32m) address."""
    try:
        if address.lower().startswith("bc1"):
            segwit_decode("bc", address)
            return True
        payload = b58check_decode(address)
    except (FormatError, ValueError):
        return False
    return len(payload) == 21 and payload[0] in (0x00, 0x05)


def _int(raw: str, name: str) -> int:
    if not raw.isdigit() or len(raw) > 4:
        raise HttpError(400, f"{name} must be a whole number")
    return int(raw)


def parse_order(
    form: dict[str, str],
    fees: tuple[Decimal, Decimal] = FEE_PERCENT,
    delays: tuple[int, int] = DELAY_HOURS,
) -> MixOrder:
    """The order of a submitted mix form under the week's `fees` and `delays`; HTTP 400
    naming what is wrong."""
    pairs: list[tuple[str, str]] = []
    for n in range(1, MAX_DESTINATIONS + 1):
        address = form.get(f"address{n}", "").strip()
        if address:
            if not valid_address(address):
                raise HttpError(400, f"address {n} is not a valid Bitcoin address")
            pairs.append((address, form.get(f"percent{n}", "").strip()))
    if not pairs:
        raise HttpError(400, "give at least one destination address")
    if all(p == "" for _, p in pairs):
        share = [100 // len(pairs)] * len(pairs)
        share[0] += 100 - sum(share)
    else:
        share = [_int(p, f"percent for {a}") for a, p in pairs]
        if sum(share) != 100 or min(share) < 1:
            raise HttpError(400, "the percentages must each be at least 1 and add up to 100")
    default_delay = str(max(6, delays[0]))
    delay = _int(form.get("delay", default_delay).strip() or default_delay, "delay")
    if not delays[0] <= delay <= delays[1]:
        raise HttpError(400, f"delay must be {delays[0]} to {delays[1]} hours")
    try:
        fee = Decimal(form.get("fee", "1.5").strip() or "1.5")
    except InvalidOperation:
        raise HttpError(400, "fee must be a number") from None
    if not fee.is_finite() or not fees[0] <= fee <= fees[1]:
        raise HttpError(400, f"fee must be {fees[0]} to {fees[1]} percent")
    code = form.get("mix_code", "").strip()
    if code and (len(code) > 16 or not code.isalnum()):
        raise HttpError(400, "a mix code is up to 16 letters and digits")
    fee_text = f"{fee.quantize(Decimal('0.1'))}"
    return MixOrder(
        tuple((a, s) for (a, _), s in zip(pairs, share, strict=True)), delay, fee_text, code
    )


def deposit_address(secret: bytes, order: MixOrder) -> str:
    """The order's deposit address: P2WPKH of a key derived from the site secret and the order."""
    digest = hashlib.sha256(b"darkrange mixer deposit\0" + secret + order.canonical()).digest()
    scalar = int.from_bytes(digest, "big") % (_ORDER_N - 1) + 1
    public = PrivateKey(scalar.to_bytes(32, "big")).public_key.format(compressed=True)
    program = hashlib.new("ripemd160", hashlib.sha256(public).digest()).digest()
    return segwit_encode("bc", 0, program)


def mix_code(secret: bytes, address: str) -> str:
    """The code a returning customer gives so the mixer never pays back their own coins."""
    return hashlib.sha256(secret + b"mix-code" + address.encode()).hexdigest()[:8].upper()


def guarantee_letter(
    key: PgpKey, name: str, onion: str, order: MixOrder, address: str, code: str, when: int
) -> str:
    """The clearsigned letter of guarantee for one deposit address."""
    issued = dt.datetime.fromtimestamp(when, dt.UTC)
    until = issued + dt.timedelta(hours=VALID_HOURS)
    lines = [
        f"{name} - letter of guarantee",
        "",
        f"This deposit address was generated by {name} (http://{onion}/):",
        f"    {address}",
        f"Issued: {issued:%Y-%m-%d %H:%M} UTC. Valid until: {until:%Y-%m-%d %H:%M} UTC.",
        "",
        "Coins received on it will be sent, after the service fee, to:",
        *(f"    {dest}  {share}%" for dest, share in order.destinations),
        f"Delay: {order.delay_hours} hours."
        f" Service fee: {order.fee_percent}% + {FIXED_FEE_BTC} BTC.",
        f"Your mix code: {code}",
        "",
        "Keep this signed letter. It is your proof of what we owe you.",
    ]
    return clearsign(key, "\n".join(lines), when)
