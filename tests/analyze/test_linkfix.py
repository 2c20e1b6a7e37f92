"""Helpers for the link, watch and search tests: records folders written the way the parser
writes them, real PGP keys, and a tiny world turned into records by bench/_world_records.py."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from darkrange.formats import onion_from_pubkey, segwit_encode
from darkrange.world.keys import PgpKey, pgp_key

REPO = Path(__file__).resolve().parents[2]


def onion(n: int) -> str:
    """A real v3 onion address (valid checksum)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public = Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32).public_key()
    return onion_from_pubkey(public.public_bytes_raw())


def btc(n: int) -> str:
    """A real P2WPKH address (valid bech32 checksum)."""
    return segwit_encode("bc", 0, hashlib.sha256(bytes([n])).digest()[:20])


ONION_A, ONION_B, ONION_C = onion(1), onion(2), onion(3)
_POINTER = pa.struct(
    [
        ("captured", pa.timestamp("us", tz="UTC")),
        ("file", pa.string()),
        ("offset", pa.int64()),
        ("record_id", pa.string()),
        ("target_uri", pa.string()),
    ]
)
_TYPES = {
    "pointers": pa.list_(_POINTER),
    "contacts": pa.list_(pa.struct([("kind", pa.string()), ("value", pa.string())])),
    "time": pa.timestamp("us", tz="UTC"),
    "created": pa.timestamp("us", tz="UTC"),
    "price": pa.float64(),
    "rating": pa.int64(),
}


def world_records_module() -> ModuleType:
    """bench/_world_records.py (the converter the benchmarks use)."""
    name = "_world_records"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def key(n: int, user: str = "vendor", certified_by: PgpKey | None = None) -> PgpKey:
    """A real OpenPGP key (Ed25519), the same for the same n."""
    created = 1_700_000_000 + n * 86400
    return pgp_key(bytes([n]) * 32, [f"{user} <{user}@mail2tor.com>"], created, certified_by)


def pointer(n: int, site: str = ONION_A, day: int = 1) -> list[dict[str, Any]]:
    return [
        {
            "captured": datetime(2026, 2, day, 12, 0, tzinfo=UTC),
            "file": "crawl-0001.warc.gz",
            "offset": 1000 * n,
            "record_id": f"<urn:uuid:0000-{n:04d}>",
            "target_uri": f"http://{site}/vendor/{n}",
        }
    ]


def vendor(
    n: int,
    site: str,
    handle: str,
    pgp: PgpKey | None = None,
    contacts: dict[str, str] | None = None,
    terms: str = "",
    day: int = 1,
) -> dict[str, Any]:
    return {
        "site": site,
        "site_name": f"Market {site[0].upper()}",
        "family": "dream",
        "url": f"http://{site}/vendor/{handle}",
        "handle": handle,
        "role": "vendor",
        "joined": "2026-01-05",
        "terms": terms,
        "pgp_armored": pgp.armored if pgp else None,
        "pgp_fingerprint": pgp.fingerprint if pgp else None,
        "contacts": [{"kind": k, "value": v} for k, v in sorted((contacts or {}).items())],
        "pointers": pointer(n, site, day),
    }


def listing(
    n: int,
    site: str,
    handle: str,
    title: str,
    description: str,
    price: float,
    ships_from: str = "Germany",
    category: str = "Drugs",
) -> dict[str, Any]:
    return {
        "site": site,
        "site_name": f"Market {site[0].upper()}",
        "family": "dream",
        "url": f"http://{site}/listing/{n}",
        "listing_id": str(n),
        "title": title,
        "description": description,
        "price": price,
        "currency": "USD",
        "category": category,
        "ships_from": ships_from,
        "ships_to": "Worldwide",
        "vendor": handle,
        "detail": True,
        "pointers": pointer(n, site),
    }


def write_records(folder: Path, **kinds: list[dict[str, Any]]) -> Path:
    """Write folder/<kind>.parquet for each kind given (vendors=[...], listings=[...], ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in kinds.items():
        fields = []
        for name in rows[0]:
            if name in _TYPES:
                fields.append(pa.field(name, _TYPES[name]))
            else:
                kind_of = pa.array([r[name] for r in rows]).type
                fields.append(pa.field(name, pa.string() if kind_of == pa.null() else kind_of))
        pq.write_table(
            pa.Table.from_pylist(rows, schema=pa.schema(fields)), folder / f"{kind}.parquet"
        )
    return folder


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny world (seed 4242, never used in training) and its records."""
    from darkrange.world.generate import generate

    base = tmp_path_factory.mktemp("tinyworld")
    generate(4242, "tiny", base / "world")
    world_records_module().convert(base / "world", base / "records")
    return base / "world", base / "records"
