"""Cryptocurrency addresses and keys: valid ones typed, look-alikes rejected with a reason."""

from __future__ import annotations

import hashlib

import pytest

from darkrange.extract import find_selectors
from darkrange.formats import b58check_encode, eip55_checksum, monero_encode, segwit_encode
from tests.extract.conftest import h160, only


@pytest.mark.parametrize(
    ("hrp", "version", "size", "network", "type_"),
    [
        ("bc", 0, 20, "mainnet", "p2wpkh"),
        ("bc", 0, 32, "mainnet", "p2wsh"),
        ("bc", 1, 32, "mainnet", "p2tr"),
        ("bc", 2, 16, "mainnet", "witness_v2"),
        ("bc", 16, 2, "mainnet", "witness_v16"),
        ("tb", 1, 32, "testnet", "p2tr"),
        ("bcrt", 0, 20, "regtest", "p2wpkh"),
    ],
)
def test_segwit_every_version(hrp: str, version: int, size: int, network: str, type_: str) -> None:
    address = segwit_encode(hrp, version, bytes(range(size)))
    for written in (address, address.upper()):
        (found,) = only(f"send to: {written}.", "btc")
        assert found.valid and found.network == network and found.extra["type"] == type_
        assert found.normalized == address and found.value == written and found.offset == 9
        assert found.extra["encoding"] == ("bech32" if version == 0 else "bech32m")


def test_segwit_look_alikes_are_invalid_with_reason() -> None:
    address = segwit_encode("bc", 0, h160("a"))
    wrong = address[:-1] + ("q" if address[-1] != "q" else "p")
    mixed = address[:10] + address[10:].upper()
    for text, reason in ((wrong, "checksum"), (mixed, "mixed case")):
        (found,) = only(f"x {text} y", "btc")
        assert not found.valid and reason in found.reason


def test_base58_bitcoin_and_litecoin() -> None:
    cases = {
        b58check_encode(b"\x00" + h160("p")): ("btc", "mainnet", "p2pkh"),
        b58check_encode(b"\x05" + h160("s")): ("btc", "mainnet", "p2sh"),
        b58check_encode(b"\x6f" + h160("t")): ("btc", "testnet", "p2pkh"),
        b58check_encode(b"\xc4" + h160("u")): ("btc", "testnet", "p2sh"),
        b58check_encode(b"\x30" + h160("l")): ("ltc", "mainnet", "p2pkh"),
        b58check_encode(b"\x32" + h160("m")): ("ltc", "mainnet", "p2sh"),
        segwit_encode("ltc", 0, h160("w")): ("ltc", "mainnet", "p2wpkh"),
        segwit_encode("tltc", 1, bytes(32)): ("ltc", "testnet", "p2tr"),
    }
    text = " | ".join(cases)
    found = [s for s in find_selectors(text) if s.valid]
    assert [(s.kind, s.network, s.extra["type"]) for s in found] == list(cases.values())


def test_base58_look_alikes() -> None:
    good = b58check_encode(b"\x00" + h160("p"))
    typo = good[:5] + ("A" if good[5] != "A" else "B") + good[6:]
    (found,) = only(f"BTC: {typo}", "btc")
    assert not found.valid and "checksum" in found.reason
    other_coin = b58check_encode(b"\x1e" + h160("doge"))  # a Dogecoin address starts with D
    assert not [s for s in find_selectors(f"pay {other_coin}") if s.valid]


def test_wif_private_keys() -> None:
    key = hashlib.sha256(b"k").digest()
    compressed = b58check_encode(b"\x80" + key + b"\x01")
    (found,) = only(f"leaked: {compressed}", "btc_wif")
    assert found.valid and found.network == "mainnet" and found.extra["compressed"] is True
    out_of_range = b58check_encode(b"\x80" + b"\xff" * 32)
    (bad,) = only(f"leaked: {out_of_range}", "btc_wif")
    assert not bad.valid and "range" in bad.reason


def test_monero_standard_integrated_subaddress() -> None:
    spend, view = hashlib.sha256(b"s").digest(), hashlib.sha256(b"v").digest()
    standard = monero_encode("mainnet", "standard", spend, view)
    integrated = monero_encode("testnet", "integrated", spend, view, b"\x01" * 8)
    sub = monero_encode("stagenet", "subaddress", spend, view)
    found = only(f"XMR {standard}\n{integrated}\n{sub}", "xmr")
    assert [(s.valid, s.network, s.extra["type"]) for s in found] == [
        (True, "mainnet", "standard"),
        (True, "testnet", "integrated"),
        (True, "stagenet", "subaddress"),
    ]
    corrupted = standard[:40] + ("z" if standard[40] != "z" else "y") + standard[41:]
    (bad,) = only(f"XMR {corrupted}", "xmr")
    assert not bad.valid and bad.reason


def test_ethereum_eip55() -> None:
    # EIP-55's own examples
    for address in (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    ):
        (found,) = only(f"ETH {address}", "eth")
        assert found.valid and found.normalized == address and found.extra["checksummed"]
        (lower,) = only(f"ETH {address.lower()}", "eth")
        assert lower.valid and lower.normalized == address and "no EIP-55" in lower.reason
    flipped = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
    (bad,) = only(f"ETH {flipped}", "eth")
    assert not bad.valid and "EIP-55" in bad.reason
    (short,) = only("ETH 0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "eth")
    assert not short.valid and "38 hex digits" in short.reason
    assert not only("tx 0x" + "ab" * 32, "eth")  # a transaction hash is no address
    assert eip55_checksum("0x" + "00" * 20) == "0x" + "0" * 40


def test_session_ids() -> None:
    session = "05" + hashlib.sha256(b"session").hexdigest()
    (found,) = only(f"my session {session}", "session")
    assert found.valid and found.normalized == session
    (labelled_bad,) = only(f"Session ID: {session[:-2]}", "session")
    assert not labelled_bad.valid and "66" in labelled_bad.reason
    assert not only("hash 02" + hashlib.sha256(b"x").hexdigest(), "session")
