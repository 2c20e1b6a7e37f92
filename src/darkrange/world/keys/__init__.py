"""Deterministic keys for the world: onion v3 service keys and OpenPGP keys.

Everything derives from seeds, so the same world seed gives the same onion addresses, the same
PGP fingerprints and byte-identical armored keys and canaries. See docs/formats/keys.md.
"""

from darkrange.world.keys._onion import OnionKey, onion_key
from darkrange.world.keys._pgp import PgpKey, clearsign, pgp_key

__all__ = ["OnionKey", "PgpKey", "clearsign", "onion_key", "pgp_key"]
