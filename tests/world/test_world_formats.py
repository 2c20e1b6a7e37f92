"""Every identifier in a world is real and valid, and truth agrees with what sites show."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pysequoia
import pytest

from darkrange.formats import b58check_decode, onion_pubkey, segwit_decode
from darkrange.world.model import CATEGORIES
from darkrange.world.truth import read_csv, read_plots


def _valid_btc(address: str) -> bool:
    if address.lower().startswith("bc1"):
        segwit_decode("bc", address)
        return True
    payload = b58check_decode(address)
    return payload[0] in (0x00, 0x05) and len(payload) == 21


def test_every_onion_validates_and_has_its_key(tiny_world: Path) -> None:
    sites = json.loads((tiny_world / "sites.json").read_text())
    for site in sites:
        for onion in [site["onion"], *site["mirrors"]]:
            onion_pubkey(onion)
            keydir = tiny_world / "keys" / "onion" / onion.removesuffix(".onion")
            assert (keydir / "hostname").read_text().strip() == onion
            secret = (keydir / "hs_ed25519_secret_key").read_bytes()
            assert secret.startswith(b"== ed25519v1-secret: type0 ==") and len(secret) == 96


def test_every_bitcoin_address_validates(tiny_world: Path) -> None:
    outputs = pq.read_table(tiny_world / "chain" / "outputs.parquet", columns=["address"])
    addresses = {a for a in outputs.column("address").to_pylist() if a}
    addresses |= {r["address"] for r in read_csv(tiny_world, "addresses.csv")}
    assert len(addresses) > 1000
    assert all(_valid_btc(a) for a in addresses)
    kinds = {r["script_type"] for r in read_csv(tiny_world, "addresses.csv")}
    assert {"p2pkh", "p2sh", "p2wpkh", "p2tr"} <= kinds


def test_every_pgp_key_is_real_openpgp(tiny_world: Path) -> None:
    keys = pq.read_table(tiny_world / "content" / "pgp_keys.parquet").to_pylist()
    truth = {r["fingerprint"] for r in read_csv(tiny_world, "pgp_keys.csv")}
    assert {k["fingerprint"] for k in keys} == truth
    for k in keys:
        cert = pysequoia.Cert.from_bytes(k["armored"].encode())
        assert cert.fingerprint.upper() == k["fingerprint"]


def test_every_truth_listing_is_on_its_site(tiny_world: Path) -> None:
    sites = {s["onion"]: s["site_id"] for s in json.loads((tiny_world / "sites.json").read_text())}
    shown = {
        (r["site_id"], r["listing_id"]): r
        for r in pq.read_table(tiny_world / "content" / "listings.parquet").to_pylist()
    }
    truth = read_csv(tiny_world, "listings.csv")
    assert len(truth) == len(shown) > 20
    for row in truth:
        listing = shown[(sites[row["site"]], row["listing_id"])]
        assert listing["title"] == row["title"]
        assert listing["vendor_handle"] == row["vendor_handle"]
        assert row["category"] in CATEGORIES


def test_accounts_agree(tiny_world: Path) -> None:
    shown = {
        (r["site"], r["handle"])
        for r in pq.read_table(tiny_world / "content" / "accounts.parquet").to_pylist()
    }
    truth = read_csv(tiny_world, "accounts.csv")
    assert {(r["site"], r["handle"]) for r in truth} == shown
    assert len(shown) == len(truth), "a handle is unique per site"
    persons = {r["person_id"] for r in read_csv(tiny_world, "persons.csv")}
    assert {r["person_id"] for r in truth} <= persons


def test_vendor_habits_are_present(small_world: Path) -> None:
    accounts = read_csv(small_world, "accounts.csv")
    modes = {r["handle_mode"] for r in accounts if r["role"] == "vendor"}
    assert {"kept", "changed"} <= modes
    by_person: dict[str, set[str]] = {}
    for r in accounts:
        if r["role"] == "vendor":
            by_person.setdefault(r["person_id"], set()).add(r["site"])
    assert any(len(s) >= 2 for s in by_person.values()), "some vendors sell on several sites"
    owners: dict[str, set[str]] = {}
    for r in read_csv(small_world, "pgp_keys.csv"):
        owners.setdefault(r["fingerprint"], set()).add(r["person_id"])
    assert any(len(v) >= 2 for v in owners.values()), "a crew shares a key"


def test_plots_point_at_real_things(tiny_world: Path) -> None:
    plots = {p["plot"]: p for p in read_plots(tiny_world)}
    assert {
        "cell-precursors",
        "weapons-cashout",
        "donations",
        "exit-scam",
        "phishing-clones",
    } <= plots.keys()
    accounts = {(r["site"], r["handle"]): r for r in read_csv(tiny_world, "accounts.csv")}
    cell = plots["cell-precursors"]
    handles = cell["vendor_accounts"]
    assert len({a["site"] for a in handles}) == 2 and len({a["handle"] for a in handles}) == 2
    for a in handles:
        assert accounts[(a["site"], a["handle"])]["person_id"] == cell["vendor_person"]
    txids = set(
        pq.read_table(tiny_world / "chain" / "transactions.parquet", columns=["txid"])
        .column("txid")
        .to_pylist()
    )
    hops = [t for path in cell["mix_txids"] + cell["order_txids"] for t in path]
    assert hops and set(hops) <= txids
    cash = plots["weapons-cashout"]
    assert cash["cashout_txids"] and set(cash["cashout_txids"]) <= txids
    outputs = (
        pq.read_table(tiny_world / "chain" / "outputs.parquet", columns=["address"])
        .column("address")
        .to_pylist()
    )
    assert cash["deposit_address"] in outputs
    don = plots["donations"]
    posts = pq.read_table(tiny_world / "content" / "posts.parquet").to_pylist()
    appeal = next(p for p in posts if p["thread_id"] == don["thread_id"])
    for address in don["donation_addresses"]:
        assert address in appeal["text"]
        assert address in outputs


@pytest.mark.parametrize(
    "name", ["persons.csv", "accounts.csv", "pgp_keys.csv", "addresses.csv", "listings.csv"]
)
def test_truth_files_start_with_the_documented_columns(tiny_world: Path, name: str) -> None:
    first = {
        "persons.csv": ["person_id", "role"],
        "accounts.csv": ["site", "handle", "person_id"],
        "pgp_keys.csv": ["fingerprint", "person_id"],
        "addresses.csv": ["address", "owner_id", "owner_kind", "purpose"],
        "listings.csv": ["site", "listing_id", "title", "category", "language", "vendor_handle"],
    }[name]
    header = (tiny_world / "truth" / name).read_text().splitlines()[0].split(",")
    assert header[: len(first)] == first
