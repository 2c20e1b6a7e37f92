"""Cryptocurrency addresses, WIF keys, Session ids and bare onion labels: long alphanumeric runs.

Every one of these is a run of at least 14 letters and digits between non-alphanumerics, so a
single pass finds the runs (on a byte mask, at C speed) and only the runs are looked at:
dispatch by length and prefix, then a full checksum validation.
"""

from __future__ import annotations

from darkrange.errors import FormatError
from darkrange.extract._model import Emit
from darkrange.formats import b58check_decode, onion_pubkey, segwit_decode
from darkrange.formats._base58 import ALPHABET
from darkrange.formats._ethereum import eth_check
from darkrange.formats._monero import monero_decode

__all__ = ["MIN_RUN", "scan_addresses"]

MIN_RUN = 14  # the shortest segwit address, "bc1" + version + 4 + 6 checksum characters
_RUN = b"a" * MIN_RUN

_B58 = frozenset(ALPHABET)
_HEX = frozenset("0123456789abcdef")
_B32 = frozenset("abcdefghijklmnopqrstuvwxyz234567")

# human-readable part -> (kind, network)
_SEGWIT_HRP = {
    "bc": ("btc", "mainnet"),
    "tb": ("btc", "testnet"),  # testnet3, testnet4 and signet share it
    "bcrt": ("btc", "regtest"),
    "ltc": ("ltc", "mainnet"),
    "tltc": ("ltc", "testnet"),
    "rltc": ("ltc", "regtest"),
}

# Base58Check version byte -> (kind, network, type); Bitcoin's testnet versions are shared by
# testnet3, testnet4, signet and regtest, so "testnet" means any of them.
_B58_VERSIONS = {
    0x00: ("btc", "mainnet", "p2pkh"),
    0x05: ("btc", "mainnet", "p2sh"),
    0x6F: ("btc", "testnet", "p2pkh"),
    0xC4: ("btc", "testnet", "p2sh"),
    0x30: ("ltc", "mainnet", "p2pkh"),
    0x32: ("ltc", "mainnet", "p2sh"),
    0x3A: ("ltc", "testnet", "p2sh"),
}
_B58_FIRST = frozenset("13mn2LMQ")
_WIF_FIRST = frozenset("5KL9c")
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def scan_addresses(text: str, mask: bytes, emit: Emit) -> None:
    """Find every alphanumeric run of MIN_RUN or more characters and classify it.

    `mask` has one byte per character of `text`: b"a" for an ASCII letter or digit, b" " else.
    """
    pos, size = 0, len(mask)
    while True:
        start = mask.find(_RUN, pos)
        if start < 0:
            return
        end = mask.find(b" ", start + MIN_RUN)
        if end < 0:
            end = size
        pos = end
        _classify(text[start:end], start, emit)


def _classify(token: str, start: int, emit: Emit) -> None:
    size = len(token)
    lower = token.lower()
    sep = lower.find("1")
    if 0 < sep < 5 and lower[:sep] in _SEGWIT_HRP:
        _segwit(token, lower[:sep], start, emit)
    elif lower.startswith("0x"):
        _ethereum(token, start, emit)
    elif size == 66 and lower.startswith("05") and _HEX.issuperset(lower):
        emit("session", start, start + size, lower, True)
    elif size == 56 and _B32.issuperset(lower):
        _bare_onion(lower, start, emit)
    elif _B58.issuperset(token):
        if 25 <= size <= 35 and token[0] in _B58_FIRST:
            _base58_address(token, start, emit)
        elif size in (51, 52) and token[0] in _WIF_FIRST:
            _wif(token, start, emit)
        elif size in (95, 106):
            _monero(token, start, emit)


