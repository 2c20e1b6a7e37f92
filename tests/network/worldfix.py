"""A minimal world folder for range tests: sites.json and a chain/ folder, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from darkrange.formats import onion_from_pubkey
from tests.sites.explorer.chainfix import build_chain

CLOCK_KIND = "clocksite=tests.network.clocksite:build_app"


def onion(n: int) -> str:
    key = Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32).public_key()
    return onion_from_pubkey(
        key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def make_world(folder: Path) -> list[dict[str, object]]:
    folder.mkdir(parents=True, exist_ok=True)
    build_chain(folder / "chain")
    sites: list[dict[str, object]] = [
        {
            "site_id": "explorer",
            "kind": "explorer",
            "name": "Blockwatch",
            "onion": onion(1),
            "mirrors": [onion(2)],
        },
        {
            "site_id": "clock",
            "kind": "clocksite",
            "name": "Clock Shop",
            "onion": onion(3),
            "mirrors": [],
        },
        {
            # a kind no app serves: the range leaves it out and keeps it unreachable
            "site_id": "future-1",
            "kind": "future-kind",
            "name": "Not Yet Served",
            "onion": onion(4),
            "mirrors": [onion(5)],
        },
    ]
    (folder / "sites.json").write_text(json.dumps(sites), encoding="utf-8")
    return sites
