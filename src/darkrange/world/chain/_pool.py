"""Address strings and scripts for the ledger's address indices, derived a chunk at a time.

The n-th address of a type is a pure function of (seed, type, n), and the ledger numbers its
addresses in the order the simulation asked for them; the book turns that order (a column of
type codes) into strings and length-prefixed scripts, deriving chunks only as they are needed.
"""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt

from darkrange.world.chain._keys import derive_chunk
from darkrange.world.chain._tx import TYPE_NAMES

_DERIVED = 5  # p2pkh .. p2wsh; op_return has no address


class AddressBook:
    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self.strings: list[str] = []  # by address index
        self.scripts: list[bytes] = []  # length-prefixed scriptPubKey, as serialised
        self.script_hex: list[str] = []  # the scriptPubKey in hex, as the files show it
        self.types = array("b")  # type code (index into TYPE_NAMES)
        self._derived: list[list[str]] = [[] for _ in range(_DERIVED)]
        self._scripts: list[list[bytes]] = [[] for _ in range(_DERIVED)]
        self._hex: list[list[str]] = [[] for _ in range(_DERIVED)]
        self._chunks = [0] * _DERIVED
        self._used = [0] * _DERIVED

    def _ensure(self, code: int, count: int) -> None:
        derived, scripts = self._derived[code], self._scripts[code]
        while len(derived) < count:
            addresses, raw = derive_chunk(self._seed, TYPE_NAMES[code], self._chunks[code])
            self._chunks[code] += 1
            derived += addresses
            scripts += [bytes((len(s),)) + s for s in raw]
            self._hex[code] += [s.hex() for s in raw]

    def release(self) -> None:
        """Forget the derived chunks and the serialised scripts: no more addresses come."""
        self.scripts = []
        self._derived = []
        self._scripts = []
        self._hex = []

    def extend(self, types: npt.NDArray[np.int8]) -> None:
        """Strings and scripts for the next addresses, whose type codes are `types`."""
        strings = np.empty(len(types), dtype=object)
        scripts = np.empty(len(types), dtype=object)
        script_hex = np.empty(len(types), dtype=object)
        for code in range(_DERIVED):
            where = np.flatnonzero(types == code)
            if not len(where):
                continue
            start = self._used[code]
            end = start + len(where)
            self._ensure(code, end)
            strings[where] = self._derived[code][start:end]
            scripts[where] = self._scripts[code][start:end]
            script_hex[where] = self._hex[code][start:end]
            self._used[code] = end
        self.types.frombytes(types.tobytes())
        self.strings += strings.tolist()
        self.scripts += scripts.tolist()
        self.script_hex += script_hex.tolist()
