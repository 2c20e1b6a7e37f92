"""The range's Bitcoin mixer site: fees, delays, a mix form that hands out a deterministic valid
deposit address per order, and PGP-signed letters of guarantee; status, terms and fate follow
the range clock.

`build_app(context)` is the site factory for kind "mixer".
"""

from darkrange.sites.mixer._app import MixerFacts, MixerSite, build_app, mixer_app, mixer_key
from darkrange.sites.mixer._orders import (
    MixOrder,
    deposit_address,
    guarantee_letter,
    parse_order,
    valid_address,
)
from darkrange.sites.mixer._timeline import MixerWeek, fate_at, mixer_week

__all__ = [
    "MixOrder",
    "MixerFacts",
    "MixerSite",
    "MixerWeek",
    "build_app",
    "deposit_address",
    "fate_at",
    "guarantee_letter",
    "mixer_app",
    "mixer_key",
    "mixer_week",
    "parse_order",
    "valid_address",
]
