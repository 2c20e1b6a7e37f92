"""Per-user deposit addresses: deterministic, valid mainnet addresses from site and user.

Each market software prints its own address type (as real ones differed): dream P2WPKH
(bech32), alpha P2SH (base58check), bazaar P2TR (bech32m), hydra P2WPKH. The same site and user
always get the same address, so a trainee who registers twice on one site sees one address and
a phishing clone (another site id) shows another one.
"""

from __future__ import annotations

import hashlib

from darkrange.formats import b58check_encode, segwit_encode


def deposit_address(site_id: str, user: str, software: str = "dream") -> str:
    digest = hashlib.sha256(f"darkrange/deposit\x00{site_id}\x00{user}".encode()).digest()
    if software == "alpha":
        return b58check_encode(b"\x05" + digest[:20])
    if software == "bazaar":
        return segwit_encode("bc", 1, digest)
    return segwit_encode("bc", 0, digest[:20])
