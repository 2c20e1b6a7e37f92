"""What extraction returns: a selector, where it was found and whether it is valid."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["KINDS", "Emit", "Selector"]

# Every kind a selector can have, in the order the documentation lists them.
KINDS = (
    "onion_v3",
    "onion_v2",
    "btc",
    "btc_wif",
    "ltc",
    "xmr",
    "eth",
    "pgp_key",
    "email",
    "xmpp",
    "telegram",
    "session",
    "wickr",
    "signal",
    "threema",
    "phone",
)


@dataclass(frozen=True)
class Selector:
    """One selector found in a text.

    `value` is the text as found (defanged forms included), `normalized` the canonical form to
    match on across pages; for a PGP key `value` is the fingerprint (the armored block spans
    `extra["armor_length"]` characters from `offset`). An invalid look-alike has valid=False
    and says why in `reason`; a valid selector may carry a note in `reason` too (legacy,
    no checksum). `offset` is the character offset of the selector in the text it came from.
    """

    kind: str
    value: str
    normalized: str
    valid: bool
    reason: str
    network: str | None
    source: str
    offset: int
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


class Emit(Protocol):
    """How a scanner reports a candidate: the span [start, end) in the text and what it is."""

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
    ) -> None: ...
