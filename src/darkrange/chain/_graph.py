"""The transaction graph in memory: integer ids and flat numpy arrays, for tracing and paths.

Transactions are numbered in txid order, outputs in (transaction, vout) order and addresses in
address order, so every id is deterministic for a given store. Each output knows the
transaction that spends it (the outspend index a tracer follows forward) and each input the
output it spends (followed backward), both resolved once at load time: a 5-hop trace is then a
few array look-ups per hop, not a query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from darkrange.chain._coinjoin import COINJOIN_SQL
from darkrange.chain._store import ChainStore, fetch_arrow
from darkrange.errors import InputError, StateError

Progress = Callable[[int, int], None]
IntArray = npt.NDArray[Any]  # flat arrays of integers (or booleans); -1 means none


def bisect_string(sorted_array: pa.Array, value: str) -> int:
    """Index of `value` in a sorted Arrow string array, or -1."""
    lo, hi = 0, len(sorted_array)
    while lo < hi:
        mid = (lo + hi) // 2
        here = sorted_array[mid].as_py()
        if here < value:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(sorted_array) and sorted_array[lo].as_py() == value:
        return lo
    return -1


def csr(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """(pointers, order): rows with key k are order[pointers[k]:pointers[k+1]]."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n) if len(keys) else np.zeros(n, dtype=np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, order


@dataclass
class TxGraph:
    """Flat arrays over the store; -1 means 'none' (no address, unspent, outside the store)."""

    txids: pa.Array  # sorted; a transaction's id is its index here
    tx_height: IntArray
    tx_time: IntArray  # Unix seconds of the block
    tx_locktime: IntArray
    tx_version: IntArray
    tx_out_ptr: IntArray  # outputs of tx t: rows tx_out_ptr[t] .. tx_out_ptr[t+1]
    tx_in_ptr: IntArray
    out_value: IntArray
    out_addr: IntArray
    out_type: pa.Array  # script type per output
    out_spender: IntArray  # transaction spending the output
    out_spender_vin: IntArray
    in_prev: IntArray  # output row an input spends (-1: not in the store, or coinbase)
    in_value: IntArray  # -1 when unknown
    in_addr: IntArray
    in_sequence: IntArray
    in_multisig: IntArray  # bool
    tx_coinjoin: IntArray  # bool: a CoinJoin shape (see _coinjoin)
    addresses: pa.Array  # sorted
    addr_out_ptr: IntArray  # outputs paying address a: addr_out[addr_out_ptr[a]:...]
    addr_out: IntArray
    out_txs: IntArray = field(init=False)  # the transaction holding each output row

    def __post_init__(self) -> None:
        counts = np.diff(self.tx_out_ptr)
        self.out_txs = np.repeat(np.arange(len(counts), dtype=np.int64), counts)

    # -- sizes and look-ups ----------------------------------------------------------------

    @property
    def n_tx(self) -> int:
        return len(self.txids)

    def tx_index(self, txid: str) -> int:
        i = bisect_string(self.txids, txid.lower())
        if i < 0:
            raise InputError(f"transaction {txid} is not in the store")
        return i

    def address_index(self, address: str) -> int:
        i = bisect_string(self.addresses, address)
        if i < 0 and address.lower().startswith(("bc1", "tb1", "bcrt1")):
            i = bisect_string(self.addresses, address.lower())  # bech32 is matched lower case
        if i < 0:
            raise InputError(f"address {address} is not in the store")
        return i

    def txid(self, t: int) -> str:
        return str(self.txids[t].as_py())

    def address(self, a: int) -> str | None:
        return None if a < 0 else str(self.addresses[a].as_py())

    def out_tx(self, row: int) -> int:
        """The transaction holding output `row`."""
        return int(self.out_txs[row])

    def vout(self, row: int) -> int:
        return row - int(self.tx_out_ptr[self.out_tx(row)])

    def outputs(self, t: int) -> range:
        return range(int(self.tx_out_ptr[t]), int(self.tx_out_ptr[t + 1]))

    def inputs(self, t: int) -> range:
        return range(int(self.tx_in_ptr[t]), int(self.tx_in_ptr[t + 1]))

    def outputs_to(self, a: int) -> IntArray:
        return self.addr_out[self.addr_out_ptr[a] : self.addr_out_ptr[a + 1]]

    def time_text(self, t: int) -> str:
        return datetime.fromtimestamp(int(self.tx_time[t]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_TX_SQL = """
CREATE TEMP TABLE gtx AS
SELECT t.txid, (row_number() OVER (ORDER BY t.txid) - 1)::BIGINT AS i,
       coalesce(t.block_height, -1) AS height, coalesce(b.time, 0) AS time,
       coalesce(t.locktime, 0) AS locktime, coalesce(t.version, 1) AS version,
       t.n_outputs, t.n_inputs
FROM transactions t LEFT JOIN blocks b ON b.hash = t.block_hash
"""
_ADDR_SQL = """
CREATE TEMP TABLE gaddr AS
SELECT address, (row_number() OVER (ORDER BY address) - 1)::BIGINT AS a
FROM (SELECT address FROM outputs WHERE address IS NOT NULL
      UNION SELECT address FROM inputs_resolved WHERE address IS NOT NULL)
"""
_OUT_SQL = """
SELECT g.i AS tx, o.vout, o.value, coalesce(ga.a, -1) AS addr, o.script_type
FROM outputs o JOIN gtx g USING (txid) LEFT JOIN gaddr ga USING (address)
ORDER BY tx, vout
"""
_IN_SQL = """
SELECT g.i AS tx, r.vin, coalesce(p.i, -1) AS prev_tx, coalesce(r.prev_vout, -1) AS prev_vout,
       coalesce(r.value, -1) AS value, coalesce(ga.a, -1) AS addr,
       coalesce(r.sequence, 0) AS sequence, coalesce(r.multisig, false) AS multisig
FROM inputs_resolved r JOIN gtx g USING (txid)
LEFT JOIN gtx p ON p.txid = r.prev_txid
LEFT JOIN gaddr ga ON ga.address = r.address
ORDER BY tx, vin
"""


def _ptr(tx: IntArray, n: int) -> IntArray:
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tx, minlength=n), out=ptr[1:])
    return ptr


