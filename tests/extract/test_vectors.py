"""The shared reference vectors: every valid one found and typed, every invalid one rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkrange.extract import Selector, find_selectors

pytestmark = pytest.mark.shared

_CHAINS = {"main": "mainnet", "testnet4": "testnet", "signet": "testnet", "regtest": "regtest"}


def _at(address: str) -> list[Selector]:
    """Selectors reported for `address` embedded in a sentence, at its own offset."""
    text = f"pay to {address} now"
    return [s for s in find_selectors(text) if s.offset == 7 and s.value == address]


def _assert_valid(address: str, kind: str, network: str | None) -> None:
    found = [s for s in _at(address) if s.valid]
    assert [(s.kind, s.network) for s in found] == [(kind, network)], address


def _assert_rejected(address: str) -> None:
    text = f"pay to {address} now"
    assert not [s for s in find_selectors(text) if s.valid], address


def _load(shared_data: Path, name: str) -> object:
    return json.loads((shared_data / "vectors" / name).read_text(encoding="utf-8"))


def test_bip173_bip350_addresses(shared_data: Path) -> None:
    vectors = _load(shared_data, "bech32/bip173_bip350_vectors.json")
    assert isinstance(vectors, dict)
    for address, _script in vectors["VALID_ADDRESS"]:
        network = "mainnet" if address.lower().startswith("bc") else "testnet"
        _assert_valid(address, "btc", network)
    for address in vectors["INVALID_ADDRESS"]:
        _assert_rejected(address)
    # the invalid ones shaped like addresses are reported, with the reason
    reported = [s for a in vectors["INVALID_ADDRESS"] for s in _at(a)]
    assert len(reported) >= 10
    assert all(s.reason for s in reported)


def test_bech32_strings_are_not_addresses(shared_data: Path) -> None:
    vectors = _load(shared_data, "bech32/bip173_bip350_vectors.json")
    assert isinstance(vectors, dict)
    for key in ("VALID_BECH32", "VALID_BECH32M", "INVALID_BECH32", "INVALID_BECH32M"):
        for string in vectors[key]:
            _assert_rejected(string)


def test_bitcoin_core_key_io(shared_data: Path) -> None:
    valid = _load(shared_data, "bitcoin-core/key_io_valid.json")
    invalid = _load(shared_data, "bitcoin-core/key_io_invalid.json")
    assert isinstance(valid, list) and isinstance(invalid, list)
    for address, _script, meta in valid:
        network = _CHAINS[meta["chain"]]
        if meta["chain"] == "regtest" and not address.startswith("bcrt"):
            network = "testnet"  # base58 regtest shares testnet's version bytes
        kind = "btc_wif" if meta["isPrivkey"] else "btc"
        _assert_valid(address, kind, network)
        if meta.get("tryCaseFlip"):
            _assert_valid(address.upper(), kind, network)
    for address, *_rest in invalid:
        _assert_rejected(address)


def test_base58_vectors_are_not_addresses(shared_data: Path) -> None:
    for _hex, encoded in _load(shared_data, "bitcoin-core/base58_encode_decode.json"):  # type: ignore[attr-defined]
        _assert_rejected(encoded)


def test_tor_onion_vectors(shared_data: Path) -> None:
    vectors = _load(shared_data, "tor/tor_v3_onion_vectors.json")
    assert isinstance(vectors, dict)
    for vector in vectors["vectors"]:
        address, valid = vector["address"], vector["valid"]
        found = [s for s in find_selectors(f"go {address} now") if s.valid]
        if valid is None:  # the v2 example: well-formed, flagged legacy
            assert [s.kind for s in found] == ["onion_v2"]
            assert "legacy" in found[0].reason
        elif valid:
            assert [s.kind for s in found] == ["onion_v3"], address
            if "pubkey_hex" in vector:
                label = found[0].normalized.removesuffix(".onion")
                assert address.endswith(label)
        else:
            assert not found, address


def test_monero_vectors(shared_data: Path) -> None:
    vectors = _load(shared_data, "monero/monero_address_vectors.json")
    assert isinstance(vectors, dict)
    networks = {"AddressTestCase": "mainnet", "TestnetAddressTestCase": "testnet"}
    types = {"addr": "standard", "iaddr": "integrated", "subaddr": "subaddress"}
    for name, case in vectors["cases"].items():
        network = networks.get(name, "stagenet")
        for field, type_ in types.items():
            _assert_valid(case[field], "xmr", network)
            (found,) = [s for s in _at(case[field]) if s.valid]
            assert found.extra["type"] == type_
            if type_ == "integrated":
                assert found.extra["payment_id"] == case["pid"]
        for field in ("addr_invalid", "iaddr_invalid"):
            _assert_rejected(case[field])
            assert "checksum" in _at(case[field])[0].reason
    for address in vectors["invalid_extra"]:
        _assert_rejected(address)


def test_forty_real_pgp_keys_match_sequoia(shared_data: Path) -> None:
    pysequoia = pytest.importorskip("pysequoia")
    armored = (shared_data / "keys" / "debian-maintainers_subset40.asc").read_text("utf-8")
    found = [s for s in find_selectors(armored) if s.kind == "pgp_key"]
    certs = pysequoia.Cert.split_bytes(armored.encode())
    assert len(found) == len(certs) == 40
    assert all(s.valid and s.extra["crc"] == "ok" for s in found)
    assert [s.normalized for s in found] == [c.fingerprint.upper() for c in certs]
    compared = 0
    for selector, cert in zip(found, certs, strict=True):
        assert selector.extra["key_id"] == cert.fingerprint.upper()[-16:]
        try:
            theirs = {str(u) for u in cert.user_ids}
        except RuntimeError:  # sequoia's policy refuses SHA-1 self-signatures of old keys
            continue
        # sequoia lists the user ids whose self-signatures hold; we list every one on the page
        assert theirs <= set(selector.extra["user_ids"])  # type: ignore[arg-type]
        compared += 1
    assert compared >= 20
    algorithms = sorted({str(s.extra["algorithm"]) for s in found})
    assert algorithms == ["DSA", "EdDSA (legacy)", "RSA"]
