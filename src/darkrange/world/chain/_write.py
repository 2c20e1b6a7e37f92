"""The four Parquet files of docs/formats/chain.md, written from the finalised columns.

Rows are already in chain order; columns are built with numpy and pyarrow's `take`, so writing a
million transactions costs seconds, not minutes. Files appear atomically (written beside, then
renamed), and the same chain always gives the same bytes: fixed schema, fixed compression, no
pandas metadata.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from darkrange.world.chain._finalise import BITS, BLOCK_VERSION, Finaliser
from darkrange.world.chain._tx import TYPE_NAMES

FILES = ("blocks", "transactions", "inputs", "outputs")
ROW_GROUP = 1 << 20
I64 = npt.NDArray[np.int64]
# Identifiers are random: a dictionary page or min/max statistics only cost time for them.
_PLAIN = ["txid", "hash", "prev_hash", "merkle_root", "prev_txid", "spent_by_txid"]


def warm_up() -> None:
    """Make pyarrow load what it loads lazily on its first array (pandas, among others)."""
    pa.array(np.zeros(1, dtype=np.int64))


def _hex(raw: list[bytes]) -> pa.Array:
    return pa.array([r[::-1].hex() for r in raw], type=pa.string())


def _write(path: Path, n_rows: int, columns: Callable[[slice], dict[str, pa.Array]]) -> None:
    """Write a row group at a time, each built just before it is written: the whole of a
    large file's string columns never sits in memory at once."""
    tmp = path.with_name(path.name + ".partial")
    writer: pq.ParquetWriter | None = None
    for start in range(0, max(n_rows, 1), ROW_GROUP):
        table = pa.table(columns(slice(start, min(n_rows, start + ROW_GROUP))))
        if writer is None:
            other = [c for c in table.column_names if c not in _PLAIN]
            writer = pq.ParquetWriter(
                tmp,
                table.schema,
                compression="zstd",
                compression_level=3,
                use_dictionary=other,
                write_statistics=other,
            )
        writer.write_table(table, row_group_size=ROW_GROUP)
    assert writer is not None
    writer.close()
    os.replace(tmp, path)


class _Columns:
    """The finaliser's chunks joined into whole columns, and the index columns they imply."""

    def __init__(self, fin: Finaliser) -> None:
        self.fin = fin
        self.tx = {name: np.concatenate(chunks) for name, chunks in fin.tx.items()}
        self.in_prev: I64 = np.concatenate(fin.in_prev)
        self.out_addr: I64 = np.concatenate(fin.out_addr).astype(np.int64)
        self.out_value: I64 = np.concatenate(fin.out_value)
        self.first_in: I64 = self.tx["first_in"]
        self.first_out: I64 = self.tx["first_out"]
        self.height = self.tx["height"]
        n_tx = len(self.height)
        self.n_inputs = np.diff(np.append(self.first_in, len(self.in_prev)))
        self.n_outputs = np.diff(np.append(self.first_out, len(self.out_value)))
        self.in_tx: I64 = np.repeat(np.arange(n_tx, dtype=np.int64), self.n_inputs)
        self.out_tx: I64 = np.repeat(np.arange(n_tx, dtype=np.int64), self.n_outputs)
        block_first = np.searchsorted(self.height, np.arange(len(fin.blocks.hash)), side="left")
        self.position = (np.arange(n_tx) - block_first[self.height]).astype(np.int32)
        self.txids = pa.array(fin.txid_hex, type=pa.string())
        self.addresses = pa.array(fin.book.strings, type=pa.string())

    def tx_columns(self, tx: I64) -> dict[str, pa.Array]:
        return {
            "txid": pc.take(self.txids, pa.array(tx)),
            "block_height": pa.array(self.height[tx]),
            "position": pa.array(self.position[tx]),
        }


def _masked(values: npt.NDArray[np.generic], mask: npt.NDArray[np.bool_]) -> pa.Array:
    return pa.array(values, mask=mask)


def write_chain(out_dir: Path, fin: Finaliser) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    blocks = fin.blocks
    n_blocks = len(blocks.hash)
    block_columns = {
        "height": pa.array(np.arange(n_blocks, dtype=np.int32)),
        "hash": _hex(blocks.hash),
        "prev_hash": _hex([b"\x00" * 32, *blocks.hash[:-1]]),
        "time": pa.array(blocks.time, type=pa.int64()),
        "n_tx": pa.array(blocks.n_tx, type=pa.int32()),
        "merkle_root": _hex(blocks.merkle_root),
        "version": pa.array(np.full(n_blocks, BLOCK_VERSION, dtype=np.int32)),
        "bits": pa.array(np.full(n_blocks, BITS, dtype=np.int64)),
        "nonce": pa.array(blocks.nonce, type=pa.int64()),
    }
    _write(
        out_dir / "blocks.parquet", n_blocks, lambda s: {k: v[s] for k, v in block_columns.items()}
    )
    c = _Columns(fin)
    # Two threads: pyarrow lets go of the GIL while it encodes and compresses.
    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(_write_outputs, out_dir, c), pool.submit(_write_txs_inputs, out_dir, c)]
        for job in jobs:
            job.result()


