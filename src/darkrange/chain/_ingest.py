"""Ingest from files: raw blocks in Bitcoin's wire format, and a world's chain Parquet layout."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from darkrange.chain._rows import Batch
from darkrange.chain._store import ChainStore, fetch_arrow
from darkrange.chain._wire import parse_block, split_block_file
from darkrange.errors import FormatError, InputError

Progress = Callable[[int, int], None]  # (done, total)
# A part holds at most about this many transactions: big enough to stay few, small enough to
# keep memory bounded and to lose little work when an ingest is killed.
PART_TXS = 250_000


@dataclass
class IngestReport:
    blocks_added: int = 0
    blocks_skipped: int = 0
    transactions_added: int = 0
    parts: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        self.blocks_added += other.blocks_added
        self.blocks_skipped += other.blocks_skipped
        self.transactions_added += other.transactions_added
        self.parts += other.parts


def flush(store: ChainStore, batch: Batch, report: IngestReport, source: str) -> Batch:
    """Commit a batch of whole blocks (if any) and return a fresh one."""
    if batch.block_hashes:
        name = store.commit(batch.tables(), kind="blocks", source=source, blocks=batch.block_hashes)
        report.parts.append(name)
        report.blocks_added += len(batch.block_hashes)
        report.transactions_added += len(batch)
    return Batch(network=batch.network)


def ingest_raw_blocks(
    store: ChainStore,
    files: Iterable[Path],
    network: str | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest raw block files (bare blocks or blk*.dat); blocks already stored are skipped.

    Each file is parsed whole before anything of it is committed, so a damaged file adds
    nothing; files before it stay ingested.
    """
    report = IngestReport()
    paths = list(files)
    known = store.block_hashes()
    for done, path in enumerate(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read raw block file {path}: {exc.strerror}") from None
        batch = Batch()
        for raw, net in split_block_file(data, network):
            try:
                block = parse_block(raw, net)
            except FormatError as exc:
                raise FormatError(f"{path}: {exc}") from None
            if block.header.hash in known:
                report.blocks_skipped += 1
                continue
            if batch.network != net:
                batch = flush(store, batch, report, f"raw-block:{path.name}")
                batch.network = net
            batch.add_block(block)
            known.add(block.header.hash)
            if len(batch) >= PART_TXS:
                batch = flush(store, batch, report, f"raw-block:{path.name}")
        flush(store, batch, report, f"raw-block:{path.name}")
        if progress:
            progress(done + 1, len(paths))
    return report


# -- a world's chain (docs/formats/chain.md) --------------------------------------------------

_WORLD_COLUMNS = {
    "blocks": {"height", "hash", "prev_hash", "time", "n_tx", "merkle_root"},
    "transactions": {
        "txid", "block_height", "position", "version", "locktime", "is_coinbase",
        "n_inputs", "n_outputs", "fee", "vsize",
    },
    "inputs": {
        "txid", "block_height", "position", "vin", "prev_txid", "prev_vout", "address",
        "value", "sequence",
    },
    "outputs": {"txid", "block_height", "position", "vout", "address", "value", "script_type"},
}  # fmt: skip
_WORLD_SCRIPT_TYPES = {"p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr", "op_return"}


def _check_world(folder: Path) -> dict[str, Path]:
    files = {t: folder / f"{t}.parquet" for t in _WORLD_COLUMNS}
    for table, path in files.items():
        if not path.is_file():
            raise InputError(f"{folder} is not a world chain: {path.name} is missing")
        try:
            names = set(pq.read_schema(path).names)
        except (OSError, pa.ArrowException) as exc:
            raise FormatError(f"{path} is not a readable Parquet file: {exc}") from None
        missing = sorted(_WORLD_COLUMNS[table] - names)
        if missing:
            raise FormatError(f"{path.name} lacks column(s) {', '.join(missing)}")
    return files


_WORLD_SQL = {
    "blocks": """SELECT hash, height, prev_hash, time, n_tx, merkle_root, NULL AS version,
        NULL AS bits, NULL AS nonce, NULL AS size, NULL AS weight, 'mainnet' AS network
        FROM wb WHERE height BETWEEN $lo AND $hi ORDER BY height""",
    "transactions": """SELECT t.txid, NULL AS wtxid, b.hash AS block_hash, t.block_height,
        t.position, t.version, t.locktime, t.is_coinbase, t.n_inputs, t.n_outputs,
        coalesce(ov.v, 0) AS output_value, t.fee, NULL AS size, t.vsize, NULL AS weight
        FROM read_parquet($transactions) t JOIN wb b ON b.height = t.block_height
        LEFT JOIN (SELECT txid, sum(value) AS v FROM read_parquet($outputs)
                   WHERE block_height BETWEEN $lo AND $hi GROUP BY txid) ov USING (txid)
        WHERE t.block_height BETWEEN $lo AND $hi ORDER BY t.block_height, t.position""",
    "inputs": """SELECT i.txid, i.block_height, i.position, i.vin, i.prev_txid, i.prev_vout,
        i.address, i.value,
        CASE WHEN i.prev_txid IS NULL THEN NULL ELSE 'prevout' END AS address_source,
        false AS multisig, i.sequence
        FROM read_parquet($inputs) i SEMI JOIN wb b ON b.height = i.block_height
        WHERE i.block_height BETWEEN $lo AND $hi ORDER BY i.block_height, i.position, i.vin""",
    "outputs": """SELECT o.txid, o.block_height, o.position, o.vout, o.address, o.value,
        CASE o.script_type WHEN 'op_return' THEN 'nulldata' ELSE o.script_type END
            AS script_type, NULL AS script_pubkey
        FROM read_parquet($outputs) o SEMI JOIN wb b ON b.height = o.block_height
        WHERE o.block_height BETWEEN $lo AND $hi ORDER BY o.block_height, o.position, o.vout""",
}


def _world_batches(heights: list[int], n_tx: list[int]) -> list[tuple[int, int]]:
    """Height ranges of the new blocks, each holding about PART_TXS transactions."""
    out: list[tuple[int, int]] = []
    lo, count = None, 0
    for h, n in zip(heights, n_tx, strict=True):
        lo = h if lo is None else lo
        count += n
        if count >= PART_TXS:
            out.append((lo, h))
            lo, count = None, 0
    if lo is not None:
        out.append((lo, heights[-1]))
    return out


def ingest_world_chain(
    store: ChainStore, folder: Path, progress: Progress | None = None
) -> IngestReport:
    """Ingest a world's chain folder; blocks already stored (by hash) are skipped."""
    files = _check_world(folder)
    con = duckdb.connect()
    kinds = con.execute(
        "SELECT DISTINCT script_type FROM read_parquet(?) ORDER BY 1", [str(files["outputs"])]
    ).fetchall()
    unknown = [str(k) for (k,) in kinds if k not in _WORLD_SCRIPT_TYPES]
    if unknown:
        raise FormatError(f"{files['outputs'].name}: unknown script type(s) {', '.join(unknown)}")
    known = pa.table({"hash": pa.array(sorted(store.block_hashes()), pa.string())})
    con.register("known", known)
    con.execute(
        "CREATE TEMP TABLE wb AS SELECT * FROM read_parquet(?) "
        "WHERE hash NOT IN (SELECT hash FROM known) ORDER BY height",
        [str(files["blocks"])],
    )
    skipped = con.execute(
        "SELECT count(*) FROM read_parquet(?) WHERE hash IN (SELECT hash FROM known)",
        [str(files["blocks"])],
    ).fetchone()
    report = IngestReport(blocks_skipped=int(skipped[0]) if skipped else 0)
    rows = con.execute("SELECT height, hash, n_tx FROM wb ORDER BY height").fetchall()
    ranges = _world_batches([r[0] for r in rows], [r[2] for r in rows])
    params = {t: str(p) for t, p in files.items() if t != "blocks"}
    for done, (lo, hi) in enumerate(ranges):
        tables = {}
        for table, sql in _WORLD_SQL.items():
            args = {k: v for k, v in params.items() if f"${k}" in sql}
            tables[table] = fetch_arrow(con, sql, {**args, "lo": lo, "hi": hi})
        hashes = [h for (height, h, _) in rows if lo <= height <= hi]
        name = store.commit(tables, kind="blocks", source=f"world-chain:{folder}", blocks=hashes)
        report.parts.append(name)
        report.blocks_added += len(hashes)
        report.transactions_added += tables["transactions"].num_rows
        if progress:
            progress(done + 1, len(ranges))
    return report
