"""The world's chain in compact in-memory indexes, loaded once when the explorer starts.

Everything is a numpy array in chain order (block height, position in block), so a lookup is a
binary search and a slice: txids and addresses are kept sorted as fixed-width byte strings,
inputs and outputs as flat columns with per-transaction offsets, and each address has its
outputs and its transactions as ranges of CSR arrays. About 400 MB for a million transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from darkrange.errors import FormatError, InputError

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Bytes = npt.NDArray[np.bytes_]

SCRIPT_TYPES = ("p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr", "op_return")
FILES = ("blocks", "transactions", "inputs", "outputs")
# Header fields the layout does not carry; used unless blocks.parquet adds the columns.
DEFAULT_VERSION = 0x20000000
DEFAULT_BITS = 0x1D00FFFF


def _column(table: pa.Table, name: str) -> pa.Array:
    if name not in table.column_names:
        raise FormatError(f"chain: column {name!r} missing")
    return table.column(name).combine_chunks()


def _ints(table: pa.Table, name: str, dtype: type[np.integer[Any]], null: int = -1) -> Any:
    col = _column(table, name)
    if col.null_count:
        col = pc.fill_null(col, null)
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=dtype)


def _fixed(col: pa.Array, width: int) -> Bytes:
    """Strings as one numpy array of fixed-width bytes (NUL-padded, so numpy strips the pad)."""
    col = pc.utf8_rpad(pc.fill_null(col.cast(pa.string()), ""), width=width, padding="\x00")
    if len(col) == 0:
        return np.zeros(0, dtype=f"S{width}")
    offsets = np.frombuffer(
        col.buffers()[1], dtype=np.int32, count=len(col) + 1, offset=col.offset * 4
    )
    if int(offsets[-1] - offsets[0]) != width * len(col):
        raise FormatError(f"chain: strings longer than {width} characters")
    data = np.frombuffer(
        col.buffers()[2], dtype=f"S{width}", count=len(col), offset=int(offsets[0])
    )
    return data.copy()


def _txids(col: pa.Array, what: str) -> Bytes:
    if col.null_count:
        raise FormatError(f"chain: {what} has empty txids")
    lengths = pc.utf8_length(col)
    if len(col) and (
        pc.min(lengths).as_py() != 64
        or pc.max(lengths).as_py() != 64
        or not pc.all(pc.match_substring_regex(col, "^[0-9a-fA-F]{64}$")).as_py()
    ):
        raise FormatError(f"chain: {what} txids must be 64 hex characters")
    return _fixed(col, 64)


COLUMNS = {
    "blocks": None,  # all, so optional header columns (version, bits, nonce) come along
    "transactions": None,
    # txid, address and spent_by are implied by (block_height, position) and the inputs
    "inputs": ["block_height", "position", "prev_txid", "prev_vout", "value", "sequence"],
    "outputs": ["block_height", "position", "address", "value", "script_type"],
}


def _read(folder: Path, name: str) -> pa.Table:
    path = folder / f"{name}.parquet"
    if not path.is_file():
        raise InputError(f"chain folder {folder} has no {name}.parquet")
    try:
        return pq.read_table(path, columns=COLUMNS[name])
    except (OSError, pa.ArrowException) as exc:
        raise FormatError(f"{path}: not a readable Parquet file ({exc})") from None


def _find(sorted_keys: Bytes, perm: I32, keys: Bytes, what: str) -> I32:
    """Rows of `keys` in a sorted key array; every key must be present."""
    pos = np.searchsorted(sorted_keys, keys)
    pos = np.minimum(pos, len(sorted_keys) - 1)
    if len(keys) and (len(sorted_keys) == 0 or not np.array_equal(sorted_keys[pos], keys)):
        raise FormatError(f"chain: {what} refers to a transaction not in the chain")
    return perm[pos].astype(np.int32)


@dataclass
class Blocks:
    hashes: Bytes  # by height
    sorted_hashes: Bytes
    sorted_heights: I32
    prev: Bytes
    merkle: Bytes
    time: I64
    latest_time: I64  # running maximum of time: the tip at a moment is a binary search
    median_time: I64
    n_tx: I32
    first_tx: I64  # row of the block's first transaction; len = blocks + 1
    size: I64
    weight: I64
    version: I64
    bits: I64
    nonce: I64


def _median_time(times: I64) -> I64:
    """Median time past: the median of the block's time and its ten predecessors' (BIP-113)."""
    out = np.empty_like(times)
    for h in range(min(10, len(times))):
        out[h] = int(np.median(times[: h + 1]))
    if len(times) > 10:
        windows = np.lib.stride_tricks.sliding_window_view(times, 11)
        out[10:] = np.median(windows, axis=1).astype(np.int64)
    return out


class ChainIndex:
    """The chain of one world, indexed for the Esplora API."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._load_transactions(_read(folder, "transactions"))
        self._load_outputs(_read(folder, "outputs"))
        self._load_inputs(_read(folder, "inputs"))
        self._load_blocks(_read(folder, "blocks"))
        self._index_addresses()

    # -- loading -------------------------------------------------------------------------------

    def _load_transactions(self, t: pa.Table) -> None:
        self.tx_height: I32 = _ints(t, "block_height", np.int32)
        self.tx_position: I32 = _ints(t, "position", np.int32)
        key = self.tx_height.astype(np.int64) << 32 | self.tx_position.astype(np.int64)
        if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):
            raise FormatError("chain: transactions.parquet is not sorted by block_height, position")
        self.tx_key: I64 = key
        ids = _txids(_column(t, "txid"), "transactions.parquet")
        perm = np.argsort(ids, kind="stable").astype(np.int32)
        self.tx_sorted: Bytes = ids[perm]
        self.tx_perm: I32 = perm
        self.tx_rank: I32 = np.empty_like(perm)
        self.tx_rank[perm] = np.arange(len(perm), dtype=np.int32)
        if len(ids) > 1 and bool(np.any(self.tx_sorted[1:] == self.tx_sorted[:-1])):
            raise FormatError("chain: duplicate txid in transactions.parquet")
        self.tx_version: I64 = _ints(t, "version", np.int64)
        self.tx_locktime: I64 = _ints(t, "locktime", np.int64)
        self.tx_coinbase = np.asarray(
            _column(t, "is_coinbase").to_numpy(zero_copy_only=False), bool
        )
        self.tx_fee: I64 = _ints(t, "fee", np.int64)
        self.tx_vsize: I64 = _ints(t, "vsize", np.int64)
        n_in = _ints(t, "n_inputs", np.int64)
        n_out = _ints(t, "n_outputs", np.int64)
        self.tx_in_start: I64 = np.concatenate(([0], np.cumsum(n_in))).astype(np.int64)
        self.tx_out_start: I64 = np.concatenate(([0], np.cumsum(n_out))).astype(np.int64)

    def _rows_of(self, table: pa.Table, starts: I64, what: str) -> I32:
        """Transaction row of every input or output row; checks both files agree on the order."""
        counts = np.diff(starts)
        if int(starts[-1]) != table.num_rows:
            raise FormatError(
                f"chain: {what} has {table.num_rows} rows, transactions say {starts[-1]}"
            )
        rows = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        key = _ints(table, "block_height", np.int64) << 32 | _ints(table, "position", np.int64)
        if not np.array_equal(key, self.tx_key[rows]):
            raise FormatError(f"chain: {what} is not in the order of transactions.parquet")
        return rows

    def _load_outputs(self, o: pa.Table) -> None:
        self.out_tx = self._rows_of(o, self.tx_out_start, "outputs.parquet")
        self.out_value: I64 = _ints(o, "value", np.int64)
        types = pc.index_in(_column(o, "script_type"), pa.array(SCRIPT_TYPES))
        if types.null_count:
            raise FormatError("chain: unknown script_type in outputs.parquet")
        self.out_type = np.asarray(types.to_numpy(zero_copy_only=False), dtype=np.int8)
        address = _column(o, "address")
        width = max(1, pc.max(pc.utf8_length(address)).as_py() or 1)
        # Arrow's hash dictionary finds the distinct addresses; only those get sorted
        encoded = pc.dictionary_encode(pc.fill_null(address.cast(pa.string()), ""))
        uniq = _fixed(encoded.dictionary, width)
        order = np.argsort(uniq, kind="stable")
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        uniq = uniq[order]
        inverse = rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False))]
        if len(uniq) and uniq[0] == b"":  # OP_RETURN outputs have no address
            uniq, inverse = uniq[1:], inverse - 1
        self.addresses: Bytes = uniq
        self.out_addr: I32 = inverse.astype(np.int32).reshape(-1)
        self.out_spent_tx: I32 = np.full(len(self.out_value), -1, dtype=np.int32)
        self.out_spent_vin: I32 = np.full(len(self.out_value), -1, dtype=np.int32)

    def _load_inputs(self, i: pa.Table) -> None:
        self.in_tx = self._rows_of(i, self.tx_in_start, "inputs.parquet")
        prev = _column(i, "prev_txid")
        has_prev = np.asarray(pc.is_valid(prev).to_numpy(zero_copy_only=False), dtype=bool)
        prev_tx = np.full(len(has_prev), -1, dtype=np.int32)
        prev_tx[has_prev] = _find(
            self.tx_sorted, self.tx_perm, _fixed(prev.filter(pc.is_valid(prev)), 64), "an input"
        )
        self.in_prev_tx: I32 = prev_tx
        self.in_prev_vout: I32 = _ints(i, "prev_vout", np.int32)
        self.in_value: I64 = _ints(i, "value", np.int64, 0)
        self.in_sequence: I64 = _ints(i, "sequence", np.int64)
        spent = np.flatnonzero(has_prev)
        outs = self.tx_out_start[prev_tx[spent]] + self.in_prev_vout[spent]
        if len(outs) and (
            np.any(self.in_prev_vout[spent] < 0)
            or np.any(outs >= self.tx_out_start[prev_tx[spent] + 1])
        ):
            raise FormatError("chain: an input spends an output index its transaction lacks")
        self.in_addr: I32 = np.full(len(has_prev), -1, dtype=np.int32)
        self.in_addr[spent] = self.out_addr[outs]
        self.out_spent_tx[outs] = self.in_tx[spent]
        self.out_spent_vin[outs] = (spent - self.tx_in_start[self.in_tx[spent]]).astype(np.int32)

    def _load_blocks(self, b: pa.Table) -> None:
        heights = _ints(b, "height", np.int64)
        if not np.array_equal(heights, np.arange(len(heights))):
            raise FormatError("chain: blocks.parquet heights must run 0, 1, 2, ... in order")
        n_tx = _ints(b, "n_tx", np.int32)
        first = np.concatenate(([0], np.cumsum(n_tx))).astype(np.int64)
        if int(first[-1]) != len(self.tx_height) or not np.array_equal(
            np.repeat(np.arange(len(n_tx), dtype=np.int32), n_tx), self.tx_height
        ):
            raise FormatError("chain: blocks.parquet n_tx does not match transactions.parquet")
        hashes = _txids(_column(b, "hash"), "blocks.parquet")
        perm = np.argsort(hashes, kind="stable").astype(np.int32)
        sizes, weights = self._block_sizes(first)
        times = _ints(b, "time", np.int64)
        names = b.column_names
        self.blocks = Blocks(
            hashes=hashes,
            sorted_hashes=hashes[perm],
            sorted_heights=perm,
            prev=_fixed(_column(b, "prev_hash"), 64),
            merkle=_fixed(_column(b, "merkle_root"), 64),
            time=times,
            latest_time=np.maximum.accumulate(times) if len(times) else times,
            median_time=_median_time(times),
            n_tx=n_tx,
            first_tx=first,
            size=sizes,
            weight=weights,
            version=_ints(b, "version", np.int64)
            if "version" in names
            else np.full(len(n_tx), DEFAULT_VERSION, dtype=np.int64),
            bits=_ints(b, "bits", np.int64)
            if "bits" in names
            else np.full(len(n_tx), DEFAULT_BITS, dtype=np.int64),
            nonce=_ints(b, "nonce", np.int64)
            if "nonce" in names
            else np.zeros(len(n_tx), dtype=np.int64),
        )

    def _block_sizes(self, first: I64) -> tuple[I64, I64]:
        n_blocks = len(first) - 1
        block_of_tx = np.repeat(np.arange(n_blocks), np.diff(first))
        self.tx_size, self.tx_weight = self.tx_sizes()
        tx_size, tx_weight = self.tx_size, self.tx_weight
        varint = np.where(np.diff(first) < 0xFD, 1, 3)
        size = 80 + varint + np.bincount(block_of_tx, tx_size, minlength=n_blocks).astype(np.int64)
        weight = 4 * (80 + varint) + np.bincount(block_of_tx, tx_weight, minlength=n_blocks)
        return size.astype(np.int64), weight.astype(np.int64)

    def tx_sizes(self) -> tuple[I64, I64]:
        """Serialised size and weight of every transaction.

        The layout keeps vsize, not witnesses: weight is 4 x vsize (so fee rates come out as the
        simulation meant them) and size is the non-witness size plus the witness bytes that
        weight implies.
        """
        n_in = np.diff(self.tx_in_start)
        spk = np.array([25, 23, 22, 34, 34, 1], dtype=np.int64)[self.out_type]
        out_bytes = np.bincount(self.out_tx, 8 + 1 + spk, minlength=len(n_in)).astype(np.int64)
        stripped = 4 + 1 + 41 * n_in + 1 + out_bytes + 4
        weight = 4 * self.tx_vsize
        size = np.maximum(stripped, weight - 3 * stripped)
        return size, weight

    def _index_addresses(self) -> None:
        n_tx = len(self.tx_height)
        order = np.argsort(self.out_addr, kind="stable")
        order = order[self.out_addr[order] >= 0]
        self.addr_outputs: I64 = order.astype(np.int64)
        self.addr_out_ptr: I64 = np.searchsorted(
            self.out_addr[order], np.arange(len(self.addresses) + 1)
        ).astype(np.int64)
        # prefix sums of the values paid, so an address's received total at any tip is O(1)
        self.addr_out_sum: I64 = np.concatenate(([0], np.cumsum(self.out_value[order]))).astype(
            np.int64
        )
        keys = np.concatenate(
            (
                self.out_addr.astype(np.int64) * n_tx + self.out_tx,
                self.in_addr.astype(np.int64) * n_tx + self.in_tx,
            )
        )
        keys = np.sort(keys[keys >= 0])
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]  # sort+diff: no hashing
        self.addr_txs: I32 = (keys % max(n_tx, 1)).astype(np.int32)
        self.addr_tx_ptr: I64 = np.searchsorted(
            keys // max(n_tx, 1), np.arange(len(self.addresses) + 1)
        ).astype(np.int64)

    # -- lookups -------------------------------------------------------------------------------

    @property
    def tip_height(self) -> int:
        """The last block of the whole chain (-1 for an empty one)."""
        return len(self.blocks.hashes) - 1

    def tip_at(self, moment: int) -> int:
        """The last block mined by `moment` (Unix s): blocks up to the first one dated later.

        Genesis always counts (a chain is never empty once it exists), so -1 only for no blocks.
        """
        if not len(self.blocks.hashes):
            return -1
        return max(0, int(np.searchsorted(self.blocks.latest_time, moment, side="right")) - 1)

    def txs_until(self, height: int) -> int:
        """How many transactions the blocks up to `height` hold: rows below it are mined."""
        return int(self.blocks.first_tx[height + 1]) if height >= 0 else 0

    def tx_row(self, txid: str) -> int | None:
        """Row of a txid (64 lowercase hex) or None."""
        key = txid.encode("ascii")
        pos = int(np.searchsorted(self.tx_sorted, key))
        if pos < len(self.tx_sorted) and self.tx_sorted[pos] == key:
            return int(self.tx_perm[pos])
        return None

    def txid(self, row: int) -> str:
        return self.tx_sorted[self.tx_rank[row]].decode("ascii")  # type: ignore[no-any-return]

    def block_height(self, block_hash: str) -> int | None:
        key = block_hash.encode("ascii")
        blocks = self.blocks
        pos = int(np.searchsorted(blocks.sorted_hashes, key))
        if pos < len(blocks.sorted_hashes) and blocks.sorted_hashes[pos] == key:
            return int(blocks.sorted_heights[pos])
        return None

    def address_id(self, address: str) -> int | None:
        key = address.encode("ascii")
        pos = int(np.searchsorted(self.addresses, key))
        if pos < len(self.addresses) and self.addresses[pos] == key:
            return pos
        return None

    def address(self, addr_id: int) -> str:
        return self.addresses[addr_id].decode("ascii")  # type: ignore[no-any-return]

    def address_txs(self, addr_id: int, mined: int | None = None) -> I32:
        """Rows of the transactions touching an address, oldest first; only rows < `mined`."""
        rows = self.addr_txs[self.addr_tx_ptr[addr_id] : self.addr_tx_ptr[addr_id + 1]]
        if mined is not None and len(rows) and rows[-1] >= mined:
            rows = rows[: int(np.searchsorted(rows, mined))]
        return rows

    def address_outputs(self, addr_id: int, mined: int | None = None) -> I64:
        """Output indexes paying an address, oldest first; only those of rows < `mined`."""
        outs = self.addr_outputs[self.addr_out_ptr[addr_id] : self.addr_out_ptr[addr_id + 1]]
        if mined is not None and len(outs) and outs[-1] >= self.tx_out_start[mined]:
            outs = outs[: int(np.searchsorted(outs, self.tx_out_start[mined]))]
        return outs

    def address_received(self, addr_id: int, count: int) -> int:
        """Sum of the first `count` outputs paying an address (its CSR prefix sum)."""
        start = int(self.addr_out_ptr[addr_id])
        return int(self.addr_out_sum[start + count] - self.addr_out_sum[start])


def load_chain(folder: Path) -> ChainIndex:
    """Load a world's chain folder (docs/formats/chain.md); InputError/FormatError when unusable."""
    if not folder.is_dir():
        raise InputError(f"chain folder {folder} does not exist")
    return ChainIndex(folder)
