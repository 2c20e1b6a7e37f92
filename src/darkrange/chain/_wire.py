"""Bitcoin's wire format: blocks and transactions (segwit included), txids and wtxids.

A raw block is the 80-byte header, a compact-size transaction count and the transactions, as
Bitcoin Core stores them in blk*.dat (there each block follows 4 magic bytes and a 4-byte size).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from darkrange.errors import FormatError

# Network magic of blk*.dat records and P2P messages -> network name.
MAGIC = {
    bytes.fromhex("f9beb4d9"): "mainnet",
    bytes.fromhex("0b110907"): "testnet",
    bytes.fromhex("1c163f28"): "testnet4",
    bytes.fromhex("0a03cf40"): "signet",
    bytes.fromhex("fabfb5da"): "regtest",
}
# A transaction can never be smaller than this; guards the counts read from untrusted bytes.
_MIN_TX_SIZE = 60
_MAX_BLOCK_SIZE = 4_000_000


def dsha256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def display_hash(data: bytes) -> str:
    """A hash as Bitcoin shows it: double-SHA-256, byte-reversed hex."""
    return dsha256(data)[::-1].hex()


@dataclass(frozen=True, slots=True)
class TxIn:
    prev_txid: str  # display order; 64 zeros for a coinbase
    prev_vout: int
    script_sig: bytes
    sequence: int
    witness: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class TxOut:
    value: int
    script_pubkey: bytes


@dataclass(frozen=True, slots=True)
class Tx:
    txid: str
    wtxid: str
    version: int
    locktime: int
    inputs: tuple[TxIn, ...]
    outputs: tuple[TxOut, ...]
    size: int  # bytes with witness
    base_size: int  # bytes without witness

    @property
    def is_coinbase(self) -> bool:
        first = self.inputs[0]
        return (
            len(self.inputs) == 1 and first.prev_vout == 0xFFFFFFFF and first.prev_txid == "0" * 64
        )

    @property
    def weight(self) -> int:
        return self.base_size * 3 + self.size

    @property
    def vsize(self) -> int:
        return (self.weight + 3) // 4


@dataclass(frozen=True, slots=True)
class BlockHeader:
    hash: str
    version: int
    prev_hash: str
    merkle_root: str
    time: int
    bits: int
    nonce: int


@dataclass(frozen=True, slots=True)
class Block:
    header: BlockHeader
    txs: tuple[Tx, ...]
    size: int
    network: str

    @property
    def weight(self) -> int:
        return sum(t.weight for t in self.txs) + (80 + _varint_len(len(self.txs))) * 4

    @property
    def height(self) -> int | None:
        """The height the coinbase commits to (BIP34, block version 2 and later)."""
        if self.header.version < 2 or not self.txs:
            return None
        return bip34_height(self.txs[0].inputs[0].script_sig)


def bip34_height(script_sig: bytes) -> int | None:
    if not script_sig:
        return None
    op = script_sig[0]
    if 0x51 <= op <= 0x60:  # OP_1..OP_16 (regtest's first blocks)
        return op - 0x50
    if 1 <= op <= 8 and len(script_sig) > op:
        return int.from_bytes(script_sig[1 : 1 + op], "little")
    return None


def _varint_len(n: int) -> int:
    return 1 if n < 0xFD else 3 if n <= 0xFFFF else 5 if n <= 0xFFFFFFFF else 9


class _Reader:
    """Reads fields from bytes; running out of bytes is a FormatError naming what was read."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int, what: str) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise FormatError(f"truncated data: {what} needs {n} bytes at offset {self.pos}")
        out = self.data[self.pos : end]
        self.pos = end
        return out

    def u32(self, what: str) -> int:
        return int.from_bytes(self.take(4, what), "little")

    def varint(self, what: str) -> int:
        first = self.take(1, what)[0]
        if first < 0xFD:
            return first
        size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
        return int.from_bytes(self.take(size, what), "little")

    def count(self, what: str, min_item: int) -> int:
        n = self.varint(what)
        if n * min_item > len(self.data) - self.pos:
            raise FormatError(f"truncated data: {what} says {n} but too few bytes follow")
        return n


def _read_tx(r: _Reader) -> Tx:
    start = r.pos
    version = int.from_bytes(r.take(4, "tx version"), "little", signed=True)
    segwit = r.data[r.pos : r.pos + 2] == b"\x00\x01"
    if segwit:
        r.pos += 2
    body_start = r.pos  # from the input count to the last output: the same in both forms
    n_in = r.count("input count", 41)
    inputs: list[tuple[str, int, bytes, int]] = []
    for _ in range(n_in):
        prev = r.take(32, "input prevout")[::-1].hex()
        vout = r.u32("input prevout index")
        script = r.take(r.varint("scriptSig length"), "scriptSig")
        inputs.append((prev, vout, script, r.u32("input sequence")))
    n_out = r.count("output count", 9)
    outputs = []
    for _ in range(n_out):
        value = int.from_bytes(r.take(8, "output value"), "little", signed=True)
        if not 0 <= value <= 21_000_000 * 100_000_000:
            raise FormatError(f"output value {value} out of range")
        outputs.append(TxOut(value, r.take(r.varint("scriptPubKey length"), "scriptPubKey")))
    body_end = r.pos
    witnesses: list[tuple[bytes, ...]] = [()] * n_in
    if segwit:
        for i in range(n_in):
            items = r.count("witness item count", 1)
            witnesses[i] = tuple(
                r.take(r.varint("witness item"), "witness item") for _ in range(items)
            )
        if not any(witnesses):
            raise FormatError("transaction has the segwit marker but no witness data")
    lock_bytes = r.take(4, "tx locktime")
    if n_in == 0:
        raise FormatError("transaction without inputs")
    raw = r.data[start : r.pos]
    stripped = raw[:4] + r.data[body_start:body_end] + lock_bytes if segwit else raw
    txid = display_hash(stripped)
    return Tx(
        txid=txid,
        wtxid=display_hash(raw) if segwit else txid,
        version=version,
        locktime=int.from_bytes(lock_bytes, "little"),
        inputs=tuple(
            TxIn(p, v, s, q, w) for (p, v, s, q), w in zip(inputs, witnesses, strict=True)
        ),
        outputs=tuple(outputs),
        size=len(raw),
        base_size=len(stripped),
    )


