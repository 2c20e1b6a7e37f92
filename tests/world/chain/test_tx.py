"""Serialisation against real Bitcoin data: txids, coinbases, Merkle roots, block hashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkrange.world.chain._tx import (
    TYPE_CODE,
    block_header,
    coinbase_txid,
    merkle_root,
    mine_header,
    script_num,
    sha256d,
    target_from_bits,
    txid,
    varint,
    vsize,
)

GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"


class _Reader:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.pos = 0

    def take(self, n: int) -> bytes:
        out = self.raw[self.pos : self.pos + n]
        self.pos += n
        return out

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "little")

    def varint(self) -> int:
        first = self.uint(1)
        width = {0xFD: 2, 0xFE: 4, 0xFF: 8}.get(first)
        return first if width is None else self.uint(width)


def parse_tx(r: _Reader) -> dict[str, object]:
    """A raw transaction as parts; `stripped` is its serialisation without witness."""
    version = r.uint(4)
    segwit = r.raw[r.pos] == 0
    if segwit:
        r.take(2)
    inputs = []
    for _ in range(r.varint()):
        prev, vout = r.take(32), r.uint(4)
        script = r.take(r.varint())
        inputs.append((prev, vout, script, r.uint(4)))
    outputs = []
    for _ in range(r.varint()):
        value = r.uint(8)
        outputs.append((value, r.take(r.varint())))
    if segwit:
        for _ in inputs:
            for _ in range(r.varint()):
                r.take(r.varint())
    locktime = r.uint(4)
    parts = [version.to_bytes(4, "little"), varint(len(inputs))]
    for prev, vout, script, seq in inputs:
        parts += [prev, vout.to_bytes(4, "little"), varint(len(script)), script]
        parts.append(seq.to_bytes(4, "little"))
    parts.append(varint(len(outputs)))
    for value, script in outputs:
        parts += [value.to_bytes(8, "little"), varint(len(script)), script]
    parts.append(locktime.to_bytes(4, "little"))
    return {
        "version": version,
        "inputs": inputs,
        "outputs": outputs,
        "locktime": locktime,
        "stripped": b"".join(parts),
    }


def _prefixed(outputs: object) -> list[tuple[int, bytes]]:
    assert isinstance(outputs, list)
    return [(v, varint(len(s)) + s) for v, s in outputs]


def test_txid_of_real_segwit_transactions(shared_data: Path) -> None:
    fixtures = json.loads((shared_data / "chain/bitcoinjs/transaction.json").read_text())
    checked = 0
    for fixture in fixtures["valid"]:
        if not fixture.get("whex") or fixture.get("coinbase"):
            continue
        tx = parse_tx(_Reader(bytes.fromhex(fixture["whex"])))
        inputs = tx["inputs"]
        assert isinstance(inputs, list)
        if any(script for _, _, script, _ in inputs):
            continue  # our txids assume empty scriptSigs: only native segwit spends qualify
        assert len({seq for *_, seq in inputs}) == 1
        got = txid(
            tx["version"],  # type: ignore[arg-type]
            [(prev, vout, seq) for prev, vout, _, seq in inputs],
            _prefixed(tx["outputs"]),
            tx["locktime"],  # type: ignore[arg-type]
        )
        assert got[::-1].hex() == fixture["id"]
        checked += 1
    assert checked >= 2


def test_genesis_block_header_and_coinbase(shared_data: Path) -> None:
    raw = bytes.fromhex((shared_data / "chain/tx-hex/genesis_block.txt").read_text().strip())
    r = _Reader(raw)
    version, prev, root, time, bits, nonce = (
        r.uint(4),
        r.take(32),
        r.take(32),
        r.uint(4),
        r.uint(4),
        r.uint(4),
    )
    assert sha256d(block_header(version, prev, root, time, bits, nonce))[::-1].hex() == (
        GENESIS_HASH
    )
    assert r.varint() == 1
    coinbase = parse_tx(r)
    inputs = coinbase["inputs"]
    assert isinstance(inputs, list)
    got = coinbase_txid(coinbase["version"], inputs[0][2], _prefixed(coinbase["outputs"]))  # type: ignore[arg-type]
    assert got == root == merkle_root([got])


def test_merkle_roots_of_real_blocks(shared_data: Path) -> None:
    fixtures = json.loads((shared_data / "chain/bitcoinjs/block.json").read_text())
    checked = 0
    for fixture in fixtures["valid"]:
        raw = bytes.fromhex(fixture["hex"])
        if len(raw) <= 81:
            continue
        r = _Reader(raw)
        header = r.take(80)
        txids = [sha256d(parse_tx(r)["stripped"]) for _ in range(r.varint())]  # type: ignore[arg-type]
        if len(txids) < 2:
            continue
        assert merkle_root(txids) == header[36:68]
        assert sha256d(header)[::-1].hex() == fixture["id"]
        checked += 1
    assert checked >= 2


def test_real_block_merkle_root(shared_data: Path) -> None:
    raw = (shared_data / "chain/block413567.raw").read_bytes()
    r = _Reader(raw)
    header = r.take(80)
    txids = [sha256d(parse_tx(r)["stripped"]) for _ in range(r.varint())]  # type: ignore[arg-type]
    assert len(txids) == 1557
    assert merkle_root(txids) == header[36:68]


def test_script_num_is_minimal_bip34() -> None:
    assert script_num(0) == b"\x00"
    assert script_num(1) == b"\x51"
    assert script_num(16) == b"\x60"
    assert script_num(17) == b"\x01\x11"
    assert script_num(128) == b"\x02\x80\x00"  # sign bit needs its own byte
    assert script_num(227_931) == b"\x03\x5b\x7a\x03"  # BIP-34's activation height


def test_vsize_estimates() -> None:
    p2wpkh = TYPE_CODE["p2wpkh"]
    p2pkh = TYPE_CODE["p2pkh"]
    # 1-in 2-out P2WPKH is 141 vB (140.5 rounded up); legacy 1-in 2-out is 226 vB.
    assert vsize([p2wpkh], [p2wpkh, p2wpkh]) == 141
    assert vsize([p2pkh], [p2pkh, p2pkh]) == 226


def test_mined_header_meets_its_target() -> None:
    bits = 0x207FFFFF
    digest, nonce = mine_header(0x20000000, b"\x11" * 32, b"\x22" * 32, 1_700_000_000, bits)
    header = block_header(0x20000000, b"\x11" * 32, b"\x22" * 32, 1_700_000_000, bits, nonce)
    assert sha256d(header) == digest
    assert int.from_bytes(digest, "little") <= target_from_bits(bits)


def test_empty_merkle_root_and_odd_levels() -> None:
    a, b, c = (bytes([i]) * 32 for i in (1, 2, 3))
    assert merkle_root([]) == b"\x00" * 32
    ab = sha256d(a + b)
    cc = sha256d(c + c)
    assert merkle_root([a, b, c]) == sha256d(ab + cc)


@pytest.mark.parametrize("n", [0, 252, 253, 65_535, 65_536, 2**32])
def test_varint_round_trip(n: int) -> None:
    r = _Reader(varint(n))
    assert r.varint() == n
