"""Saved clusters and incremental clustering as new blocks arrive.

Every `chain cluster` saves its result beside the store (DIR/clusters/): the table
`address, cluster_id`, the parts it covers and a merges table. `--incremental` then reads only
the transactions of parts ingested since (plus older ones whose inputs a new transaction may
resolve), maps their input addresses to the saved clusters and unions those: the result is
what a full run would give, since a cluster's id is its smallest address whatever the order.
A merge (two clusters that existed before joined by a new transaction) is recorded with the
transaction that first joined them, in chain order.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from darkrange.chain._cluster import ELIGIBLE, ClusterReport, cluster_addresses, prepare
from darkrange.chain._store import ChainStore, _fsync_dir, _write_atomic, fetch_arrow
from darkrange.errors import InputError, StateError

FOLDER = "clusters"
STATE = "state.json"
FORMAT = "darkrange-cluster-state"
MERGES = pa.schema(
    [
        ("run", pa.int32()),
        ("txid", pa.string()),  # the transaction that first joined the two clusters
        ("block_height", pa.int32()),
        ("cluster_a", pa.string()),  # the two clusters as they were named before the run
        ("cluster_b", pa.string()),
        ("cluster_id", pa.string()),  # the cluster they are part of after the run
    ]
)


def read_state(root: Path) -> dict[str, Any] | None:
    """The saved clustering's description, or None when there is none."""
    path = root / FOLDER / STATE
    if not path.is_file():
        return None
    try:
        state: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise StateError(f"{path} is unreadable: {exc}") from None
    if state.get("format") != FORMAT:
        raise StateError(f"{path} is not a {FORMAT} file")
    return state


def load_merges(root: Path) -> pa.Table:
    """Every merge recorded by incremental runs since the last full run."""
    state = read_state(Path(root))
    if state is None:
        return MERGES.empty_table()
    return pq.read_table(Path(root) / FOLDER / state["merges"])


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateError(f"another `chain cluster` is writing {folder}") from None
        yield
    finally:
        os.close(fd)


def _write_parquet(path: Path, table: pa.Table) -> None:
    tmp = path.with_name(f".tmp-{path.name}")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _save(store: ChainStore, table: pa.Table, merges: pa.Table, run: int) -> None:
    """Write the new files, then point state.json at them (the commit), then drop the old."""
    folder = store.root / FOLDER
    names = {"table": f"clusters-{run:06d}.parquet", "merges": f"merges-{run:06d}.parquet"}
    _write_parquet(folder / names["table"], table)
    _write_parquet(folder / names["merges"], merges.cast(MERGES))
    _fsync_dir(folder)
    state = {"format": FORMAT, "version": 1, "run": run, **names}
    state["parts"] = [p.name for p in store.parts]
    _write_atomic(folder / STATE, json.dumps(state, indent=1).encode())
    for path in folder.iterdir():
        if path.suffix == ".parquet" and path.name not in names.values():
            path.unlink()


# -- incremental ------------------------------------------------------------------------------

_NEW_SQL = """
CREATE TEMP TABLE newtx AS SELECT DISTINCT txid FROM read_parquet($files);
-- older transactions whose inputs are resolved from the store and may spend a new one
INSERT INTO newtx SELECT DISTINCT txid FROM inputs
WHERE coalesce(address_source, '') <> 'prevout' AND prev_txid IN (SELECT txid FROM newtx)
  AND txid NOT IN (SELECT txid FROM newtx);
CREATE TEMP TABLE ir AS
SELECT txid, block_height, position, address, multisig, prev_txid FROM inputs_resolved
WHERE txid IN (SELECT txid FROM newtx);
CREATE TEMP TABLE nout AS SELECT txid, value, address FROM outputs
WHERE txid IN (SELECT txid FROM newtx);
"""
_LABELS_SQL = f"""
SELECT e.txid, e.block_height, e.address, s.cluster_id
FROM ir e LEFT JOIN st s USING (address)
WHERE {ELIGIBLE} AND e.address IS NOT NULL
ORDER BY e.block_height NULLS LAST, e.position NULLS LAST, e.txid
"""


class _Unions:
    """Union-find over cluster names; a set is named by its smallest member."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while (up := self.parent.get(root, root)) != root:
            root = up
        while x != root:  # path compression
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = min(ra, rb), max(ra, rb)
            self.parent[hi] = lo


def _join(rows: dict[str, list[Any]], run: int) -> tuple[_Unions, list[dict[str, Any]]]:
    """Union each transaction's inputs in chain order; record joins of two old clusters."""
    unions = _Unions()
    old: set[str] = set()
    merges: list[dict[str, Any]] = []
    first: dict[str, str] = {}  # txid -> the label its other inputs join
    for txid, height, address, cluster in zip(
        rows["txid"], rows["block_height"], rows["address"], rows["cluster_id"], strict=True
    ):
        label = address if cluster is None else cluster
        if cluster is not None:
            old.add(cluster)
        head = first.setdefault(txid, label)
        ra, rb = unions.find(head), unions.find(label)
        if ra == rb:
            continue
        if ra in old and rb in old:  # a set is old when it holds a cluster saved before
            merges.append({"run": run, "txid": txid, "block_height": height,
                           "cluster_a": min(ra, rb), "cluster_b": max(ra, rb)})  # fmt: skip
        unions.union(ra, rb)
        if ra in old or rb in old:
            old.add(unions.find(ra))
    for m in merges:
        m["cluster_id"] = unions.find(m["cluster_a"])
    return unions, merges


