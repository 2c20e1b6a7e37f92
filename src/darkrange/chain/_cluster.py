"""Multi-input clustering (common input ownership) over integer address ids.

Addresses spent together in one transaction belong to one owner, except in CoinJoins (see
_coinjoin) and for multisig inputs (shared by several owners). Addresses get dense ids in
sorted order; each transaction links its inputs to its smallest id; scipy finds the connected
components; a cluster is named by its smallest address, so ids are stable and deterministic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from darkrange.chain._coinjoin import COINJOIN_SQL
from darkrange.chain._store import ChainStore, fetch_arrow
from darkrange.errors import InputError, StateError


@dataclass
class ClusterReport:
    addresses: int = 0
    clusters: int = 0
    largest: int = 0
    transactions: int = 0
    merging_transactions: int = 0
    coinjoins: dict[str, int] = field(default_factory=dict)
    multisig_inputs: int = 0
    inputs_without_address: int = 0


def _edges(con: object) -> tuple[np.ndarray, np.ndarray]:
    rows = con.execute(  # type: ignore[attr-defined]
        """SELECT r, id FROM (
               SELECT min(a.id) OVER (PARTITION BY e.txid) AS r, a.id
               FROM eligible e JOIN addrs a USING (address))
           WHERE r <> id"""
    ).fetchnumpy()
    return rows["r"].astype(np.int64), rows["id"].astype(np.int64)


def cluster_addresses(store: ChainStore) -> tuple[pa.Table, ClusterReport]:
    """`address, cluster_id` for every address seen (sorted by address), and what was done."""
    con = store.connect()
    report = ClusterReport()
    try:
        # resolve inputs once: every step below reads them
        con.execute("CREATE TEMP TABLE ir AS SELECT * FROM inputs_resolved")
        con.execute(f"CREATE TEMP TABLE coinjoin AS {COINJOIN_SQL.format(inputs='ir')}")
        for kind, n in con.execute(
            "SELECT kind, count(*) FROM coinjoin GROUP BY 1 ORDER BY 1"
        ).fetchall():
            report.coinjoins[str(kind)] = int(n)
        con.execute(
            """CREATE TEMP TABLE addrs AS
               SELECT address, (row_number() OVER (ORDER BY address) - 1)::BIGINT AS id
               FROM (SELECT address FROM outputs WHERE address IS NOT NULL
                     UNION SELECT address FROM ir WHERE address IS NOT NULL)"""
        )
        con.execute(
            """CREATE TEMP TABLE eligible AS
               SELECT DISTINCT txid, address FROM ir
               WHERE address IS NOT NULL AND NOT multisig
                 AND txid NOT IN (SELECT txid FROM coinjoin)"""
        )
        counts = con.execute(
            """SELECT (SELECT count(*) FROM transactions),
                      (SELECT count(*) FROM ir WHERE multisig),
                      (SELECT count(*) FROM ir
                       WHERE address IS NULL AND prev_txid IS NOT NULL),
                      (SELECT count(*) FROM (SELECT txid FROM eligible GROUP BY txid
                                             HAVING count(*) > 1)),
                      (SELECT count(*) FROM addrs)"""
        ).fetchone()
        assert counts is not None
        report.transactions, report.multisig_inputs, report.inputs_without_address = counts[:3]
        report.merging_transactions, n = counts[3], int(counts[4])
        src, dst = _edges(con)
        addresses = fetch_arrow(con, "SELECT address FROM addrs ORDER BY id")
    finally:
        con.close()
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n)).tocsr()
    n_comp, labels = connected_components(graph, directed=False)
    # ids follow address order, so a component's first id is its smallest address
    _, first = np.unique(labels, return_index=True)
    root = first[labels]
    sizes = np.bincount(labels, minlength=n_comp) if n else np.zeros(0, dtype=np.int64)
    report.addresses, report.clusters = n, int(n_comp) if n else 0
    report.largest = int(sizes.max()) if n else 0
    column = addresses.column("address")
    table = pa.table({"address": column, "cluster_id": column.take(pa.array(root))})
    return table, report


def write_clusters(store: ChainStore, out: Path) -> ClusterReport:
    """Cluster and write the CSV atomically (a killed run leaves the old file or none)."""
    if out.is_dir():
        raise InputError(f"{out} is a folder; give a CSV file name")
    if not out.parent.is_dir():
        raise InputError(f"folder {out.parent} does not exist")
    if not store.parts:
        raise StateError(f"store {store.root} is empty: ingest something first")
    table, report = cluster_addresses(store)
    tmp = out.with_name(f".tmp-{out.name}")
    with open(tmp, "wb") as fh:
        fh.write(b"address,cluster_id\n")
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(table, fh, write_options=options)
    os.replace(tmp, out)
    return report
