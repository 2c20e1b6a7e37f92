"""scriptPubKeys to types and addresses; what inputs reveal about what they spend."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import coincurve

from darkrange.chain import NETWORKS, Block, classify, infer_spend
from darkrange.chain._script import hash160

_OPS = {"OP_DUP": 0x76, "OP_HASH160": 0xA9, "OP_EQUALVERIFY": 0x88, "OP_CHECKSIG": 0xAC,
        "OP_EQUAL": 0x87, "OP_0": 0x00, "OP_RETURN": 0x6A, "OP_TRUE": 0x51,
        "OP_CHECKMULTISIG": 0xAE, **{f"OP_{n}": 0x50 + n for n in range(1, 17)}}  # fmt: skip
MAIN = NETWORKS["mainnet"]


def _asm(text: str) -> bytes:
    out = b""
    for word in text.split():
        if word in _OPS:
            out += bytes([_OPS[word]])
        else:
            data = bytes.fromhex(word)
            out += bytes([len(data)]) + data
    return out


def test_address_vectors(shared_data: Path) -> None:
    vectors = json.loads((shared_data / "chain" / "bitcoinjs" / "address.json").read_text())
    checked = 0
    for case in vectors["standard"]:
        if case.get("network") not in ("bitcoin", "testnet") or "script" not in case:
            continue
        net = MAIN if case["network"] == "bitcoin" else NETWORKS["testnet"]
        want = case.get("base58check") or case["bech32"].lower()
        assert classify(_asm(case["script"]), net)[1] == want
        checked += 1
    for case in vectors["bech32"]:
        net = MAIN if case["prefix"] == "bc" else NETWORKS["testnet"]
        version, data = case["version"], bytes.fromhex(case["data"])
        spk = bytes([0x50 + version if version else 0, len(data)]) + data
        assert classify(spk, net)[1] == case["address"].lower()
        checked += 1
    assert checked >= 10
    for case in vectors["invalid"]["fromOutputScript"]:
        kind, address = classify(_asm(case["script"]), MAIN)
        if "x coordinate" in case.get("description", ""):
            # consensus-valid (if unspendable) P2TR: Bitcoin Core shows its address too
            assert kind == "p2tr" and address is not None
            continue
        # bitcoinjs gives P2PK no address; darkrange gives it its key's P2PKH address
        assert address is None or kind == "p2pk", case["script"]


def test_script_types_of_every_kind() -> None:
    key = coincurve.PrivateKey(hashlib.sha256(b"darkrange test key").digest())
    pub = key.public_key.format()
    assert classify(bytes([33]) + pub + b"\xac", MAIN) == (
        "p2pk", classify(b"\x76\xa9\x14" + hash160(pub) + b"\x88\xac", MAIN)[1]
    )  # fmt: skip
    multisig = b"\x51" + bytes([33]) + pub + b"\x51\xae"
    assert classify(multisig, MAIN) == ("multisig", None)
    assert classify(b"\x6a\x04abcd", MAIN) == ("nulldata", None)
    assert classify(b"\x51", MAIN) == ("nonstandard", None)
    assert classify(b"\x00\x10" + b"\x01" * 16, MAIN) == ("nonstandard", None)
    kind, address = classify(b"\x52\x10" + b"\x01" * 16, MAIN)
    assert kind == "witness_unknown" and address is not None and address.startswith("bc1z")


def test_inputs_reveal_their_addresses(real_block: Block) -> None:
    key = coincurve.PrivateKey(hashlib.sha256(b"spender").digest())
    pub = key.public_key.format()
    sig = key.sign(hashlib.sha256(b"m").digest(), hasher=None) + b"\x01"
    p2pkh = infer_spend(bytes([len(sig)]) + sig + bytes([33]) + pub, (), MAIN)
    assert p2pkh.address == classify(b"\x76\xa9\x14" + hash160(pub) + b"\x88\xac", MAIN)[1]
    p2wpkh = infer_spend(b"", (sig, pub), MAIN)
    assert p2wpkh.address == classify(b"\x00\x14" + hash160(pub), MAIN)[1]
    redeem = b"\x52" + (bytes([33]) + pub) * 2 + b"\x52\xae"
    p2sh = infer_spend(b"\x00" + bytes([len(sig)]) + sig + bytes([len(redeem)]) + redeem, (), MAIN)
    assert p2sh.multisig and p2sh.address == classify(
        b"\xa9\x14" + hash160(redeem) + b"\x87", MAIN
    )[1]  # fmt: skip
    assert infer_spend(b"", (b"\x01" * 64,), MAIN).address is None  # taproot key path
    # in the real block, every spending input shows its address (no taproot in 2016)
    spends = [i for t in real_block.txs[1:] for i in t.inputs]
    assert all(infer_spend(i.script_sig, i.witness, MAIN).address for i in spends)
