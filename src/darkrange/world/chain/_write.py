"""The four Parquet files of docs/formats/chain.md, written from the ledger's columns.

Rows are already in chain order; columns are built with numpy and pyarrow's `take`, so writing a
million transactions costs seconds, not minutes. Files appear atomically (written beside, then
renamed), and the same ledger always gives the same bytes: fixed schema, fixed compression, no
pandas metadata.
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from darkrange.world.chain._ledger import Ledger
from darkrange.world.chain._tx import TYPE_NAMES

FILES = ("blocks", "transactions", "inputs", "outputs")
I64 = npt.NDArray[np.int64]


@dataclass
class Blocks:
    hash: list[bytes] = field(default_factory=list)  # internal order
    time: list[int] = field(default_factory=list)
    n_tx: list[int] = field(default_factory=list)
    merkle_root: list[bytes] = field(default_factory=list)
    version: list[int] = field(default_factory=list)
    bits: list[int] = field(default_factory=list)
    nonce: list[int] = field(default_factory=list)


def _np(values: array[int]) -> I64:
    """A zero-copy view of a 64-bit integer column."""
    return np.frombuffer(values, dtype=np.int64)


def _hex(raw: list[bytes]) -> pa.Array:
    return pa.array([r[::-1].hex() for r in raw], type=pa.string())


def _write(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".partial")
    pq.write_table(table, tmp, compression="zstd", compression_level=3, row_group_size=1 << 20)
    os.replace(tmp, path)


def write_chain(out_dir: Path, ledger: Ledger, blocks: Blocks) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    prev = [b"\x00" * 32, *blocks.hash[:-1]]
    _write(
        pa.table(
            {
                "height": pa.array(np.arange(len(blocks.hash), dtype=np.int32)),
                "hash": _hex(blocks.hash),
                "prev_hash": _hex(prev),
                "time": pa.array(blocks.time, type=pa.int64()),
                "n_tx": pa.array(blocks.n_tx, type=pa.int32()),
                "merkle_root": _hex(blocks.merkle_root),
                "version": pa.array(blocks.version, type=pa.int32()),
                "bits": pa.array(blocks.bits, type=pa.int64()),
                "nonce": pa.array(blocks.nonce, type=pa.int64()),
            }
        ),
        out_dir / "blocks.parquet",
    )
    txids = _hex(ledger.tx_raw)
    n_tx = len(ledger.tx_raw)
    height = np.frombuffer(ledger.tx_height, dtype=np.int32)
    first_in = _np(ledger.tx_first_in)
    first_out = _np(ledger.tx_first_out)
    in_prev = _np(ledger.in_prev)
    out_tx = np.frombuffer(ledger.out_tx, dtype=np.int32).astype(np.int64)
    n_inputs = np.diff(np.append(first_in, len(in_prev)))
    n_outputs = np.diff(np.append(first_out, len(out_tx)))
    block_first = np.searchsorted(height, np.arange(len(blocks.hash)), side="left")
    position = (np.arange(n_tx) - block_first[height]).astype(np.int32)
    _write(
        pa.table(
            {
                "txid": txids,
                "block_height": pa.array(height),
                "position": pa.array(position),
                "version": pa.array(np.frombuffer(ledger.tx_version, dtype=np.int32)),
                "locktime": pa.array(_np(ledger.tx_locktime)),
                "is_coinbase": pa.array(in_prev[first_in] < 0),
                "n_inputs": pa.array(n_inputs.astype(np.int32)),
                "n_outputs": pa.array(n_outputs.astype(np.int32)),
                "fee": pa.array(_np(ledger.tx_fee)),
                "vsize": pa.array(np.frombuffer(ledger.tx_vsize, dtype=np.int32)),
            }
        ),
        out_dir / "transactions.parquet",
    )
    addresses = pa.array(ledger.addr_str, type=pa.string())
    out_addr = np.frombuffer(ledger.out_addr, dtype=np.int32).astype(np.int64)
    _write_inputs(out_dir, ledger, txids, addresses, height, first_in, first_out, out_tx, out_addr)
    _write_outputs(out_dir, ledger, txids, addresses, height, first_in, first_out, out_tx, out_addr)


def _tx_columns(txids: pa.Array, height: npt.NDArray[np.int32], tx: I64) -> dict[str, pa.Array]:
    block_height = height[tx]
    block_first = np.searchsorted(height, block_height, side="left")
    return {
        "txid": pc.take(txids, pa.array(tx)),
        "block_height": pa.array(block_height),
        "position": pa.array((tx - block_first).astype(np.int32)),
    }


def _write_inputs(
    out_dir: Path,
    ledger: Ledger,
    txids: pa.Array,
    addresses: pa.Array,
    height: npt.NDArray[np.int32],
    first_in: I64,
    first_out: I64,
    out_tx: I64,
    out_addr: I64,
) -> None:
    in_prev = _np(ledger.in_prev)
    n_tx = len(first_in)
    in_tx = np.repeat(np.arange(n_tx, dtype=np.int64), np.diff(np.append(first_in, len(in_prev))))
    coinbase = in_prev < 0
    prev = np.where(coinbase, 0, in_prev)
    prev_tx = out_tx[prev]
    values = _np(ledger.out_value)
    columns = _tx_columns(txids, height, in_tx)
    columns["vin"] = pa.array((np.arange(len(in_prev)) - first_in[in_tx]).astype(np.int32))
    columns["prev_txid"] = pc.take(txids, pa.array(prev_tx, mask=coinbase))
    columns["prev_vout"] = pa.array((prev - first_out[prev_tx]).astype(np.int32), mask=coinbase)
    columns["address"] = pc.take(addresses, pa.array(out_addr[prev], mask=coinbase))
    columns["value"] = pa.array(np.where(coinbase, 0, values[prev]))
    columns["sequence"] = pa.array(_np(ledger.in_seq))
    sigs = np.full(len(in_prev), 0, dtype=np.int64)
    sig_text = [""]
    for i, (vin, sig) in enumerate(sorted(ledger.coinbase_sig.items()), 1):
        sigs[vin] = i
        sig_text.append(sig.hex())
    columns["script_sig"] = pc.take(pa.array(sig_text, type=pa.string()), pa.array(sigs))
    _write(pa.table(columns), out_dir / "inputs.parquet")


def _write_outputs(
    out_dir: Path,
    ledger: Ledger,
    txids: pa.Array,
    addresses: pa.Array,
    height: npt.NDArray[np.int32],
    first_in: I64,
    first_out: I64,
    out_tx: I64,
    out_addr: I64,
) -> None:
    in_prev = _np(ledger.in_prev)
    in_tx = np.repeat(
        np.arange(len(first_in), dtype=np.int64), np.diff(np.append(first_in, len(in_prev)))
    )
    null_data = out_addr < 0
    safe_addr = np.where(null_data, 0, out_addr)
    addr_type = np.frombuffer(ledger.addr_type, dtype=np.int8).astype(np.int64)
    type_code = np.where(null_data, TYPE_NAMES.index("op_return"), addr_type[safe_addr])
    scripts = [s[1:].hex() for s in ledger.addr_script]
    op_returns = sorted(ledger.op_return.items())
    script_index = safe_addr.copy()
    for k, (o, _) in enumerate(op_returns):
        script_index[o] = len(scripts) + k
    scripts += [s[1:].hex() for _, s in op_returns]
    spent = _np(ledger.out_spent)
    unspent = spent < 0
    spender_tx = in_tx[np.where(unspent, 0, spent)]
    columns = _tx_columns(txids, height, out_tx)
    columns["vout"] = pa.array((np.arange(len(out_tx)) - first_out[out_tx]).astype(np.int32))
    columns["address"] = pc.take(addresses, pa.array(safe_addr, mask=null_data))
    columns["value"] = pa.array(_np(ledger.out_value))
    columns["script_type"] = pc.take(pa.array(TYPE_NAMES, type=pa.string()), pa.array(type_code))
    columns["spent_by_txid"] = pc.take(txids, pa.array(spender_tx, mask=unspent))
    spent_vin = np.where(unspent, 0, spent) - first_in[spender_tx]
    columns["spent_by_vin"] = pa.array(spent_vin.astype(np.int32), mask=unspent)
    columns["script_pubkey"] = pc.take(pa.array(scripts, type=pa.string()), pa.array(script_index))
    _write(pa.table(columns), out_dir / "outputs.parquet")