def parse_tx(data: bytes) -> Tx:
    """One transaction; trailing bytes are an error (a truncated or padded hex dump)."""
    r = _Reader(data)
    tx = _read_tx(r)
    if r.pos != len(data):
        raise FormatError(f"{len(data) - r.pos} unexpected bytes after the transaction")
    return tx


def parse_tx_hex(text: str) -> Tx:
    try:
        data = bytes.fromhex(text.strip())
    except ValueError:
        raise FormatError("transaction hex is not valid hexadecimal") from None
    return parse_tx(data)


def _parse_header(raw: bytes) -> BlockHeader:
    return BlockHeader(
        hash=display_hash(raw),
        version=int.from_bytes(raw[0:4], "little", signed=True),
        prev_hash=raw[4:36][::-1].hex(),
        merkle_root=raw[36:68][::-1].hex(),
        time=int.from_bytes(raw[68:72], "little"),
        bits=int.from_bytes(raw[72:76], "little"),
        nonce=int.from_bytes(raw[76:80], "little"),
    )


def merkle_root(txids: list[str]) -> str:
    level = [bytes.fromhex(t)[::-1] for t in txids]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [dsha256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0][::-1].hex()


def parse_block(data: bytes, network: str = "mainnet") -> Block:
    """One block (header, transactions); checks the Merkle root so a damaged block is refused."""
    if len(data) < 81:
        raise FormatError(f"block too short ({len(data)} bytes, a header alone is 80)")
    r = _Reader(data, 80)
    header = _parse_header(data[:80])
    n_tx = r.count("transaction count", _MIN_TX_SIZE)
    if n_tx == 0:
        raise FormatError(f"block {header.hash} has no transactions")
    txs = tuple(_read_tx(r) for _ in range(n_tx))
    if r.pos != len(data):
        raise FormatError(f"block {header.hash}: {len(data) - r.pos} unexpected trailing bytes")
    if merkle_root([t.txid for t in txs]) != header.merkle_root:
        raise FormatError(f"block {header.hash}: Merkle root does not match its transactions")
    return Block(header, txs, len(data), network)


def split_block_file(data: bytes, network: str | None) -> list[tuple[bytes, str]]:
    """Blocks in a file: blk*.dat records (magic + size + block) or one bare block.

    The magic says the network; a bare block has none, so `network` (default mainnet) decides.
    """
    if data[:4] not in MAGIC:
        return [(data, network or "mainnet")]
    out = []
    r = _Reader(data)
    while r.pos < len(data):
        magic = data[r.pos : r.pos + 4]
        if magic == b"\0\0\0\0":  # blk*.dat files are preallocated with zeros
            break
        if magic not in MAGIC:
            raise FormatError(f"unknown network magic {magic.hex()} at offset {r.pos}")
        r.pos += 4
        size = r.u32("block size")
        if size > _MAX_BLOCK_SIZE:
            raise FormatError(f"block size {size} at offset {r.pos - 4} exceeds the maximum")
        found = MAGIC[magic]
        if network is not None and network != found:
            raise FormatError(f"file holds {found} blocks but --network {network} was given")
        out.append((r.take(size, "block"), found))
    return out


def _varint_bytes(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    return (
        b"\xfe" + n.to_bytes(4, "little") if n <= 0xFFFFFFFF else b"\xff" + n.to_bytes(8, "little")
    )


def serialize_tx(
    version: int, inputs: list[TxIn], outputs: list[TxOut], locktime: int, witness: bool
) -> bytes:
    """A transaction in wire format, with or without its witness data."""
    segwit = witness and any(i.witness for i in inputs)
    parts = [version.to_bytes(4, "little", signed=True), b"\x00\x01" if segwit else b""]
    parts.append(_varint_bytes(len(inputs)))
    for i in inputs:
        parts += [bytes.fromhex(i.prev_txid)[::-1], i.prev_vout.to_bytes(4, "little")]
        parts += [_varint_bytes(len(i.script_sig)), i.script_sig, i.sequence.to_bytes(4, "little")]
    parts.append(_varint_bytes(len(outputs)))
    for o in outputs:
        parts += [
            o.value.to_bytes(8, "little"),
            _varint_bytes(len(o.script_pubkey)),
            o.script_pubkey,
        ]
    if segwit:
        for i in inputs:
            parts.append(_varint_bytes(len(i.witness)))
            parts += [_varint_bytes(len(w)) + w for w in i.witness]
    parts.append(locktime.to_bytes(4, "little"))
    return b"".join(parts)


def build_tx(version: int, inputs: list[TxIn], outputs: list[TxOut], locktime: int) -> Tx:
    """A transaction from its fields (as an API gives them), with its txid computed."""
    try:
        full = serialize_tx(version, inputs, outputs, locktime, witness=True)
        base = serialize_tx(version, inputs, outputs, locktime, witness=False)
    except (ValueError, OverflowError) as exc:
        raise FormatError(f"transaction fields out of range: {exc}") from None
    txid = display_hash(base)
    return Tx(
        txid=txid,
        wtxid=display_hash(full) if len(full) != len(base) else txid,
        version=version,
        locktime=locktime,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        size=len(full),
        base_size=len(base),
    )
