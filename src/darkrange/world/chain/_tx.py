"""Bitcoin serialisation the simulation needs: txids, sizes, coinbases, Merkle roots, headers.

Only the parts that identifiers depend on are built: a txid covers the transaction without its
witness and, in the range, with empty scriptSigs for spending inputs (docs/formats/chain.md).
"""

from __future__ import annotations

import hashlib
import struct

# Address type codes used in the ledger's arrays (index into TYPE_NAMES).
TYPE_NAMES = ("p2pkh", "p2sh", "p2wpkh", "p2tr", "p2wsh", "op_return")
TYPE_CODE = {name: code for code, name in enumerate(TYPE_NAMES)}
OP_RETURN = TYPE_CODE["op_return"]

# Weight units (vbytes x 4) of spending one input of each type with its usual witness:
# P2PKH 148 vB, P2SH-P2WPKH 91 vB, P2WPKH 67.75 vB, P2TR key path 57.5 vB, P2WSH 2-of-3 104.5 vB.
INPUT_WEIGHT = (592, 364, 271, 230, 418, 0)
# Weight of one output: 4 x (8 value + 1 length + script).
OUTPUT_WEIGHT = (136, 128, 124, 172, 172, 188)
SEGWIT = (False, True, True, True, True, False)
_BASE_WEIGHT = 40  # version, locktime and the two counts
_MARKER_WEIGHT = 2  # segwit marker and flag, when any input has a witness

_IN = struct.Struct("<32sIBI")
_VALUE = struct.Struct("<q")
_U32 = struct.Struct("<I")
_HEADER = struct.Struct("<I32s32sIII")


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def varint(n: int) -> bytes:
    if n < 0xFD:
        return bytes((n,))
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def vsize(input_types: list[int], output_types: list[int]) -> int:
    """Virtual size in vbytes of a transaction with these input and output types."""
    weight = _BASE_WEIGHT
    segwit = False
    for t in input_types:
        weight += INPUT_WEIGHT[t]
        segwit = segwit or SEGWIT[t]
    for t in output_types:
        weight += OUTPUT_WEIGHT[t]
    if segwit:
        weight += _MARKER_WEIGHT
    return -(-weight // 4)


def txid(
    version: int,
    inputs: list[tuple[bytes, int, int]],
    outputs: list[tuple[int, bytes]],
    locktime: int,
) -> bytes:
    """Internal-order txid; inputs are (prev txid internal order, vout, sequence), outputs are
    (value, length-prefixed scriptPubKey); every scriptSig is empty."""
    parts = [_U32.pack(version), varint(len(inputs))]
    parts += [_IN.pack(prev, vout, 0, seq) for prev, vout, seq in inputs]
    parts.append(varint(len(outputs)))
    for value, script in outputs:
        parts.append(_VALUE.pack(value))
        parts.append(script)
    parts.append(_U32.pack(locktime))
    return sha256d(b"".join(parts))


def script_num(n: int) -> bytes:
    """Minimal push of a non-negative number, as `CScript() << n` writes it (BIP-34 height)."""
    if n == 0:
        return b"\x00"
    if n <= 16:
        return bytes((0x50 + n,))
    body = n.to_bytes((n.bit_length() + 8) // 8, "little")  # room for the sign bit
    return bytes((len(body),)) + body


def coinbase_script_sig(height: int, tag: bytes) -> bytes:
    """BIP-34 height, then the pool's tag (so the scriptSig is never shorter than 2 bytes)."""
    return script_num(height) + bytes((len(tag),)) + tag


def coinbase_txid(version: int, script_sig: bytes, outputs: list[tuple[int, bytes]]) -> bytes:
    parts = [
        _U32.pack(version),
        b"\x01",
        b"\x00" * 32,
        _U32.pack(0xFFFFFFFF),
        varint(len(script_sig)),
        script_sig,
        _U32.pack(0xFFFFFFFF),
        varint(len(outputs)),
    ]
    for value, script in outputs:
        parts.append(_VALUE.pack(value))
        parts.append(script)
    parts.append(_U32.pack(0))
    return sha256d(b"".join(parts))


def coinbase_vsize(script_sig: bytes, output_types: list[int]) -> int:
    weight = 4 * (4 + 1 + 32 + 4 + 1 + len(script_sig) + 4 + 1 + 4)
    weight += sum(OUTPUT_WEIGHT[t] for t in output_types)
    weight += _MARKER_WEIGHT + 34  # the witness reserved value: one 32-byte item
    return -(-weight // 4)


def witness_commitment_script(txids: list[bytes]) -> bytes:
    """BIP-141-shaped commitment output script (OP_RETURN aa21a9ed + 32 bytes). Witnesses are
    not simulated, so the 32 bytes are the double SHA-256 of the block's other txids."""
    return b"\x6a\x24\xaa\x21\xa9\xed" + sha256d(b"".join(txids))


def merkle_root(txids: list[bytes]) -> bytes:
    """Merkle root (internal order) of internal-order txids; the last is paired with itself."""
    level = list(txids)
    if not level:
        return b"\x00" * 32
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def block_header(
    version: int, prev_hash: bytes, root: bytes, time: int, bits: int, nonce: int
) -> bytes:
    return _HEADER.pack(version, prev_hash, root, time, bits, nonce)


def target_from_bits(bits: int) -> int:
    return (bits & 0xFFFFFF) << (8 * ((bits >> 24) - 3))


def mine_header(
    version: int, prev_hash: bytes, root: bytes, time: int, bits: int
) -> tuple[bytes, int]:
    """Block hash (internal order) and the first nonce meeting `bits` (regtest-easy targets)."""
    target = target_from_bits(bits)
    nonce = 0
    while True:
        digest = sha256d(block_header(version, prev_hash, root, time, bits, nonce))
        if int.from_bytes(digest, "little") <= target:
            return digest, nonce
        nonce += 1