def load_graph(store: ChainStore, progress: Progress | None = None) -> TxGraph:
    """Read the whole store into a TxGraph (about 100 bytes a transaction output)."""
    if not store.parts:
        raise StateError(f"store {store.root} is empty: ingest something first")
    con = store.connect()
    try:
        con.execute(_TX_SQL)
        con.execute(_ADDR_SQL)
        txs = fetch_arrow(con, "SELECT * FROM gtx ORDER BY i")
        addresses = fetch_arrow(con, "SELECT address FROM gaddr ORDER BY a").column(0)
        if progress:
            progress(1, 3)
        out_table = fetch_arrow(con, _OUT_SQL)
        outs = {c: out_table.column(c).to_numpy() for c in ("tx", "value", "addr")}
        if progress:
            progress(2, 3)
        ins = con.execute(_IN_SQL).fetchnumpy()
        con.execute("CREATE TEMP TABLE gir AS SELECT * FROM inputs_resolved")
        joins = con.execute(
            f"SELECT g.i FROM ({COINJOIN_SQL.format(inputs='gir', outputs='outputs')}) c "
            "JOIN gtx g USING (txid)"
        ).fetchnumpy()
    finally:
        con.close()
    n = txs.num_rows
    out_tx = np.asarray(outs["tx"], dtype=np.int64)
    tx_out_ptr = _ptr(out_tx, n)
    in_tx = np.asarray(ins["tx"], dtype=np.int64)
    prev_tx = np.asarray(ins["prev_tx"], dtype=np.int64)
    prev_vout = np.asarray(ins["prev_vout"], dtype=np.int64)
    n_out = np.diff(tx_out_ptr)
    ok = (prev_tx >= 0) & (prev_vout >= 0)
    ok[ok] &= prev_vout[ok] < n_out[prev_tx[ok]]
    in_prev = np.full(len(in_tx), -1, dtype=np.int64)
    in_prev[ok] = tx_out_ptr[prev_tx[ok]] + prev_vout[ok]
    out_spender = np.full(len(out_tx), -1, dtype=np.int64)
    out_spender_vin = np.full(len(out_tx), -1, dtype=np.int64)
    out_spender[in_prev[ok]] = in_tx[ok]
    out_spender_vin[in_prev[ok]] = np.asarray(ins["vin"], dtype=np.int64)[ok]
    out_addr = np.asarray(outs["addr"], dtype=np.int64)
    has_addr = np.flatnonzero(out_addr >= 0)
    ptr, order = csr(out_addr[has_addr], len(addresses))
    coinjoin = np.zeros(n, dtype=bool)
    coinjoin[np.asarray(joins["i"], dtype=np.int64)] = True
    if progress:
        progress(3, 3)
    return TxGraph(
        txids=txs.column("txid").combine_chunks(),
        tx_height=txs.column("height").to_numpy(),
        tx_time=txs.column("time").to_numpy(),
        tx_locktime=txs.column("locktime").to_numpy(),
        tx_version=txs.column("version").to_numpy(),
        tx_out_ptr=tx_out_ptr,
        tx_in_ptr=_ptr(in_tx, n),
        out_value=np.asarray(outs["value"], dtype=np.int64),
        out_addr=out_addr,
        out_type=out_table.column("script_type").combine_chunks(),
        out_spender=out_spender,
        out_spender_vin=out_spender_vin,
        in_prev=in_prev,
        in_value=np.asarray(ins["value"], dtype=np.int64),
        in_addr=np.asarray(ins["addr"], dtype=np.int64),
        in_sequence=np.asarray(ins["sequence"], dtype=np.int64),
        in_multisig=np.asarray(ins["multisig"], dtype=bool),
        tx_coinjoin=coinjoin,
        addresses=addresses.combine_chunks(),
        addr_out_ptr=ptr,
        addr_out=has_addr[order],
    )
