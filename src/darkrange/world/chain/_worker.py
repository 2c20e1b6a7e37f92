"""Where the finaliser runs: in the simulating process (small worlds) or beside it (large ones).

Both give the same files: the finaliser sees the same batches in the same order either way. In
a process, batches go through a queue (its feeder thread keeps the simulation from waiting on
the pipe) and the simulation only waits at the end, for the address strings and txids its
ground truth names; the process writes the Parquet files while the simulation builds that
ground truth.
"""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from darkrange.world.chain._finalise import Finaliser
from darkrange.world.chain._write import warm_up, write_chain

Batch = tuple[dict[str, bytes], list[tuple[int, bytes]]]


class Identifiers:
    """What the simulation needs back: every address string and every txid (internal order)."""

    def __init__(self, addresses: list[str], txids: bytes) -> None:
        self.addresses = addresses
        self._txids = txids

    def txid(self, t: int) -> str:
        return self._txids[32 * t : 32 * t + 32][::-1].hex()


class LocalFinaliser:
    def __init__(self, seed: bytes, out_dir: Path) -> None:
        self._fin = Finaliser(seed)
        self._out_dir = out_dir

    def feed(self, batch: Batch) -> None:
        self._fin.feed(*batch)

    def finish(self) -> Identifiers:
        ids = Identifiers(*self._fin.identifiers())
        write_chain(self._out_dir, self._fin)
        return ids

    def wait_written(self) -> None:
        return None

    def close(self) -> None:
        return None


def _serve(queue: Any, conn: Connection, seed: bytes, out_dir: Path) -> None:
    gc.disable()  # as in the simulation: many long-lived objects, no cycles
    try:
        warm_up()  # pyarrow's first array imports pandas: a second better spent now than at the end
        fin = Finaliser(seed)
        while (batch := queue.get()) is not None:
            fin.feed(*batch)
        strings, txids = fin.identifiers()
        conn.send(("identifiers", ("\n".join(strings).encode("ascii"), txids)))
        del txids
        write_chain(out_dir, fin)
        conn.send(("written", None))
    except BaseException:  # the simulation raises it: no silent half-written chain
        conn.send(("failed", traceback.format_exc()))
    finally:
        conn.close()


class ProcessFinaliser:
    def __init__(self, seed: bytes, out_dir: Path) -> None:
        # fork: the child needs no re-import of the caller's __main__ module.
        ctx = multiprocessing.get_context("fork")
        self._queue = ctx.Queue()
        self._conn, child = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=_serve, args=(self._queue, child, seed, out_dir), daemon=True
        )
        self._process.start()
        child.close()
        self._written = False

    def feed(self, batch: Batch) -> None:
        self._queue.put(batch)

    def _receive(self, expected: str) -> Any:
        try:
            kind, payload = self._conn.recv()
        except EOFError:
            raise RuntimeError("the chain finaliser process died") from None
        if kind != expected:
            raise RuntimeError(f"the chain finaliser failed:\n{payload}")
        return payload

    def finish(self) -> Identifiers:
        self._queue.put(None)
        strings, txids = self._receive("identifiers")
        return Identifiers(strings.decode("ascii").split("\n") if strings else [], txids)

    def wait_written(self) -> None:
        self._receive("written")
        self._written = True

    def close(self) -> None:
        """Stop the process; one that has not written everything (the simulation failed) is
        killed, so that it never writes a chain the simulation did not finish."""
        if not self._written:
            self._queue.cancel_join_thread()
            self._process.kill()
        self._queue.close()
        self._conn.close()
        self._process.join()


def finaliser(seed: bytes, out_dir: Path, in_process: bool) -> LocalFinaliser | ProcessFinaliser:
    if in_process or "fork" not in multiprocessing.get_all_start_methods():
        return LocalFinaliser(seed, out_dir)
    return ProcessFinaliser(seed, out_dir)