def _write_txs_inputs(out_dir: Path, c: _Columns) -> None:
    tx = c.tx
    is_coinbase = c.in_prev[c.first_in] < 0
    n_inputs = c.n_inputs.astype(np.int32)
    n_outputs = c.n_outputs.astype(np.int32)
    _write(
        out_dir / "transactions.parquet",
        len(c.height),
        lambda s: {
            "txid": c.txids[s],
            "block_height": pa.array(c.height[s]),
            "position": pa.array(c.position[s]),
            "version": pa.array(tx["version"][s]),
            "locktime": pa.array(tx["locktime"][s]),
            "is_coinbase": pa.array(is_coinbase[s]),
            "n_inputs": pa.array(n_inputs[s]),
            "n_outputs": pa.array(n_outputs[s]),
            "fee": pa.array(tx["fee"][s]),
            "vsize": pa.array(tx["vsize"][s]),
        },
    )
    _write_inputs(out_dir, c)


def _write_inputs(out_dir: Path, c: _Columns) -> None:
    coinbase = c.in_prev < 0
    prev = np.where(coinbase, 0, c.in_prev)
    prev_tx = c.out_tx[prev]
    vin = (np.arange(len(prev)) - c.first_in[c.in_tx]).astype(np.int32)
    prev_vout = (prev - c.first_out[prev_tx]).astype(np.int32)
    prev_addr = c.out_addr[prev]
    value = np.where(coinbase, 0, c.out_value[prev])
    sequence = c.tx["sequence"][c.in_tx]
    sigs = np.zeros(len(prev), dtype=np.int64)
    sig_text = [""]
    for i, (v, sig) in enumerate(sorted(c.fin.coinbase_sig.items()), 1):
        sigs[v] = i
        sig_text.append(sig.hex())
    sig_array = pa.array(sig_text, type=pa.string())

    def columns(s: slice) -> dict[str, pa.Array]:
        out = c.tx_columns(c.in_tx[s])
        out["vin"] = pa.array(vin[s])
        out["prev_txid"] = pc.take(c.txids, _masked(prev_tx[s], coinbase[s]))
        out["prev_vout"] = _masked(prev_vout[s], coinbase[s])
        out["address"] = pc.take(c.addresses, _masked(prev_addr[s], coinbase[s]))
        out["value"] = pa.array(value[s])
        out["sequence"] = pa.array(sequence[s])
        out["script_sig"] = pc.take(sig_array, pa.array(sigs[s]))
        return out

    _write(out_dir / "inputs.parquet", len(prev), columns)


def _write_outputs(out_dir: Path, c: _Columns) -> None:
    fin = c.fin
    null_data = c.out_addr < 0
    safe_addr = np.where(null_data, 0, c.out_addr)
    addr_type = np.frombuffer(fin.book.types, dtype=np.int8).astype(np.int64)
    type_code = np.where(null_data, TYPE_NAMES.index("op_return"), addr_type[safe_addr])
    op_returns = sorted(fin.op_return.items())
    script_index = safe_addr.copy()
    n_scripts = len(fin.book.script_hex)
    for k, (o, _) in enumerate(op_returns):
        script_index[o] = n_scripts + k
    scripts = pa.chunked_array(
        [
            pa.array(fin.book.script_hex, type=pa.string()),
            pa.array([s[1:].hex() for _, s in op_returns], type=pa.string()),
        ]
    ).combine_chunks()
    type_names = pa.array(TYPE_NAMES, type=pa.string())
    spent = np.full(len(c.out_value), -1, dtype=np.int64)
    spending = np.flatnonzero(c.in_prev >= 0)
    spent[c.in_prev[spending]] = spending
    unspent = spent < 0
    spender_tx = c.in_tx[np.where(unspent, 0, spent)]
    vout = (np.arange(len(c.out_tx)) - c.first_out[c.out_tx]).astype(np.int32)
    spent_vin = (np.where(unspent, 0, spent) - c.first_in[spender_tx]).astype(np.int32)

    def columns(s: slice) -> dict[str, pa.Array]:
        out = c.tx_columns(c.out_tx[s])
        out["vout"] = pa.array(vout[s])
        out["address"] = pc.take(c.addresses, _masked(safe_addr[s], null_data[s]))
        out["value"] = pa.array(c.out_value[s])
        out["script_type"] = pc.take(type_names, pa.array(type_code[s]))
        out["spent_by_txid"] = pc.take(c.txids, _masked(spender_tx[s], unspent[s]))
        out["spent_by_vin"] = _masked(spent_vin[s], unspent[s])
        out["script_pubkey"] = pc.take(scripts, pa.array(script_index[s]))
        return out

    _write(out_dir / "outputs.parquet", len(c.out_tx), columns)
