"""A small but real chain folder for tests, laid out as docs/formats/chain.md says.

Addresses come from coincurve keys (P2PKH, P2SH-P2WPKH, P2WPKH, P2WSH, P2TR), txids are the
double SHA-256 of the non-witness serialisation with empty scriptSigs, block hashes come from
80-byte headers over real Merkle roots. One address is reused by many transactions and one block
holds more than 25 transactions, so every kind of paging is exercised.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

import coincurve
import pyarrow as pa
import pyarrow.parquet as pq

from darkrange.formats import b58check_encode, segwit_encode

COIN = 100_000_000
FEE = 1_000
START = 1_767_571_200  # 2026-01-05, a Monday


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def hash160(data: bytes) -> bytes:
    return hashlib.new("ripemd160", hashlib.sha256(data).digest()).digest()


@dataclass
class Key:
    address: str
    script_type: str
    program: bytes  # the hash or key the script commits to, for independent checks


def make_key(rng: random.Random, script_type: str) -> Key:
    secret = rng.randbytes(32)
    pub = coincurve.PrivateKey(secret).public_key.format(compressed=True)
    if script_type == "p2pkh":
        h = hash160(pub)
        return Key(b58check_encode(b"\x00" + h), script_type, h)
    if script_type == "p2sh":
        h = hash160(b"\x00\x14" + hash160(pub))
        return Key(b58check_encode(b"\x05" + h), script_type, h)
    if script_type == "p2wpkh":
        h = hash160(pub)
        return Key(segwit_encode("bc", 0, h), script_type, h)
    if script_type == "p2wsh":
        h = hashlib.sha256(b"\x51\x21" + pub + b"\x51\xae").digest()
        return Key(segwit_encode("bc", 0, h), script_type, h)
    xonly = pub[1:]
    return Key(segwit_encode("bc", 1, xonly), "p2tr", xonly)


def spk(key: Key | None) -> bytes:
    if key is None:
        return b"\x6a"
    p = key.program
    return {
        "p2pkh": b"\x76\xa9\x14" + p + b"\x88\xac",
        "p2sh": b"\xa9\x14" + p + b"\x87",
        "p2wpkh": b"\x00\x14" + p,
        "p2wsh": b"\x00\x20" + p,
        "p2tr": b"\x51\x20" + p,
    }[key.script_type]


def varint(n: int) -> bytes:
    return bytes([n]) if n < 0xFD else b"\xfd" + n.to_bytes(2, "little")


@dataclass
class Tx:
    inputs: list[tuple[str | None, int, Key | None, int]]  # prev txid, vout, key, value
    outputs: list[tuple[Key | None, int]]
    version: int = 2
    locktime: int = 0
    txid: str = ""

    def serialise(self) -> bytes:
        raw = self.version.to_bytes(4, "little") + varint(len(self.inputs))
        for prev, vout, _, _ in self.inputs:
            prev_b = bytes.fromhex(prev)[::-1] if prev else b"\x00" * 32
            vout_b = (vout if prev else 0xFFFFFFFF).to_bytes(4, "little")
            raw += prev_b + vout_b + b"\x00" + b"\xfe\xff\xff\xff"
        raw += varint(len(self.outputs))
        for key, value in self.outputs:
            script = spk(key)
            raw += value.to_bytes(8, "little") + varint(len(script)) + script
        return raw + self.locktime.to_bytes(4, "little")


def merkle_root(txids: list[str]) -> bytes:
    level = [bytes.fromhex(t)[::-1] for t in txids]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


@dataclass
class Chain:
    folder: Path
    keys: dict[str, Key] = field(default_factory=dict)  # address -> key
    reused: str = ""  # an address with more than 25 transactions
    big_block: int = 0  # a block with more than 25 transactions
    op_return_txid: str = ""


TYPES = ("p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr")


def build_chain(folder: Path, blocks: int = 12, seed: int = 7) -> Chain:
    """Write blocks/transactions/inputs/outputs.parquet into `folder` and describe them."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    chain = Chain(folder)

    def new_key() -> Key:
        key = make_key(rng, rng.choice(TYPES))
        chain.keys[key.address] = key
        return key

    reused = new_key()
    chain.reused = reused.address
    utxos: list[tuple[str, int, Key, int]] = []
    block_rows, tx_rows, in_rows, out_rows = [], [], [], []
    prev_hash = "0" * 64
    for height in range(blocks):
        # several coinbase outputs, so later blocks have enough coins to spend
        coinbase = Tx([(None, 0, None, 0)], [(new_key(), 10 * COIN) for _ in range(5)], version=1)
        txs = [coinbase]
        count = 30 if height == blocks - 2 else rng.randint(1, 4)
        if height == blocks - 2:
            chain.big_block = height
        spendable = [u for u in utxos]
        for n in range(count if height > 0 else 0):
            if not spendable:
                break
            picked = [spendable.pop(rng.randrange(len(spendable)))]
            if spendable and rng.random() < 0.3:
                picked.append(spendable.pop(rng.randrange(len(spendable))))
            total = sum(u[3] for u in picked)
            pay = total // 3
            to = reused if n % 2 == 0 else new_key()
            outs: list[tuple[Key | None, int]] = [(to, pay), (new_key(), total - pay - FEE)]
            if not chain.op_return_txid and height == 2:
                outs.append((None, 0))
            tx = Tx([(t, v, k, val) for t, v, k, val in picked], outs, locktime=height)
            txs.append(tx)
        for u in (u for tx in txs[1:] for u in tx.inputs):
            utxos[:] = [x for x in utxos if (x[0], x[1]) != (u[0], u[1])]
        for position, tx in enumerate(txs):
            tx.txid = sha256d(tx.serialise())[::-1].hex()
            if any(k is None for k, _ in tx.outputs) and not chain.op_return_txid:
                chain.op_return_txid = tx.txid
            fee = 0 if position == 0 else FEE
            vsize = 11 + 68 * len(tx.inputs) + 31 * len(tx.outputs)
            tx_rows.append(
                (
                    tx.txid,
                    height,
                    position,
                    tx.version,
                    tx.locktime,
                    position == 0,
                    len(tx.inputs),
                    len(tx.outputs),
                    fee,
                    vsize,
                )
            )
            for vin, (prev, vout, key, value) in enumerate(tx.inputs):
                in_rows.append(
                    (
                        tx.txid,
                        height,
                        position,
                        vin,
                        prev,
                        vout if prev else None,
                        key.address if key else None,
                        value,
                        0xFFFFFFFE,
                    )
                )
            for vout, (key, value) in enumerate(tx.outputs):
                out_rows.append(
                    [
                        tx.txid,
                        height,
                        position,
                        vout,
                        key.address if key else None,
                        value,
                        key.script_type if key else "op_return",
                        None,
                        None,
                    ]
                )
                if key is not None:
                    utxos.append((tx.txid, vout, key, value))
        root = merkle_root([t.txid for t in txs])
        time = START + 600 * height + rng.randint(-100, 100)
        header = (
            (0x20000000).to_bytes(4, "little")
            + bytes.fromhex(prev_hash)[::-1]
            + root
            + time.to_bytes(4, "little")
            + (0x1D00FFFF).to_bytes(4, "little")
            + height.to_bytes(4, "little")
        )
        block_hash = sha256d(header)[::-1].hex()
        block_rows.append((height, block_hash, prev_hash, time, len(txs), root[::-1].hex()))
        prev_hash = block_hash
    spender = {(r[4], r[5]): (r[0], r[3]) for r in in_rows if r[4]}
    for row in out_rows:
        row[7], row[8] = spender.get((row[0], row[3]), (None, None))
    _write(folder, block_rows, tx_rows, in_rows, out_rows)
    return chain


