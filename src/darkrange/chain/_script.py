"""Scripts: what a scriptPubKey is and pays to, and what an input's scriptSig or witness reveals.

Script types use Bitcoin Core's names (p2pk, p2pkh, p2sh, p2wpkh, p2wsh, p2tr, witness_unknown,
multisig, nulldata, nonstandard). A P2PK output is given the P2PKH address of its key, as block
explorers do, so coins of one key meet in one address; bare multisig, nulldata and nonstandard
outputs have no address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from darkrange.formats import b58check_encode, segwit_encode

SCRIPT_TYPES = (
    "multisig",
    "nonstandard",
    "nulldata",
    "p2pk",
    "p2pkh",
    "p2sh",
    "p2tr",
    "p2wpkh",
    "p2wsh",
    "witness_unknown",
)


@dataclass(frozen=True, slots=True)
class Network:
    name: str
    p2pkh: int
    p2sh: int
    hrp: str


NETWORKS = {
    "mainnet": Network("mainnet", 0x00, 0x05, "bc"),
    "testnet": Network("testnet", 0x6F, 0xC4, "tb"),
    "testnet4": Network("testnet4", 0x6F, 0xC4, "tb"),
    "signet": Network("signet", 0x6F, 0xC4, "tb"),
    "regtest": Network("regtest", 0x6F, 0xC4, "bcrt"),
}


def hash160(data: bytes) -> bytes:
    return hashlib.new("ripemd160", hashlib.sha256(data).digest()).digest()


def _is_pubkey(item: bytes) -> bool:
    if len(item) == 33:
        return item[0] in (2, 3)
    return len(item) == 65 and item[0] in (4, 6, 7)


def _is_signature(item: bytes) -> bool:
    # DER signature plus sighash byte; Schnorr signatures never appear in a scriptSig
    return 9 <= len(item) <= 73 and item[0] == 0x30


def pushes(script: bytes) -> list[bytes] | None:
    """The data a push-only script pushes; None when it holds any other opcode or is cut short."""
    out: list[bytes] = []
    i, n = 0, len(script)
    while i < n:
        op = script[i]
        i += 1
        if op == 0:
            out.append(b"")
            continue
        if 0x51 <= op <= 0x60 or op == 0x4F:
            out.append(bytes([op]))
            continue
        if op <= 0x4B:
            size = op
        elif op <= 0x4E:
            width = {0x4C: 1, 0x4D: 2, 0x4E: 4}[op]
            if i + width > n:
                return None
            size = int.from_bytes(script[i : i + width], "little")
            i += width
        else:
            return None
        if i + size > n:
            return None
        out.append(script[i : i + size])
        i += size
    return out


def multisig_keys(script: bytes) -> int | None:
    """n of an m-of-n CHECKMULTISIG script, else None."""
    if len(script) < 37 or script[-1] != 0xAE or not 0x51 <= script[0] <= 0x60:
        return None
    if not 0x51 <= script[-2] <= 0x60:
        return None
    keys = pushes(script[1:-2])
    n = script[-2] - 0x50
    if keys is None or len(keys) != n or script[0] - 0x50 > n:
        return None
    return n if all(_is_pubkey(k) for k in keys) else None


def classify(spk: bytes, net: Network) -> tuple[str, str | None]:
    """(script type, address or None) of a scriptPubKey."""
    n = len(spk)
    if n == 25 and spk[:3] == b"\x76\xa9\x14" and spk[23:] == b"\x88\xac":
        return "p2pkh", b58check_encode(bytes([net.p2pkh]) + spk[3:23])
    if n == 23 and spk[:2] == b"\xa9\x14" and spk[22] == 0x87:
        return "p2sh", b58check_encode(bytes([net.p2sh]) + spk[2:22])
    if 4 <= n <= 42 and (spk[0] == 0 or 0x51 <= spk[0] <= 0x60) and spk[1] == n - 2:
        version = 0 if spk[0] == 0 else spk[0] - 0x50
        program = spk[2:]
        if version == 0:
            if n - 2 in (20, 32):
                kind = "p2wpkh" if n == 22 else "p2wsh"
                return kind, segwit_encode(net.hrp, 0, program)
            return "nonstandard", None
        kind = "p2tr" if version == 1 and n == 34 else "witness_unknown"
        return kind, segwit_encode(net.hrp, version, program)
    if spk[:1] == b"\x6a":
        return "nulldata", None
    if n in (35, 67) and spk[-1] == 0xAC and spk[0] == n - 2 and _is_pubkey(spk[1:-1]):
        return "p2pk", b58check_encode(bytes([net.p2pkh]) + hash160(spk[1:-1]))
    if multisig_keys(spk) is not None:
        return "multisig", None
    return "nonstandard", None


def _is_taproot_spend(witness: tuple[bytes, ...]) -> bool:
    items = list(witness)
    if len(items) >= 2 and items[-1][:1] == b"\x50":  # annex
        items.pop()
    if len(items) == 1:
        return True  # key path: one Schnorr signature
    control = items[-1]
    return len(control) >= 33 and (len(control) - 33) % 32 == 0 and control[0] & 0xFE == 0xC0


@dataclass(frozen=True, slots=True)
class Spend:
    """What an input's own scripts tell about the output it spends (no previous tx needed)."""

    address: str | None
    multisig: bool


def infer_spend(script_sig: bytes, witness: tuple[bytes, ...], net: Network) -> Spend:
    """The address an input spends from, read from its scriptSig and witness when they show it.

    P2PKH, P2WPKH, P2SH (any redeem script) and P2WSH spends reveal the key or script, so the
    address; P2PK, bare multisig and Taproot spends do not.
    """
    items = pushes(script_sig)
    if items is None:
        return Spend(None, False)
    if witness:
        if not items:
            if len(witness) == 2 and _is_pubkey(witness[1]) and len(witness[1]) == 33:
                return Spend(segwit_encode(net.hrp, 0, hash160(witness[1])), False)
            if _is_taproot_spend(witness):
                return Spend(None, False)
            script = witness[-1]
            address = segwit_encode(net.hrp, 0, hashlib.sha256(script).digest())
            return Spend(address, multisig_keys(script) is not None)
        if len(items) == 1 and len(items[0]) in (22, 34):  # P2SH-wrapped segwit
            address = b58check_encode(bytes([net.p2sh]) + hash160(items[0]))
            return Spend(address, len(items[0]) == 34 and multisig_keys(witness[-1]) is not None)
        return Spend(None, False)
    if not items:
        return Spend(None, False)
    last = items[-1]
    if len(items) == 2 and _is_pubkey(last) and _is_signature(items[0]):
        return Spend(b58check_encode(bytes([net.p2pkh]) + hash160(last)), False)
    if _is_signature(last) or not last:
        # P2PK (one signature) or bare multisig (OP_0 and signatures): the key is in the prevout
        return Spend(None, items[0] == b"" and len(items) >= 2)
    address = b58check_encode(bytes([net.p2sh]) + hash160(last))
    return Spend(address, multisig_keys(last) is not None)