def _segwit(token: str, hrp: str, start: int, emit: Emit) -> None:
    kind, network = _SEGWIT_HRP[hrp]
    end = start + len(token)
    try:
        version, program = segwit_decode(hrp, token)
    except FormatError as exc:
        emit(kind, start, end, token.lower(), False, str(exc), network)
        return
    if version == 0:
        type_ = "p2wpkh" if len(program) == 20 else "p2wsh"
    else:
        type_ = "p2tr" if version == 1 and len(program) == 32 else f"witness_v{version}"
    extra: dict[str, object] = {
        "type": type_,
        "encoding": "bech32" if version == 0 else "bech32m",
        "witness_version": version,
    }
    emit(kind, start, end, token.lower(), True, "", network, extra)


def _base58_address(token: str, start: int, emit: Emit) -> None:
    end = start + len(token)
    guess = "ltc" if token[0] in "LMQ" else "btc"
    try:
        payload = b58check_decode(token)
    except FormatError as exc:
        emit(guess, start, end, token, False, str(exc))
        return
    known = _B58_VERSIONS.get(payload[0])
    if known is None:
        reason = f"version byte 0x{payload[0]:02x} is not a Bitcoin or Litecoin address"
        emit(guess, start, end, token, False, reason)
        return
    kind, network, type_ = known
    if len(payload) != 21:
        emit(kind, start, end, token, False, f"payload of {len(payload) - 1} bytes, expected 20")
        return
    extra: dict[str, object] = {"type": type_, "encoding": "base58check"}
    emit(kind, start, end, token, True, "", network, extra)


def _wif(token: str, start: int, emit: Emit) -> None:
    """A private key in Wallet Import Format: whoever posts one gives its funds away."""
    end = start + len(token)
    try:
        payload = b58check_decode(token)
    except FormatError as exc:
        emit("btc_wif", start, end, token, False, str(exc))
        return
    network = {0x80: "mainnet", 0xEF: "testnet"}.get(payload[0])
    compressed = len(payload) == 34
    if network is None:
        reason = f"version byte 0x{payload[0]:02x} is not a Bitcoin private key"
    elif len(payload) not in (33, 34) or (compressed and payload[33] != 1):
        reason = "not a 32-byte key (with 0x01 when compressed)"
    elif not 0 < int.from_bytes(payload[1:33], "big") < _SECP256K1_N:
        reason = "key out of the secp256k1 range"
    else:
        emit("btc_wif", start, end, token, True, "", network, {"compressed": compressed})
        return
    emit("btc_wif", start, end, token, False, reason, network)


def _monero(token: str, start: int, emit: Emit) -> None:
    end = start + len(token)
    try:
        address = monero_decode(token)
    except FormatError as exc:
        emit("xmr", start, end, token, False, str(exc))
        return
    extra: dict[str, object] = {"type": address.type}
    if address.payment_id is not None:
        extra["payment_id"] = address.payment_id.hex()
    emit("xmr", start, end, token, True, "", address.network, extra)


def _ethereum(token: str, start: int, emit: Emit) -> None:
    digits = token[2:]
    if not _HEX.issuperset(digits.lower()):
        return
    end = start + len(token)
    if len(digits) != 40:
        if 38 <= len(digits) <= 42:  # a mangled address; other lengths are hashes or data
            emit("eth", start, end, token.lower(), False, f"{len(digits)} hex digits, expected 40")
        return
    try:
        checksummed, had_checksum = eth_check(token)
    except FormatError as exc:
        emit("eth", start, end, token.lower(), False, str(exc))
        return
    reason = "" if had_checksum else "no EIP-55 checksum (all one case)"
    emit("eth", start, end, checksummed, True, reason, None, {"checksummed": had_checksum})


def _bare_onion(label: str, start: int, emit: Emit) -> None:
    """A v3 onion label written without ".onion": claimed only when its checksum holds."""
    try:
        onion_pubkey(label)
    except FormatError:
        return
    extra: dict[str, object] = {"suffix": False}
    emit("onion_v3", start, start + 56, label + ".onion", True, "", None, extra)
