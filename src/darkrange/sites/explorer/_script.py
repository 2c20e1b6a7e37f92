"""Output scripts from addresses: what Esplora shows as scriptpubkey, its asm and its type.

The chain's Parquet files carry addresses, not scripts (docs/formats/chain.md); the script of a
standard output follows from its address, so the explorer rebuilds it the way a node would
decode it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from darkrange.errors import FormatError
from darkrange.formats import b58check_decode, segwit_decode

# Mainnet version bytes and human-readable part; the explorer serves a mainnet-like chain.
P2PKH_VERSION = 0x00
P2SH_VERSION = 0x05
HRP = "bc"
TESTNET_HRPS = ("tb", "bcrt")
TESTNET_VERSIONS = (0x6F, 0xC4)


@dataclass(frozen=True)
class OutputScript:
    """One output script as Esplora's TxOutValue shows it."""

    scriptpubkey: str
    asm: str
    type: str  # Esplora's names: p2pkh, p2sh, v0_p2wpkh, v0_p2wsh, v1_p2tr, op_return


OP_RETURN = OutputScript("6a", "OP_RETURN", "op_return")


class AddressError(FormatError):
    """An address Esplora would refuse with 400 Bad Request."""


def _push(data: bytes) -> str:
    return f"OP_PUSHBYTES_{len(data)} {data.hex()}"


def _from_base58(address: str) -> OutputScript:
    try:
        payload = b58check_decode(address)
    except FormatError as exc:
        raise AddressError(f"base58 error: {exc}") from None
    if len(payload) != 21:
        raise AddressError("base58 error: invalid length")
    version, program = payload[0], payload[1:]
    if version == P2PKH_VERSION:
        return OutputScript(
            f"76a914{program.hex()}88ac",
            f"OP_DUP OP_HASH160 {_push(program)} OP_EQUALVERIFY OP_CHECKSIG",
            "p2pkh",
        )
    if version == P2SH_VERSION:
        return OutputScript(
            f"a914{program.hex()}87", f"OP_HASH160 {_push(program)} OP_EQUAL", "p2sh"
        )
    if version in TESTNET_VERSIONS:
        raise AddressError("Address on invalid network")
    raise AddressError("base58 error: invalid address version")


def _from_segwit(address: str) -> OutputScript:
    hrp = address.lower().split("1", 1)[0]
    if hrp in TESTNET_HRPS:
        raise AddressError("Address on invalid network")
    try:
        version, program = segwit_decode(HRP, address.lower())
    except FormatError as exc:
        raise AddressError(f"bech32 error: {exc}") from None
    if address != address.lower() and address != address.upper():
        raise AddressError("bech32 error: mixed case")
    return _segwit_script(version, program)


def _segwit_script(version: int, program: bytes) -> OutputScript:
    size = f"{len(program):02x}"
    if version == 0:
        kind = "v0_p2wpkh" if len(program) == 20 else "v0_p2wsh"
        return OutputScript(f"00{size}{program.hex()}", f"OP_0 {_push(program)}", kind)
    opcode = 0x50 + version
    kind = "v1_p2tr" if version == 1 and len(program) == 32 else "unknown"
    return OutputScript(
        f"{opcode:02x}{size}{program.hex()}", f"OP_PUSHNUM_{version} {_push(program)}", kind
    )


@lru_cache(maxsize=65536)
def output_script(address: str) -> OutputScript:
    """The output script paying `address`; raises AddressError when it is not a valid address."""
    if not address or len(address) > 90 or not address.isascii():
        raise AddressError("Invalid Bitcoin address")
    if address.lower().startswith(("bc1", "tb1", "bcrt1")):
        return _from_segwit(address)
    return _from_base58(address)


_BECH32_VALUES = {c: i for i, c in enumerate("qpzry9x8gf2tvdw0s3jn54khce6mua7l")}


@lru_cache(maxsize=65536)
def chain_script(address: str) -> OutputScript:
    """The output script of an address read from the chain's own files.

    The chain's addresses were checked when it was written, so a bech32 one is unpacked without
    recomputing its checksum (the checksum's polymod is most of the cost of a cold transaction
    page); anything else, or anything unusual, takes the full check of `output_script`.
    """
    low = address.lower()
    if low.startswith("bc1") and len(low) in (42, 62):  # 20- and 32-byte programs
        try:
            values = [_BECH32_VALUES[c] for c in low[3:-6]]
        except KeyError:
            raise AddressError("bech32 error: invalid character") from None
        bits = 5 * (len(values) - 1)
        acc = 0
        for value in values[1:]:
            acc = acc << 5 | value
        size = bits // 8
        return _segwit_script(values[0], (acc >> (bits - 8 * size)).to_bytes(size, "big"))
    return output_script(address)


def coinbase_scriptsig(height: int) -> tuple[str, str]:
    """A BIP-34 coinbase scriptSig (the block height pushed first), as hex and asm."""
    if height == 0:
        return "0100", "OP_PUSHBYTES_1 00"
    raw = height.to_bytes((height.bit_length() + 8) // 8, "little")
    return f"{len(raw):02x}{raw.hex()}", _push(raw)
