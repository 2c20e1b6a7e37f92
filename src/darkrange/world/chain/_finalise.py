"""Identifiers for closed blocks: addresses, BIP-69 order, txids, coinbases and block hashes.

The simulation records transactions as integer columns; everything that hashes is a pure
function of them and is done here, a run of closed blocks at a time, so that a large world
does it on the second core while the simulation goes on (`_worker`). A transaction only spends
outputs of earlier ones, so one pass in chain order has every previous txid at hand.
"""

from __future__ import annotations

import hashlib
import struct
from array import array
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from darkrange.world.chain._ledger import TX_BIP69, TX_COLUMNS
from darkrange.world.chain._pool import AddressBook
from darkrange.world.chain._tx import (
    coinbase_script_sig,
    coinbase_txid,
    merkle_root,
    mine_header,
    varint,
    witness_commitment_script,
)

BLOCK_VERSION = 0x20000000
BITS = 0x207FFFFF  # regtest's easiest target: headers are "mined" in a couple of tries
_DTYPES = {
    "height": np.int32,
    "version": np.int32,
    "locktime": np.int64,
    "sequence": np.int64,
    "first_in": np.int64,
    "first_out": np.int64,
    "fee": np.int64,
    "vsize": np.int32,
}
_INPUT_TAIL = np.dtype([("vout", "<u4"), ("script_len", "u1"), ("sequence", "<u4")])
_U32 = struct.Struct("<I")
_sha256 = hashlib.sha256
I64 = npt.NDArray[np.int64]


@dataclass
class Blocks:
    hash: list[bytes] = field(default_factory=list)  # internal order
    time: list[int] = field(default_factory=list)
    n_tx: list[int] = field(default_factory=list)
    merkle_root: list[bytes] = field(default_factory=list)
    nonce: list[int] = field(default_factory=list)


class Finaliser:
    def __init__(self, seed: bytes) -> None:
        self.book = AddressBook(seed)
        self.txids: list[bytes] = []  # internal order
        self.txid_hex: list[str] = []  # display order, as the files show them
        self.blocks = Blocks()
        self.tx: dict[str, list[npt.NDArray[np.generic]]] = {name: [] for name in TX_COLUMNS}
        self.in_prev: list[I64] = []  # in final order: BIP-69 applied, outputs renumbered
        self.out_addr: list[npt.NDArray[np.int32]] = []
        self.out_value: list[I64] = []
        self.out_tx = array("i")
        self.first_out = array("q")
        self.renumber = array("q")  # output index in the ledger -> index in the files
        self.op_return: dict[int, bytes] = {}  # output index -> length-prefixed script
        self.coinbase_sig: dict[int, bytes] = {}  # input index -> coinbase scriptSig

    def feed(self, batch: dict[str, bytes], blocks: list[tuple[int, bytes]]) -> None:
        """The columns of a run of closed blocks (`Ledger.batch`), with each block's time and
        pool tag."""
        cols = {n: np.frombuffer(batch[n], dtype=d) for n, d in _DTYPES.items()}
        self.book.extend(np.frombuffer(batch["addr_type"], dtype=np.int8))
        t0 = len(self.txids)
        n = len(cols["height"])
        first_out = cols["first_out"]
        o0 = len(self.out_tx)
        out_addr = np.frombuffer(batch["out_addr"], dtype=np.int32).copy()
        out_value = np.frombuffer(batch["out_value"], dtype=np.int64).copy()
        n_out = np.diff(np.append(first_out, o0 + len(out_value)))
        self.out_tx.frombytes(np.repeat(np.arange(t0, t0 + n, dtype=np.int32), n_out).tobytes())
        self.first_out.frombytes(first_out.tobytes())
        bip69 = np.flatnonzero(np.frombuffer(batch[TX_BIP69], dtype=np.int8))
        self.renumber.frombytes(self._order_outputs(bip69, first_out, o0, out_addr, out_value))
        renumber = np.frombuffer(self.renumber, dtype=np.int64)
        in_prev = np.frombuffer(batch["in_prev"], dtype=np.int64)
        in_prev = np.where(in_prev < 0, -1, renumber[np.maximum(in_prev, 0)])
        for name in TX_COLUMNS:
            self.tx[name].append(cols[name])
        self.out_addr.append(out_addr)
        self.out_value.append(out_value)
        self.in_prev.append(in_prev)
        _TxidPass(self, cols, in_prev, out_addr, out_value, set(bip69.tolist())).run(blocks)
        self.txid_hex += [t[::-1].hex() for t in self.txids[t0:]]

    def identifiers(self) -> tuple[list[str], bytes]:
        """Every address string and the txids (internal order) joined; after this only what
        the files need is kept, to keep the writing's memory down."""
        txids = b"".join(self.txids)
        self.txids = []
        self.book.release()
        return self.book.strings, txids

    def _order_outputs(
        self,
        bip69: npt.NDArray[np.intp],
        first_out: I64,
        o0: int,
        out_addr: npt.NDArray[np.int32],
        out_value: I64,
    ) -> bytes:
        """BIP-69 output order (value, then script) for the transactions that use it; returns
        where each of the batch's outputs ends up."""
        order = np.arange(o0, o0 + len(out_addr), dtype=np.int64)
        scripts = self.book.scripts
        ends = np.append(first_out[1:], o0 + len(out_addr))
        for t in bip69.tolist():
            lo, hi = int(first_out[t]) - o0, int(ends[t]) - o0
            keys = [(int(out_value[k]), scripts[out_addr[k]][1:], k) for k in range(lo, hi)]
            moved = [k for _, _, k in sorted(keys)]
            out_addr[lo:hi] = out_addr[moved].copy()
            out_value[lo:hi] = out_value[moved].copy()
            order[moved] = np.arange(o0 + lo, o0 + hi)
        return order.tobytes()


