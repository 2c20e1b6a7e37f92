"""Onion service addresses, v3 and legacy v2, including defanged and space-split forms.

Anchored on the word "onion" (a C-speed search of the lower-cased text), then read backwards:
the separator (".", "[.]", "(dot)", " dot ", ...), then the label. Vendors split an address
into chunks to slip past filters ("abcd efgh ... .onion"); chunks are joined only when the
joined label has a valid v3 checksum, so words before an address are never glued to it.
"""

from __future__ import annotations

import re

from darkrange.errors import FormatError
from darkrange.extract._model import Emit
from darkrange.formats import onion_pubkey

__all__ = ["scan_onions"]

_B32 = frozenset("abcdefghijklmnopqrstuvwxyz234567")
_ALNUM = b"a"
# The separator between label and "onion", read at the end of a short window before it.
_SEPARATOR = re.compile(
    rb"[ \t]*(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|(?<=[ \t])dot)[ \t]*\Z"
)
_WINDOW = 16
_MAX_CHUNK_GAP = 2  # spaces or hyphens between the chunks of a split address


def scan_onions(low: bytes, mask: bytes, emit: Emit) -> None:
    """Find onion addresses; `low` is the lower-cased ASCII image of the text and `mask` its
    alphanumeric mask (b"a" for a letter or digit, b" " else), both one byte per character."""
    size = len(low)
    pos = low.find(b"onion")
    while pos >= 0:
        after = pos + 5
        if after >= size or mask[after] != ord(_ALNUM):
            _one(low, mask, pos, emit)
        pos = low.find(b"onion", after)


def _one(low: bytes, mask: bytes, onion_at: int, emit: Emit) -> None:
    window = max(0, onion_at - _WINDOW)
    before = low[window:onion_at]
    if b"." not in before and b"dot" not in before:
        return  # no separator at all: "onion" as a plain word
    sep = _SEPARATOR.search(low, window, onion_at)
    if sep is None:
        return
    label_end = sep.start()
    label_start = mask.rfind(b" ", 0, label_end) + 1
    if label_start >= label_end:
        return
    label = low[label_start:label_end].decode("ascii")
    end = onion_at + 5
    defanged = low[label_end:onion_at] != b"."
    extra: dict[str, object] = {}
    if defanged:
        extra["defanged"] = True
    if label_start > 1 and low[label_start - 1] == ord("."):
        sub_start = mask.rfind(b" ", 0, label_start - 1) + 1
        if sub_start < label_start - 1:
            extra["subdomain"] = low[sub_start : label_start - 1].decode("ascii")
    size = len(label)
    if size < 56 and _split(low, mask, label_start, label, end, extra, emit):
        return
    if size == 56:
        _v3(label, label_start, end, extra, emit)
    elif size == 16:
        if _B32.issuperset(label):
            reason = "legacy v2 address: unsupported by Tor since 0.4.6"
            emit("onion_v2", label_start, end, label + ".onion", True, reason, None, extra)
        else:
            emit("onion_v2", label_start, end, label + ".onion", False, "not base32", None, extra)
    elif 50 <= size <= 64:
        reason = f"{size} characters, a v3 address has 56"
        emit("onion_v3", label_start, end, label + ".onion", False, reason, None, extra)


def _v3(label: str, start: int, end: int, extra: dict[str, object], emit: Emit) -> None:
    if not _B32.issuperset(label):
        reason = "not base32 (a v3 address uses a-z and 2-7)"
        emit("onion_v3", start, end, label + ".onion", False, reason, None, extra)
        return
    try:
        onion_pubkey(label)
    except FormatError as exc:
        emit("onion_v3", start, end, label + ".onion", False, str(exc), None, extra)
        return
    emit("onion_v3", start, end, label + ".onion", True, "", None, extra)


def _split(
    low: bytes,
    mask: bytes,
    start: int,
    label: str,
    end: int,
    extra: dict[str, object],
    emit: Emit,
) -> bool:
    """Join the chunks of a space-split address before `start`; True when one was emitted."""
    chunks, total = [label], len(label)
    while total < 56:
        gap = start
        while gap > 0 and start - gap < _MAX_CHUNK_GAP and low[gap - 1] in b" -\t":
            gap -= 1
        if gap == start or gap == 0 or mask[gap - 1] != ord(_ALNUM):
            return False
        chunk_start = mask.rfind(b" ", 0, gap) + 1
        chunks.insert(0, low[chunk_start:gap].decode("ascii"))
        total += gap - chunk_start
        start = chunk_start
    joined = "".join(chunks)
    if total != 56 or not _B32.issuperset(joined):
        return False
    try:
        onion_pubkey(joined)
    except FormatError:
        return False
    emit("onion_v3", start, end, joined + ".onion", True, "", None, {**extra, "defanged": True})
    return True