def _write(folder: Path, blocks: list, txs: list, ins: list, outs: list) -> None:  # type: ignore[type-arg]
    def table(rows: list, schema: pa.Schema) -> pa.Table:  # type: ignore[type-arg]
        cols = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
        return pa.table(
            [pa.array(c, type=f.type) for c, f in zip(cols, schema, strict=True)], schema=schema
        )

    i32, i64, s = pa.int32(), pa.int64(), pa.string()
    pq.write_table(
        table(
            blocks,
            pa.schema(
                [
                    ("height", i32),
                    ("hash", s),
                    ("prev_hash", s),
                    ("time", i64),
                    ("n_tx", i32),
                    ("merkle_root", s),
                ]
            ),
        ),
        folder / "blocks.parquet",
    )
    pq.write_table(
        table(
            txs,
            pa.schema(
                [
                    ("txid", s),
                    ("block_height", i32),
                    ("position", i32),
                    ("version", i32),
                    ("locktime", i64),
                    ("is_coinbase", pa.bool_()),
                    ("n_inputs", i32),
                    ("n_outputs", i32),
                    ("fee", i64),
                    ("vsize", i32),
                ]
            ),
        ),
        folder / "transactions.parquet",
    )
    pq.write_table(
        table(
            ins,
            pa.schema(
                [
                    ("txid", s),
                    ("block_height", i32),
                    ("position", i32),
                    ("vin", i32),
                    ("prev_txid", s),
                    ("prev_vout", i32),
                    ("address", s),
                    ("value", i64),
                    ("sequence", i64),
                ]
            ),
        ),
        folder / "inputs.parquet",
    )
    pq.write_table(
        table(
            outs,
            pa.schema(
                [
                    ("txid", s),
                    ("block_height", i32),
                    ("position", i32),
                    ("vout", i32),
                    ("address", s),
                    ("value", i64),
                    ("script_type", s),
                    ("spent_by_txid", s),
                    ("spent_by_vin", i32),
                ]
            ),
        ),
        folder / "outputs.parquet",
    )