class _TxidPass:
    """One batch's txids in chain order, then its coinbases, Merkle roots and headers."""

    def __init__(
        self,
        fin: Finaliser,
        cols: dict[str, npt.NDArray[np.generic]],
        in_prev: I64,
        out_addr: npt.NDArray[np.int32],
        out_value: I64,
        bip69: set[int],
    ) -> None:
        self.fin = fin
        self.cols = cols
        self.in_prev = in_prev
        self.bip69 = bip69
        self.t0 = len(fin.txids)
        self.i0 = int(cols["first_in"][0])
        self.o0 = len(fin.out_tx) - len(out_addr)
        first_out = np.frombuffer(fin.first_out, dtype=np.int64)
        out_tx = np.frombuffer(fin.out_tx, dtype=np.int32)
        safe = np.maximum(in_prev, 0)
        self.prev_tx: list[int] = out_tx[safe].tolist()
        self.prev_vout: list[int] = (safe - first_out[out_tx[safe]]).tolist()
        self.out_addr = out_addr
        self.out_value = out_value

    def _tails(self) -> tuple[bytearray, list[bytes]]:
        """Per input: vout, an empty scriptSig and nSequence; per transaction: its outputs
        and locktime, serialised."""
        cols = self.cols
        first_in = cols["first_in"] - self.i0
        n_in = np.diff(np.append(first_in, len(self.in_prev)))
        tail = np.zeros(len(self.in_prev), dtype=_INPUT_TAIL)
        tail["vout"] = np.array(self.prev_vout, dtype=np.int64).astype(np.uint32)
        tail["sequence"] = np.repeat(cols["sequence"], n_in).astype(np.uint32)
        scripts = self.fin.book.scripts
        values = self.out_value.astype("<i8").tobytes()
        pieces: list[bytes] = [b""] * (2 * len(self.out_addr))
        pieces[0::2] = [values[k : k + 8] for k in range(0, len(values), 8)]
        # A coinbase's OP_RETURN (-1) gets a wrong script here; `_close_block` serialises it.
        pieces[1::2] = [scripts[a] for a in self.out_addr.tolist()]
        first_out = [*(cols["first_out"] - self.o0).tolist(), len(self.out_addr)]
        locktime = cols["locktime"].tolist()
        outs = [
            b"".join((varint(hi - lo), *pieces[2 * lo : 2 * hi], _U32.pack(lock & 0xFFFFFFFF)))
            for lo, hi, lock in zip(first_out[:-1], first_out[1:], locktime, strict=True)
        ]
        return bytearray(tail.tobytes()), outs

    def run(self, blocks: list[tuple[int, bytes]]) -> None:
        """Block by block: the txids of its transactions, then its coinbase (whose commitment
        covers them) and header; a coinbase is spent 100 blocks later at the earliest."""
        fin = self.fin
        txids = fin.txids
        tails, outs = self._tails()
        version = self.cols["version"].tolist()
        first_in = [*(self.cols["first_in"] - self.i0).tolist(), len(self.in_prev)]
        height = self.cols["height"].tolist()
        prev_tx = self.prev_tx
        starts = np.flatnonzero(self.in_prev[first_in[:-1]] < 0).tolist()
        ends = [*starts[1:], len(height)]
        for (time, tag), cb, end in zip(blocks, starts, ends, strict=True):
            txids.append(b"")  # the coinbase's, set once the block's other txids are known
            for t in range(cb + 1, end):
                lo, hi = first_in[t], first_in[t + 1]
                if t in self.bip69:
                    self._bip69_inputs(lo, hi, tails)
                parts: list[bytes | bytearray] = [_U32.pack(version[t]), varint(hi - lo)]
                for k in range(lo, hi):
                    parts.append(txids[prev_tx[k]])
                    parts.append(tails[9 * k : 9 * k + 9])
                parts.append(outs[t])
                txids.append(_sha256(_sha256(b"".join(parts)).digest()).digest())
            self._close_block(self.t0 + cb, self.t0 + end, height[cb], time, tag)

    def _bip69_inputs(self, lo: int, hi: int, tails: bytearray) -> None:
        """Sort the inputs by (previous txid as displayed, vout) now that txids exist."""
        txids = self.fin.txids
        prev_tx, prev_vout = self.prev_tx, self.prev_vout
        order = sorted(range(lo, hi), key=lambda k: (txids[prev_tx[k]][::-1], prev_vout[k]))
        if order == list(range(lo, hi)):
            return
        self.in_prev[lo:hi] = self.in_prev[order].copy()
        prev_tx[lo:hi] = [prev_tx[k] for k in order]
        prev_vout[lo:hi] = [prev_vout[k] for k in order]
        tails[9 * lo : 9 * hi] = b"".join(tails[9 * k : 9 * k + 9] for k in order)

    def _close_block(self, cb: int, end: int, height: int, time: int, tag: bytes) -> None:
        fin = self.fin
        txids = fin.txids
        script_sig = coinbase_script_sig(height, tag)
        commitment = witness_commitment_script(txids[cb + 1 : end])
        first = fin.first_out[cb]
        last = fin.first_out[cb + 1] if cb + 1 < len(fin.first_out) else len(fin.out_tx)
        serial = []
        for o in range(first, last):
            a = int(self.out_addr[o - self.o0])
            if a < 0:
                fin.op_return[o] = bytes((len(commitment),)) + commitment
                serial.append((0, fin.op_return[o]))
            else:
                serial.append((int(self.out_value[o - self.o0]), fin.book.scripts[a]))
        fin.coinbase_sig[int(self.cols["first_in"][cb - self.t0])] = script_sig
        txids[cb] = coinbase_txid(1, script_sig, serial)
        root = merkle_root(txids[cb:end])
        b = fin.blocks
        prev = b.hash[-1] if b.hash else b"\x00" * 32
        digest, nonce = mine_header(BLOCK_VERSION, prev, root, time, BITS)
        b.hash.append(digest)
        b.time.append(time)
        b.n_tx.append(end - cb)
        b.merkle_root.append(root)
        b.nonce.append(nonce)
