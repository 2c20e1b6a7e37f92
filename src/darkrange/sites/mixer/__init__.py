"""The range's Bitcoin mixer site: fees, delays, a mix form that hands out a deterministic valid
deposit address per order, and PGP-signed letters of guarantee.

`build_app(context)` is the site factory for kind "mixer".
"""

from darkrange.sites.mixer._app import MixerSite, build_app, mixer_app, mixer_key
from darkrange.sites.mixer._orders import (
    MixOrder,
    deposit_address,
    guarantee_letter,
    parse_order,
    valid_address,
)

__all__ = [
    "MixOrder",
    "MixerSite",
    "build_app",
    "deposit_address",
    "guarantee_letter",
    "mixer_app",
    "mixer_key",
    "parse_order",
    "valid_address",
]
