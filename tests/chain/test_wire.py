"""Raw blocks and transactions: real mainnet data and the bitcoinjs fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkrange.chain import Block, build_tx, parse_block, parse_tx_hex, split_block_file
from darkrange.errors import FormatError
from tests.chain.conftest import BLOCK_HASH


def test_real_block_parses_with_its_hash_count_and_height(real_block: Block) -> None:
    assert real_block.header.hash == BLOCK_HASH
    assert len(real_block.txs) == 1557
    assert real_block.height == 413_567
    assert real_block.network == "mainnet"
    coinbase = real_block.txs[0]
    assert coinbase.is_coinbase and not any(t.is_coinbase for t in real_block.txs[1:])
    # May 2016: a 25 BTC subsidy plus the block's fees (well under 1 BTC)
    assert 25 * 10**8 < sum(o.value for o in coinbase.outputs) < 26 * 10**8


def test_blk_dat_framing_is_read_and_network_taken_from_magic(raw_block_file: Path) -> None:
    raw = raw_block_file.read_bytes()
    framed = bytes.fromhex("0b110907") + len(raw).to_bytes(4, "little") + raw + b"\0" * 8
    [(data, network)] = split_block_file(framed, None)
    assert data == raw and network == "testnet"
    with pytest.raises(FormatError, match="--network mainnet"):
        split_block_file(framed, "mainnet")


def test_damaged_block_is_refused(raw_block_file: Path) -> None:
    raw = bytearray(raw_block_file.read_bytes())
    with pytest.raises(FormatError, match="truncated"):
        parse_block(bytes(raw[:-100]))
    raw[5000] ^= 0xFF  # inside a transaction: the Merkle root no longer matches
    with pytest.raises(FormatError):
        parse_block(bytes(raw))


def test_tx_hex_files_parse_to_their_txids(shared_data: Path) -> None:
    folder = shared_data / "chain" / "tx-hex"
    # the two example transactions of BIP 69
    assert parse_tx_hex((folder / "bip69_true.txt").read_text()).txid == (
        "28204cad1d7fc1d199e8ef4fa22f182de6258a3eaafe1bbe56ebdcacd3069a5f"
    )
    assert parse_tx_hex((folder / "bip69_false.txt").read_text()).txid == (
        "0a6a357e2f7796444e02638749d9611c008b253fb55f5dc88b739b230ed0c4c3"
    )
    segwit = parse_tx_hex((folder / "segwit.txt").read_text())
    assert segwit.wtxid != segwit.txid and segwit.weight < 4 * segwit.size
    genesis = parse_block(bytes.fromhex((folder / "genesis_block.txt").read_text().strip()))
    assert genesis.header.hash == (
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
    )
    assert genesis.txs[0].txid == (
        "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
    )
    assert genesis.txs[0].outputs[0].value == 50 * 10**8


def test_truncated_transaction_is_a_format_error(shared_data: Path) -> None:
    text = (shared_data / "chain" / "tx-hex" / "invalid_tx.txt").read_text()
    with pytest.raises(FormatError, match="truncated"):
        parse_tx_hex(text)
    with pytest.raises(FormatError, match="hexadecimal"):
        parse_tx_hex("zz")


def test_bitcoinjs_transactions_have_their_ids_and_sizes(shared_data: Path) -> None:
    fixtures = json.loads((shared_data / "chain" / "bitcoinjs" / "transaction.json").read_text())
    for case in fixtures["valid"]:
        tx = parse_tx_hex(case.get("whex") or case["hex"])
        assert tx.txid == case["id"], case["description"]
        assert tx.vsize == case["virtualSize"] and tx.weight == case["weight"]
        assert tx.is_coinbase == case["coinbase"]
        # the serialiser writes back what the parser read
        assert build_tx(tx.version, list(tx.inputs), list(tx.outputs), tx.locktime) == tx
    for case in fixtures["invalid"]["fromBuffer"]:
        with pytest.raises(FormatError):
            parse_tx_hex(case["hex"])


def test_bitcoinjs_blocks_have_their_ids(shared_data: Path) -> None:
    folder = shared_data / "chain" / "bitcoinjs"
    for case in json.loads((folder / "core_blocks.json").read_text()):
        block = parse_block(bytes.fromhex(case["hex"]))
        assert block.header.hash == case["id"] and len(block.txs) == case["transactions"]
    fixtures = json.loads((folder / "block.json").read_text())
    for case in fixtures["valid"]:
        if len(case["hex"]) == 160:  # headers only: not a block to ingest
            with pytest.raises(FormatError, match="too short"):
                parse_block(bytes.fromhex(case["hex"]))
            continue
        block = parse_block(bytes.fromhex(case["hex"]))
        assert block.header.hash == case["id"]
        # bitcoinjs keeps the root in internal byte order
        assert block.header.merkle_root == bytes.fromhex(case["merkleRoot"])[::-1].hex()
        if "weight" in case:
            assert block.weight == case["weight"]
    for case in fixtures["invalid"]:
        with pytest.raises(FormatError):
            parse_block(bytes.fromhex(case["hex"]))