def incremental(
    store: ChainStore, state: dict[str, Any]
) -> tuple[pa.Table, pa.Table, ClusterReport]:
    """Union the transactions of parts not yet clustered with the saved clusters."""
    folder = store.root / FOLDER
    saved = pq.read_table(folder / state["table"])
    merges = pq.read_table(folder / state["merges"])
    report = ClusterReport(incremental=True)
    done = set(state["parts"])
    new = [p for p in store.parts if p.name not in done]
    if not new:
        return saved, merges, _sizes(saved, report)
    files = [str(store.root / "transactions" / f"{p.name}.parquet") for p in new]
    run = int(state["run"]) + 1
    con = store.connect()
    try:
        for sql in _NEW_SQL.split(";"):
            if sql.strip():
                con.execute(sql, {"files": files} if "$files" in sql else None)
        prepare(con, report, "nout", spends="prev_txid IS NOT NULL")
        con.register("st", saved)
        labels = con.execute(_LABELS_SQL).fetchnumpy()
        unions, rows = _join({k: v.tolist() for k, v in labels.items()}, run)
        mapping = pa.table(
            {
                "old": pa.array(list(unions.parent), pa.string()),
                "new": pa.array([unions.find(x) for x in unions.parent], pa.string()),
            }
        )
        con.register("m", mapping)
        table = fetch_arrow(
            con,
            """SELECT address, coalesce(m.new, s.cluster_id) AS cluster_id
               FROM st s LEFT JOIN m ON m.old = s.cluster_id
               UNION ALL
               SELECT n.address, coalesce(m.new, n.address) FROM
                 (SELECT DISTINCT address FROM (SELECT address FROM nout UNION ALL
                                                SELECT address FROM ir)
                  WHERE address IS NOT NULL AND address NOT IN (SELECT address FROM st)) n
               LEFT JOIN m ON m.old = n.address
               ORDER BY address""",
        )
        report.merging_transactions = int(
            con.execute(
                "SELECT count(*) FROM (SELECT txid FROM ir e WHERE "
                f"{ELIGIBLE} AND address IS NOT NULL GROUP BY txid "
                "HAVING count(DISTINCT address) > 1)"
            ).fetchall()[0][0]
        )
    finally:
        con.close()
    report.merges = len(rows)
    added = pa.Table.from_pylist(rows, schema=MERGES)
    return table, pa.concat_tables([merges.cast(MERGES), added]), _sizes(table, report)


def _sizes(table: pa.Table, report: ClusterReport) -> ClusterReport:
    report.addresses = table.num_rows
    if table.num_rows:
        counts = pc.value_counts(table.column("cluster_id")).field("counts")
        report.clusters = len(counts)
        report.largest = int(pc.max(counts).as_py() or 0)
    return report


# -- the command's work -----------------------------------------------------------------------


def write_clusters(store: ChainStore, out: Path, *, incremental_run: bool = False) -> ClusterReport:
    """Cluster (in full, or from the saved clusters), save the result, write the CSV atomically."""
    check_out(out)
    if not store.parts:
        raise StateError(f"store {store.root} is empty: ingest something first")
    with _locked(store.root / FOLDER):
        state = read_state(store.root) if incremental_run else None
        if state is not None and not set(state["parts"]) <= {p.name for p in store.parts}:
            state = None  # saved for other parts (a store rebuilt since): start again
        if state is None:
            table, report = cluster_addresses(store)
            merges, run = MERGES.empty_table(), 1
        else:
            table, merges, report = incremental(store, state)
            run = int(state["run"]) + 1
        _save(store, table, merges, run)
    write_csv(table, out)
    return report


def check_out(out: Path) -> None:
    """Refuse a CSV path that cannot be written, before any work."""
    if out.is_dir():
        raise InputError(f"{out} is a folder; give a CSV file name")
    if not out.parent.is_dir():
        raise InputError(f"folder {out.parent} does not exist")


def write_csv(table: pa.Table, out: Path) -> None:
    """`address,cluster_id` rows, written under a temporary name and renamed."""
    tmp = out.with_name(f".tmp-{out.name}")
    with open(tmp, "wb") as fh:
        fh.write(b"address,cluster_id\n")
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(table, fh, write_options=options)
    os.replace(tmp, out)
