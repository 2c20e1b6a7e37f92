"""Transports for the range: a private Tor network and a direct SOCKS5 gateway.

`range_up/range_status/range_down/range_advance` run a world's sites in the background;
site apps plug in through the registry (`SITE_KINDS`, `register_site_kind`); `SocksGateway` is
the direct transport. The Tor transport lives in darkrange.network.tor.
"""

from darkrange.network._range import probe, range_advance, range_down, range_status, range_up
from darkrange.network._registry import (
    SITE_KINDS,
    ASGIApp,
    RangeClock,
    SiteContext,
    SiteRecord,
    load_sites,
    register_site_kind,
    site_factory,
)
from darkrange.network._socks import SocksGateway
from darkrange.network._state import RangeState, SiteState, load_state

__all__ = [
    "SITE_KINDS",
    "ASGIApp",
    "RangeClock",
    "RangeState",
    "SiteContext",
    "SiteRecord",
    "SiteState",
    "SocksGateway",
    "load_sites",
    "load_state",
    "probe",
    "range_advance",
    "range_down",
    "range_status",
    "range_up",
    "register_site_kind",
    "site_factory",
]
