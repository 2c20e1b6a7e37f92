"""A Bitcoin mixer's marketing site: fees and delays, the mix form, signed guarantees.

    /               what the mixer offers
    /fees           fees, delays and limits
    /guarantee      the signed statement of the service's guarantees
    /pgp            the mixer's public PGP key (also /pgp.txt)
    /mix            the order form (GET) and the deposit address with its letter (POST)

POST /mix fields: address1..address5, percent1..percent5 (optional, must add up to 100), delay
(hours, 1-72), fee (percent, 0.5-3.0), mix_code (optional). A malformed order gets HTTP 400.
"""

from __future__ import annotations

import json
from pathlib import Path

from darkrange.errors import InputError
from darkrange.network import ASGIApp, RangeClock, SiteContext
from darkrange.sites.defences import TEXT, HttpError, Request, Response, html, site_secret
from darkrange.sites.forum import ServiceSite, serve_site, world_start
from darkrange.sites.mixer._orders import (
    DELAY_HOURS,
    FEE_PERCENT,
    FIXED_FEE_BTC,
    MAX_DESTINATIONS,
    MIN_DEPOSIT_BTC,
    deposit_address,
    guarantee_letter,
    mix_code,
    parse_order,
)
from darkrange.world.keys import PgpKey, clearsign, pgp_key
from darkrange.world.rand import derive_seed

STATIC = {"/": "index.html", "/fees": "fees.html", "/guarantee": "guarantee.html"}
KEY_AGE_DAYS = 400  # the mixer's key predates the world, as an established service's would


class MixerSite(ServiceSite):
    def __init__(
        self, name: str, onion: str, key: PgpKey, site_id: str, start: int, clock: RangeClock
    ):
        super().__init__("darkrange.sites.mixer", name, clock)
        self.onion = onion
        self.key = key
        self.secret = site_secret(site_id)
        self.start = start
        terms = "\n".join(
            [
                f"{name} - guarantees",
                "",
                "1. We keep no logs. Order data is deleted after the last payout.",
                "2. Every deposit address comes with a letter of guarantee signed with this key.",
                "3. Payouts never contain coins you sent us before (use your mix code).",
                f"4. Fees: {FEE_PERCENT[0]}-{FEE_PERCENT[1]}% of your choice"
                f" plus {FIXED_FEE_BTC} BTC.",
                f"5. Delays: {DELAY_HOURS[0]} to {DELAY_HOURS[1]} hours, chosen by you.",
            ]
        )
        self.statement = clearsign(key, terms, max(key.created, start))

    def values(self) -> dict[str, object]:
        return {
            "onion": self.onion,
            "key": self.key,
            "statement": self.statement,
            "fee_range": FEE_PERCENT,
            "delay_range": DELAY_HOURS,
            "fixed_fee": FIXED_FEE_BTC,
            "min_deposit": MIN_DEPOSIT_BTC,
            "slots": range(1, MAX_DESTINATIONS + 1),
        }

    def route(self, req: Request) -> Response:
        if req.path == "/mix" and req.method == "POST":
            return self.mix(req)
        if req.method not in ("GET", "HEAD"):
            raise HttpError(405, "this page is read with GET")
        if req.path in STATIC:
            return self.page(req, STATIC[req.path], **self.values())
        if req.path == "/mix":
            return self.page(req, "mix.html", **self.values())
        if req.path == "/pgp":
            return self.page(req, "pgp.html", **self.values())
        if req.path == "/pgp.txt":
            return Response(200, self.key.armored.encode(), TEXT)
        raise HttpError(404, "Page not found.")

    def mix(self, req: Request) -> Response:
        order = parse_order(req.form())
        address = deposit_address(self.secret, order)
        code = order.mix_code or mix_code(self.secret, address)
        when = max(self.key.created, self.start + self.clock.days * 86_400)
        letter = guarantee_letter(self.key, self.name, self.onion, order, address, code, when)
        body = self.render(
            "order.html", order=order, address=address, code=code, letter=letter, **self.values()
        )
        return html(body)


def mixer_key(world: Path, site_id: str, name: str, onion: str) -> PgpKey:
    """The mixer's PGP key, derived from the world's seed, so every range start shows the same."""
    try:
        seed = int(json.loads((world / "world.json").read_text(encoding="utf-8"))["seed"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{world}/world.json: no usable 'seed' ({exc})") from None
    created = world_start(world) - KEY_AGE_DAYS * 86_400
    return pgp_key(derive_seed(seed, "pgp-mixer", site_id), [f"{name} <support@{onion}>"], created)


def mixer_app(
    world: Path, site_id: str, name: str, onion: str, clock: RangeClock | None = None
) -> MixerSite:
    """The mixer `site_id` of a world folder as a handler (serve it with `guarded`)."""
    key = mixer_key(world, site_id, name, onion)
    return MixerSite(name, onion, key, site_id, world_start(world), clock or RangeClock())


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "mixer"."""
    s = context.site
    return serve_site(mixer_app(context.world, s.site_id, s.name, s.onion, context.clock), context)
