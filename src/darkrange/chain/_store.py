"""The chain store: Parquet parts in a folder, a manifest that commits them, DuckDB to query.

A part is one Parquet file per table, written under a temporary name and renamed; the manifest
(replaced atomically) is the commit: a part exists only once the manifest lists it, so a killed
ingest leaves nothing a reader sees, and the next writer removes its leftovers.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from darkrange.chain._schema import SCHEMAS, TABLES
from darkrange.errors import StateError

FORMAT = "darkrange-chain-store"
VERSION = 1
MANIFEST = "manifest.json"

_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.bool_(): "BOOLEAN",
}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".tmp-{path.name}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _empty_manifest() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "next_part": 1, "parts": []}


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not root.is_dir():
        raise StateError(f"{root} is not a chain store (no such folder)")
    if not path.is_file():
        raise StateError(f"{root} is not a chain store (no {MANIFEST})")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise StateError(f"{path} is unreadable: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise StateError(f"{path} is not a {FORMAT} version {VERSION} manifest")
    return manifest


@dataclass(frozen=True)
class Part:
    name: str
    kind: str  # "blocks": whole blocks; "loose": transactions fetched one by one
    source: str


class ChainStore:
    """A store folder opened for reading, or for writing under an exclusive lock."""

    def __init__(self, root: Path, manifest: dict[str, Any], lock_fd: int | None) -> None:
        self.root = root
        self.manifest = manifest
        self._lock_fd = lock_fd

    @classmethod
    def open(cls, root: Path | str) -> ChainStore:
        """Open an existing store read-only: a consistent view of what was committed."""
        root = Path(root)
        return cls(root, read_manifest(root), None)

    @classmethod
    @contextlib.contextmanager
    def writer(cls, root: Path | str) -> Iterator[ChainStore]:
        """Open (creating if needed) a store to ingest into; one writer at a time."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise StateError(f"{root} exists and is not a folder")
        if root.is_dir() and not (root / MANIFEST).exists() and any(root.iterdir()):
            raise StateError(f"{root} is neither empty nor a chain store: refusing to write there")
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StateError(f"another ingest is writing to {root}") from None
        try:
            if not (root / MANIFEST).exists():
                _write_atomic(root / MANIFEST, json.dumps(_empty_manifest()).encode())
            store = cls(root, read_manifest(root), fd)
            store._remove_leftovers()
            yield store
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- what is there -------------------------------------------------------------------

    @property
    def parts(self) -> list[Part]:
        return [Part(p["name"], p["kind"], p["source"]) for p in self.manifest["parts"]]

    def block_hashes(self) -> set[str]:
        return {h for p in self.manifest["parts"] for h in p.get("blocks", ())}

    def known_txids(self, txids: list[str]) -> set[str]:
        """Those of `txids` already in the store."""
        if not txids or not self.parts:
            return set()
        con = self.connect()
        try:
            con.register("wanted", pa.table({"txid": pa.array(txids, pa.string())}))
            rows = con.execute(
                "SELECT DISTINCT txid FROM transactions WHERE txid IN (SELECT txid FROM wanted)"
            ).fetchall()
        finally:
            con.close()
        return {r[0] for r in rows}

    def files(self, table: str, kind: str | None = None) -> list[Path]:
        return [
            self.root / table / f"{p.name}.parquet"
            for p in self.parts
            if kind is None or p.kind == kind
        ]

    def _remove_leftovers(self) -> None:
        """Delete what a killed ingest wrote but never committed."""
        listed = {p.name for p in self.parts}
        for table in TABLES:
            folder = self.root / table
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if (
                    path.name.startswith(".tmp-")
                    or path.name.removesuffix(".parquet") not in listed
                ):
                    path.unlink()
        stray = self.root / f".tmp-{MANIFEST}"
        if stray.exists():
            stray.unlink()

    # -- writing -------------------------------------------------------------------------

    def commit(
        self,
        tables: Mapping[str, pa.Table],
        *,
        kind: str,
        source: str,
        blocks: list[str] | None = None,
        txids: list[str] | None = None,
    ) -> str:
        """Write one part (a file per table) and commit it in the manifest; returns its name."""
        if self._lock_fd is None:
            raise StateError("the store was opened read-only")
        name = f"part-{self.manifest['next_part']:06d}"
        rows = {}
        for table in TABLES:
            data = tables[table].cast(SCHEMAS[table])
            folder = self.root / table
            folder.mkdir(exist_ok=True)
            tmp = folder / f".tmp-{name}.parquet"
            pq.write_table(data, tmp, compression="zstd")
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, folder / f"{name}.parquet")
            _fsync_dir(folder)
            rows[table] = data.num_rows
        entry: dict[str, Any] = {"name": name, "kind": kind, "source": source, "rows": rows}
        entry["blocks"] = list(blocks or [])
        if kind == "loose":
            entry["txids"] = list(txids or [])
        manifest = dict(self.manifest)
        manifest["parts"] = [*self.manifest["parts"], entry]
        manifest["next_part"] = self.manifest["next_part"] + 1
        _write_atomic(self.root / MANIFEST, json.dumps(manifest, indent=1).encode())
        self.manifest = manifest
        return name

    # -- querying ------------------------------------------------------------------------

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-process DuckDB with the tables as views, plus `inputs_resolved`.

        Loose transactions (fetched one by one) give way to the same transaction in a whole
        block, so nothing is counted twice.
        """
        con = duckdb.connect()
        for table in TABLES:
            con.execute(f"CREATE VIEW {table} AS {self._table_sql(table)}")
        con.execute(_RESOLVED_SQL)
        return con

    def _table_sql(self, table: str) -> str:
        whole = self._read(table, self.files(table, "blocks"))
        loose = self.files(table, "loose")
        if not loose:
            return whole
        dedupe = ""
        if table != "blocks":
            in_blocks = self._read("transactions", self.files("transactions", "blocks"))
            dedupe = f" WHERE txid NOT IN (SELECT txid FROM ({in_blocks}))"
        return f"{whole} UNION ALL SELECT * FROM ({self._read(table, loose)}){dedupe}"

    @staticmethod
    def _read(table: str, files: list[Path]) -> str:
        schema = SCHEMAS[table]
        if not files:
            cols = ", ".join(f"NULL::{_DUCK_TYPES[f.type]} AS {f.name}" for f in schema)
            return f"SELECT {cols} WHERE false"
        names = ", ".join(f"'{p.as_posix()}'" for p in files)
        return f"SELECT {', '.join(schema.names)} FROM read_parquet([{names}])"


# Inputs with the spent output joined in: an input of a real block knows its address and
# value only when the previous transaction is in the store too (or the source said). Inputs
# the source already resolved (and coinbase inputs) skip the join: it is the costly part.
_RESOLVED_SQL = """
CREATE VIEW inputs_resolved AS
SELECT txid, block_height, position, vin, prev_txid, prev_vout, address, value,
       address_source, multisig, NULL::VARCHAR AS prev_script_type, sequence
FROM inputs WHERE address_source = 'prevout' OR prev_txid IS NULL
UNION ALL
SELECT i.txid, i.block_height, i.position, i.vin, i.prev_txid, i.prev_vout,
       coalesce(o.address, i.address) AS address,
       coalesce(i.value, o.value) AS value,
       CASE WHEN o.txid IS NOT NULL THEN 'store' ELSE i.address_source END AS address_source,
       (i.multisig OR coalesce(o.script_type = 'multisig', false)) AS multisig,
       o.script_type AS prev_script_type,
       i.sequence
FROM inputs i
LEFT JOIN outputs o ON o.txid = i.prev_txid AND o.vout = i.prev_vout
WHERE coalesce(i.address_source, '') <> 'prevout' AND i.prev_txid IS NOT NULL
"""


def fetch_arrow(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> pa.Table:
    """Run a query and fetch an Arrow table (the method's name changed in DuckDB 2)."""
    relation = con.sql(sql, params=params)
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    table: pa.Table = fetch()
    return table
