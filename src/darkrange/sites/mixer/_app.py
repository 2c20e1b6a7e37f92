"""A Bitcoin mixer's marketing site: fees and delays, the mix form, signed guarantees.

    /               what the mixer offers
    /fees           fees, delays and limits
    /guarantee      the signed statement of the service's guarantees
    /pgp            the mixer's public PGP key (also /pgp.txt)
    /mix            the order form (GET) and the deposit address with its letter (POST)

POST /mix fields: address1..address5, percent1..percent5 (optional, must add up to 100), delay
(hours, 1-72 or what the week's terms say), fee (percent, 0.5-3.0 or the week's range),
mix_code (optional). A malformed order gets HTTP 400.

The site follows the range clock (_timeline.py): each week's status, fees, delays and reserve;
before `opened_week` nothing answers (502), and from `fate_week` a seizure banner (200) or an
exit notice (503) replaces every page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from darkrange.errors import InputError
from darkrange.network import ASGIApp, RangeClock, SiteContext
from darkrange.sites.defences import TEXT, HttpError, Request, Response, html, site_secret
from darkrange.sites.forum import ServiceSite, serve_site, world_start
from darkrange.sites.mixer._orders import (
    FEE_PERCENT,
    FIXED_FEE_BTC,
    MAX_DESTINATIONS,
    MIN_DEPOSIT_BTC,
    deposit_address,
    guarantee_letter,
    mix_code,
    parse_order,
)
from darkrange.sites.mixer._timeline import MixerWeek, fate_at, mixer_week
from darkrange.world.keys import PgpKey, clearsign, pgp_key
from darkrange.world.rand import derive_seed

STATIC = {"/": "index.html", "/fees": "fees.html", "/guarantee": "guarantee.html"}
KEY_AGE_DAYS = 400  # the mixer's key predates the world, as an established service's would


FATE_STATUS = {"seizure": 200, "exit_scam": 503, "closed": 502}


@dataclass(frozen=True)
class MixerFacts:
    """What the mixer's site is: from sites.json and world.json."""

    site_id: str
    name: str
    onion: str
    seed: int
    start: int
    opened_week: int = 0
    fate: str = "none"
    fate_week: int | None = None


class MixerSite(ServiceSite):
    def __init__(self, facts: MixerFacts, key: PgpKey, clock: RangeClock):
        super().__init__("darkrange.sites.mixer", facts.name, clock)
        self.facts = facts
        self.onion = facts.onion
        self.key = key
        self.secret = site_secret(facts.site_id)
        self.start = facts.start
        terms = "\n".join(
            [
                f"{facts.name} - guarantees",
                "",
                "1. We keep no logs. Order data is deleted after the last payout.",
                "2. Every deposit address comes with a letter of guarantee signed with this key.",
                "3. Payouts never contain coins you sent us before (use your mix code).",
                f"4. Fees: never above {FEE_PERCENT[1]}% plus {FIXED_FEE_BTC} BTC;"
                " this week's range is on our fees page.",
                "5. Delays: chosen by you within the range on our fees page.",
            ]
        )
        self.statement = clearsign(key, terms, max(key.created, facts.start))

    @property
    def terms(self) -> MixerWeek:
        return mixer_week(self.facts.seed, self.facts.site_id, self.week)

    def values(self) -> dict[str, object]:
        terms = self.terms
        return {
            "onion": self.onion,
            "key": self.key,
            "statement": self.statement,
            "terms": terms,
            "fee_range": terms.fees,
            "delay_range": terms.delays,
            "default_delay": max(6, terms.delays[0]),
            "fixed_fee": FIXED_FEE_BTC,
            "min_deposit": MIN_DEPOSIT_BTC,
            "slots": range(1, MAX_DESTINATIONS + 1),
            "updated": _date(self.start + self.week * 7 * 86_400),
        }

    def route(self, req: Request) -> Response:
        f = self.facts
        fate = fate_at(f.fate, f.fate_week, f.opened_week, self.week)
        if fate is not None:
            return html(self.render("fate.html", fate=fate), FATE_STATUS[fate])
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
        terms = self.terms
        order = parse_order(req.form(), terms.fees, terms.delays)
        address = deposit_address(self.secret, order)
        code = order.mix_code or mix_code(self.secret, address)
        when = max(self.key.created, self.start + self.clock.days * 86_400)
        letter = guarantee_letter(self.key, self.name, self.onion, order, address, code, when)
        body = self.render(
            "order.html", order=order, address=address, code=code, letter=letter, **self.values()
        )
        return html(body)


def _world(world: Path) -> dict[str, object]:
    try:
        manifest = json.loads((world / "world.json").read_text(encoding="utf-8"))
        int(manifest["seed"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{world}/world.json: no usable 'seed' ({exc})") from None
    return dict(manifest)


def _date(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d")


def mixer_key(world: Path, site_id: str, name: str, onion: str) -> PgpKey:
    """The mixer's PGP key, derived from the world's seed, so every range start shows the same."""
    seed = int(str(_world(world)["seed"]))
    created = world_start(world) - KEY_AGE_DAYS * 86_400
    return pgp_key(derive_seed(seed, "pgp-mixer", site_id), [f"{name} <support@{onion}>"], created)


def mixer_app(
    world: Path,
    site_id: str,
    name: str,
    onion: str,
    clock: RangeClock | None = None,
    timeline: dict[str, Any] | None = None,
) -> MixerSite:
    """The mixer `site_id` of a world folder as a handler (serve it with `guarded`).

    `timeline` holds the site's sites.json fields opened_week, fate and fate_week (absent: open
    from the start, no fate)."""
    key = mixer_key(world, site_id, name, onion)
    timeline = timeline or {}
    fate_week = timeline.get("fate_week")
    facts = MixerFacts(
        site_id,
        name,
        onion,
        int(str(_world(world)["seed"])),
        world_start(world),
        int(timeline.get("opened_week") or 0),
        str(timeline.get("fate") or "none"),
        int(fate_week) if isinstance(fate_week, int | float) else None,
    )
    return MixerSite(facts, key, clock or RangeClock())


def build_app(context: SiteContext) -> ASGIApp:
    """Site factory for kind "mixer"."""
    s = context.site
    site = mixer_app(context.world, s.site_id, s.name, s.onion, context.clock, s.extra)
    return serve_site(site, context)
