"""Armored OpenPGP public key blocks, as pasted on vendor pages (plain, in <pre>, or with <br>)."""

from __future__ import annotations

import html
import re

from darkrange.errors import FormatError
from darkrange.extract._model import Emit
from darkrange.formats._openpgp import PublicKey, armor_decode, parse_public_keys

__all__ = ["scan_pgp"]

_BEGIN = b"begin pgp public key block"
_END = b"end pgp public key block"
_TAG = re.compile(r"<[^<>]{0,200}>")


def scan_pgp(text: str, low: bytes, emit: Emit) -> None:
    """Parse every "BEGIN PGP PUBLIC KEY BLOCK" ... "END" block into one selector per key."""
    pos = low.find(_BEGIN)
    end_at = 0
    while pos >= 0:
        start = pos
        while start > 0 and low[start - 1] == ord("-"):
            start -= 1
        body_start = _past_dashes(low, pos + len(_BEGIN))
        if 0 <= end_at < body_start:
            # Once an END is missing it stays missing: never search again (no quadratic time
            # on a page of BEGIN lines).
            end_at = low.find(_END, body_start)
        if end_at < 0:
            reason = "armor has no END line (truncated block)"
            emit("pgp_key", start, body_start, "", False, reason, None, {}, value="")
            pos = low.find(_BEGIN, body_start)
            continue
        block_end = _past_dashes(low, end_at + len(_END))
        _block(text[body_start:end_at], start, block_end, emit)
        pos = low.find(_BEGIN, block_end)


def _past_dashes(low: bytes, pos: int) -> int:
    while pos < len(low) and low[pos] == ord("-"):
        pos += 1
    return pos


def _block(body: str, start: int, end: int, emit: Emit) -> None:
    if "<" in body:
        body = _TAG.sub("\n", body)  # <br>, <p> and <span> wrapping the armor lines
    if "&" in body:
        body = html.unescape(body)
    body = body.rstrip("-")
    try:
        data, crc_ok = armor_decode(body)
        keys = parse_public_keys(data)
    except FormatError as exc:
        emit("pgp_key", start, end, "", False, str(exc), None, {"armor_length": end - start}, "")
        return
    reason = "" if crc_ok is not False else "armor CRC-24 mismatch: the block was altered"
    for index, key in enumerate(keys):
        extra = _details(key)
        extra.update(armor_length=end - start, crc="absent" if crc_ok is None else "ok")
        if len(keys) > 1:
            extra["index"] = index
        if crc_ok is False:
            extra["crc"] = "mismatch"
        emit(
            "pgp_key", start, end, key.fingerprint, not reason, reason, None, extra, key.fingerprint
        )


def _details(key: PublicKey) -> dict[str, object]:
    return {
        "version": key.version,
        "fingerprint": key.fingerprint,
        "key_id": key.key_id,
        "algorithm": key.algorithm,
        "bits": key.bits,
        "curve": key.curve,
        "created": key.created.isoformat().replace("+00:00", "Z"),
        "user_ids": list(key.user_ids),
        "subkeys": [sub.fingerprint for sub in key.subkeys],
    }
