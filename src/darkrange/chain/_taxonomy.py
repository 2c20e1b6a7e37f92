"""The taxonomies tags are checked against, and a mapping between them.

Two vocabularies are in use:

- GraphSense's TagPack taxonomy 0.2.x (`entities.yaml` and `abuses.yaml` of the
  graphsense-tagpack-tool, themselves derived from the INTERPOL Darknet and Cryptocurrencies
  Working Group's taxonomy): the `category` and `abuse` values the real TagPacks use.
- The INTERPOL Dark Web and Virtual Assets (DW-VA) taxonomy (entities.csv, abuses.csv;
  https://github.com/INTERPOL-Innovation-Centre/DW-VA-Taxonomy, Apache License 2.0): what the
  training course and the agencies speak.

The concept ids below are taken from those two taxonomies (ids only; no descriptions copied).
The mapping from a GraphSense concept to the nearest DW-VA concept is darkrange's own; `None`
means DW-VA has no counterpart (the tag keeps its GraphSense value).
"""

from __future__ import annotations

# GraphSense category -> DW-VA entity (nearest concept)
CATEGORIES: dict[str, str | None] = {
    "entity": "entity2",
    "organization": "actor",
    "user": "cryptocurrencies_user",
    "victim": "victim",
    "perpetrator": "actor",
    "donation": "cryptocurrencies_user",
    "service": "service",
    "exchange": "exchange",
    "wallet_service": "hosted-wallet",
    "escrow_wallet": "escrow",
    "ico_wallet": "ico",
    "cold_wallet": "unhosted-wallet",
    "filesharing": "service",
    "index": "darknet_wiki",
    "market": "dark_market",
    "messaging_service": "darknet_email_service",
    "mixing_service": "tumbler",
    "coinjoin": "coinjoin",
    "miner": "service",
    "mining_service": "service",
    "gambling": "service",
    "search_engine": "service",
    "shop": "shop",
    "faucet": "service",
    "payment_processor": "virtual_asset_service_provider",
    "atm": "crypto_atm",
    "hosting": "bulletproof_hosting",
    "vpn": "proxy",
    "defi": "defi",
    "defi_lending": "defi",
    "defi_dex": "dex",
    "defi_derivative": "defi",
    "item": "asset",
    "collectible": "non-fungible-token",
}

# GraphSense abuse -> DW-VA abuse
ABUSES: dict[str, str | None] = {
    "scam": "scam",
    "extortion": None,
    "sextortion": "sextortion",
    "phishing": "phishing",
    "service_hack": "service_hack",
    "ransomware": "ransomware",
    "investment_fraud": "scam",
    "ponzi_scheme": "ponzi_scheme",
    "pyramid_scheme": "ponzi_scheme",
    "sanction": None,
    "extremism": None,
    "terrorism": None,
    "dark_web": None,
}

# GraphSense confidence ids and their levels (0-100)
CONFIDENCE: dict[str, int] = {
    "override": 100,
    "ownership": 100,
    "manual_transaction": 90,
    "service_api": 70,
    "authority_data": 60,
    "trusted_provider": 50,
    "service_data": 50,
    "forensic": 50,
    "untrusted_transaction": 40,
    "web_crawl": 20,
    "heuristic": 10,
    "unknown": 5,
}

# Categories of custodial services: money entering them leaves with other coins.
SERVICE_CATEGORIES = frozenset(
    {
        "service",
        "exchange",
        "wallet_service",
        "escrow_wallet",
        "market",
        "mixing_service",
        "gambling",
        "shop",
        "payment_processor",
        "atm",
        "miner",
        "mining_service",
    }
)
