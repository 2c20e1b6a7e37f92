"""Escrow markets of three software families (dream, alpha, bazaar) and their phishing clones.

Each family has its own templates, URL scheme and page structure, so one parser does not fit
all. `build_app` serves kind "market"; `build_phishing_app` serves kind "phishing": a clone in
the software of the market it imitates, with its own deposit addresses and a login form that
keeps what it is given.
"""

from darkrange.sites.market._app import MarketSite, accounts_path, build_app, build_phishing_app
from darkrange.sites.market._scheme import SCHEMES, Alpha, Bazaar, Dream, Scheme
from darkrange.sites.market._views import MarketViews, Moment, btc
from darkrange.sites.market._wallet import deposit_address

__all__ = [
    "SCHEMES",
    "Alpha",
    "Bazaar",
    "Dream",
    "MarketSite",
    "MarketViews",
    "Moment",
    "Scheme",
    "accounts_path",
    "btc",
    "build_app",
    "build_phishing_app",
    "deposit_address",
]
