"""find_selectors: every scanner over one text, results merged, de-duplicated and ordered."""

from __future__ import annotations

from darkrange.extract._addresses import scan_addresses
from darkrange.extract._contacts import scan_at_signs, scan_telegram_links
from darkrange.extract._labels import scan_labels
from darkrange.extract._model import Selector
from darkrange.extract._onions import scan_onions
from darkrange.extract._pgp import scan_pgp

__all__ = ["find_selectors"]

# ASCII letters and digits -> b"a", every other byte -> b" ": runs of b"a" are tokens.
_ALNUM_MASK = bytes(
    ord("a") if chr(b).isascii() and chr(b).isalnum() else ord(" ") for b in range(256)
)


class _Collector:
    """Builds Selectors from spans; the first report of (offset, kind, normalized) wins."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.found: dict[tuple[int, str, str], Selector] = {}

    def __call__(
        self,
        kind: str,
        start: int,
        end: int,
        normalized: str,
        valid: bool,
        reason: str = "",
        network: str | None = None,
        extra: dict[str, object] | None = None,
        value: str | None = None,
    ) -> None:
        key = (start, kind, normalized)
        if key in self.found:
            return
        self.found[key] = Selector(
            kind=kind,
            value=self.text[start:end] if value is None else value,
            normalized=normalized,
            valid=valid,
            reason=reason,
            network=network,
            source=self.source,
            offset=start,
            extra=extra or {},
        )


def find_selectors(text: str, source: str = "") -> list[Selector]:
    """Every selector in `text`, valid ones and invalid look-alikes, ordered by offset.

    `source` is copied into each selector (a file name, a WARC record); offsets count
    characters of `text`.
    """
    # One byte per character (non-ASCII becomes "?"), so byte offsets are character offsets
    # and the scanners can use bytes.find, which runs at memory speed.
    ascii_image = text.encode("ascii", "replace")
    low = ascii_image.lower()
    mask = ascii_image.translate(_ALNUM_MASK)
    emit = _Collector(text, source)
    if b"pgp public key" in low:
        scan_pgp(text, low, emit)
    scan_onions(low, mask, emit)
    scan_addresses(text, mask, emit)
    scan_at_signs(low, emit)
    scan_telegram_links(text, low, emit)
    scan_labels(text, low, emit)
    # stable: keys of one armored block keep their order in the block
    return sorted(emit.found.values(), key=lambda s: (s.offset, s.kind))
