"""A stream of fresh addresses per address type, derived ahead of need in a worker process.

The n-th address of a type is a pure function of (seed, type, n), so handing addresses out in
the order the simulation asks for them is deterministic whether chunks come from a worker
process (large worlds: address derivation then runs on the second core while the simulation
runs on the first) or are derived in place (small worlds, where a process costs more than it
saves).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor

from darkrange.world.chain._keys import ADDRESS_TYPES, derive_chunk


def _pool_chunk(seed: bytes, address_type: str, chunk: int) -> tuple[list[str], list[bytes]]:
    """A chunk with scripts length-prefixed, as transactions serialise them."""
    addresses, scripts = derive_chunk(seed, address_type, chunk)
    return addresses, [bytes((len(s),)) + s for s in scripts]


_PREFETCH = {"p2wpkh": 8, "p2sh": 4, "p2pkh": 4, "p2tr": 4, "p2wsh": 1}


class AddressPool:
    def __init__(self, seed: bytes, workers: int) -> None:
        self._seed = seed
        self._executor: ProcessPoolExecutor | None = None
        if workers > 0 and "fork" in multiprocessing.get_all_start_methods():
            # fork: the worker needs no re-import of the caller's __main__ module.
            self._executor = ProcessPoolExecutor(workers, multiprocessing.get_context("fork"))
        self._next: dict[str, int] = dict.fromkeys(ADDRESS_TYPES, 0)
        self._queued: dict[str, deque[Future[tuple[list[str], list[bytes]]]]] = {
            t: deque() for t in ADDRESS_TYPES
        }
        self._addresses: dict[str, list[str]] = {t: [] for t in ADDRESS_TYPES}
        self._scripts: dict[str, list[bytes]] = {t: [] for t in ADDRESS_TYPES}
        self._used: dict[str, int] = dict.fromkeys(ADDRESS_TYPES, 0)
        self.taken: dict[str, int] = dict.fromkeys(ADDRESS_TYPES, 0)
        for t in ("p2wpkh", "p2sh", "p2pkh", "p2tr"):
            self._fill(t)

    def _fill(self, address_type: str) -> None:
        if self._executor is None:
            return
        queue = self._queued[address_type]
        while len(queue) < _PREFETCH[address_type]:
            chunk = self._next[address_type]
            self._next[address_type] = chunk + 1
            queue.append(self._executor.submit(_pool_chunk, self._seed, address_type, chunk))

    def _refill(self, address_type: str) -> None:
        if self._executor is None:
            chunk = self._next[address_type]
            self._next[address_type] = chunk + 1
            addresses, scripts = _pool_chunk(self._seed, address_type, chunk)
        else:
            self._fill(address_type)
            addresses, scripts = self._queued[address_type].popleft().result()
            self._fill(address_type)
        self._addresses[address_type] = addresses
        self._scripts[address_type] = scripts
        self._used[address_type] = 0

    def take(self, address_type: str) -> tuple[str, bytes]:
        """The next unused address of this type and its length-prefixed scriptPubKey."""
        used = self._used[address_type]
        if used >= len(self._addresses[address_type]):
            self._refill(address_type)
            used = 0
        self._used[address_type] = used + 1
        self.taken[address_type] += 1
        return self._addresses[address_type][used], self._scripts[address_type][used]

    def close(self) -> None:
        if self._executor is not None:
            for queue in self._queued.values():
                for future in queue:
                    future.cancel()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
