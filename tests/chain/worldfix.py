"""Small hand-built chains in the world's Parquet layout (docs/formats/chain.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import coincurve
import pyarrow as pa
import pyarrow.parquet as pq

from darkrange.chain._script import hash160
from darkrange.formats import segwit_encode


def address(label: str) -> str:
    """A real mainnet P2WPKH address of a key derived from `label`."""
    key = coincurve.PrivateKey(hashlib.sha256(label.encode()).digest())
    return segwit_encode("bc", 0, hash160(key.public_key.format()))


def _hash(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


@dataclass
class Spec:
    """A transaction: inputs spend (txid, vout) outputs; outputs pay (address, value)."""

    name: str
    inputs: list[tuple[str, int]] = field(default_factory=list)
    outputs: list[tuple[str | None, int]] = field(default_factory=list)

    @property
    def txid(self) -> str:
        return _hash(f"tx:{self.name}")


def write_world(folder: Path, blocks: list[list[Spec]], script_type: str = "p2wpkh") -> None:
    """Write the four Parquet files; each block gets a coinbase paying a miner address."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, object]]] = {t: [] for t in ("b", "t", "i", "o")}
    outs: dict[tuple[str, int], tuple[str | None, int]] = {}
    prev = "0" * 64
    for height, specs in enumerate(blocks):
        txs = [Spec(f"coinbase{height}", [], [(address(f"miner{height}"), 50 * 10**8)]), *specs]
        block_hash = _hash(f"block:{height}")
        rows["b"].append({"height": height, "hash": block_hash, "prev_hash": prev,
                          "time": 1_700_000_000 + 600 * height, "n_tx": len(txs),
                          "merkle_root": _hash(f"merkle:{height}")})  # fmt: skip
        prev = block_hash
        for pos, tx in enumerate(txs):
            values_in = 0
            for vin, (ptx, pvout) in enumerate(tx.inputs):
                addr, value = outs[(ptx, pvout)]
                values_in += value
                rows["i"].append({"txid": tx.txid, "block_height": height, "position": pos,
                                  "vin": vin, "prev_txid": ptx, "prev_vout": pvout,
                                  "address": addr, "value": value,
                                  "sequence": 0xFFFFFFFD})  # fmt: skip
            if not tx.inputs:
                rows["i"].append({"txid": tx.txid, "block_height": height, "position": pos,
                                  "vin": 0, "prev_txid": None, "prev_vout": None,
                                  "address": None, "value": 0, "sequence": 0xFFFFFFFF})  # fmt: skip
            for vout, (addr, value) in enumerate(tx.outputs):
                outs[(tx.txid, vout)] = (addr, value)
                rows["o"].append({"txid": tx.txid, "block_height": height, "position": pos,
                                  "vout": vout, "address": addr, "value": value,
                                  "script_type": script_type if addr else "op_return",
                                  "spent_by_txid": None, "spent_by_vin": None})  # fmt: skip
            out_value = sum(v for _, v in tx.outputs)
            rows["t"].append({"txid": tx.txid, "block_height": height, "position": pos,
                              "version": 2, "locktime": 0, "is_coinbase": not tx.inputs,
                              "n_inputs": max(1, len(tx.inputs)), "n_outputs": len(tx.outputs),
                              "fee": values_in - out_value if tx.inputs else 0,
                              "vsize": 141})  # fmt: skip
    schemas = {
        "b": [("height", pa.int32()), ("hash", pa.string()), ("prev_hash", pa.string()),
              ("time", pa.int64()), ("n_tx", pa.int32()), ("merkle_root", pa.string())],
        "t": [("txid", pa.string()), ("block_height", pa.int32()), ("position", pa.int32()),
              ("version", pa.int32()), ("locktime", pa.int64()), ("is_coinbase", pa.bool_()),
              ("n_inputs", pa.int32()), ("n_outputs", pa.int32()), ("fee", pa.int64()),
              ("vsize", pa.int32())],
        "i": [("txid", pa.string()), ("block_height", pa.int32()), ("position", pa.int32()),
              ("vin", pa.int32()), ("prev_txid", pa.string()), ("prev_vout", pa.int32()),
              ("address", pa.string()), ("value", pa.int64()), ("sequence", pa.int64())],
        "o": [("txid", pa.string()), ("block_height", pa.int32()), ("position", pa.int32()),
              ("vout", pa.int32()), ("address", pa.string()), ("value", pa.int64()),
              ("script_type", pa.string()), ("spent_by_txid", pa.string()),
              ("spent_by_vin", pa.int32())],
    }  # fmt: skip
    names = {"b": "blocks", "t": "transactions", "i": "inputs", "o": "outputs"}
    for key, schema in schemas.items():
        table = pa.Table.from_pylist(rows[key], schema=pa.schema(schema))
        pq.write_table(table, folder / f"{names[key]}.parquet")
