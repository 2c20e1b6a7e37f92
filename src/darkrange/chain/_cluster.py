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

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from darkrange.chain._coinjoin import COINJOIN_SQL
from darkrange.chain._components import Ids, components, group_edges
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


_ADDRESSES_SQL = """
SELECT DISTINCT address FROM (SELECT address FROM outputs UNION ALL SELECT address FROM ir)
WHERE address IS NOT NULL ORDER BY address
"""
_ELIGIBLE_SQL = """
SELECT txid, address FROM ir
WHERE address IS NOT NULL AND NOT multisig AND txid NOT IN (SELECT txid FROM coinjoin)
"""


def _count(con: duckdb.DuckDBPyConnection, report: ClusterReport) -> None:
    counts = con.execute(
        """SELECT (SELECT count(*) FROM transactions),
                  (SELECT count(*) FROM ir WHERE multisig),
                  (SELECT count(*) FROM ir WHERE address IS NULL AND prev_txid IS NOT NULL)"""
    ).fetchall()[0]
    report.transactions, report.multisig_inputs, report.inputs_without_address = counts


def multi_input_edges(eligible: pa.Table, addresses: pa.Array) -> tuple[Ids, Ids]:
    """Integer edges (first input address of a transaction -> each other one)."""
    addr = pc.index_in(eligible.column("address"), value_set=addresses).to_numpy()
    tx = pc.dictionary_encode(eligible.column("txid")).combine_chunks().indices.to_numpy()
    order = np.argsort(tx, kind="stable")
    return group_edges(tx[order], addr[order].astype(np.int64))


def cluster_addresses(store: ChainStore) -> tuple[pa.Table, ClusterReport]:
    """`address, cluster_id` for every address seen (sorted by address), and what was done."""
    con = store.connect()
    report = ClusterReport()
    try:
        # resolve inputs once: every step below reads them
        con.execute(
            "CREATE TEMP TABLE ir AS SELECT txid, address, multisig, prev_txid FROM inputs_resolved"
        )
        con.execute(f"CREATE TEMP TABLE coinjoin AS {COINJOIN_SQL.format(inputs='ir')}")
        for kind, n in con.execute(
            "SELECT kind, count(*) FROM coinjoin GROUP BY 1 ORDER BY 1"
        ).fetchall():
            report.coinjoins[str(kind)] = int(n)
        _count(con, report)
        addresses = fetch_arrow(con, _ADDRESSES_SQL).column(0).combine_chunks()
        eligible = fetch_arrow(con, _ELIGIBLE_SQL)
    finally:
        con.close()
    src, dst = multi_input_edges(eligible, addresses)
    root = components(len(addresses), src, dst)
    report.merging_transactions = _merging(eligible)
    report.addresses = len(addresses)
    report.clusters = int(np.count_nonzero(root == np.arange(len(root))))
    report.largest = int(np.bincount(root).max()) if len(root) else 0
    table = pa.table({"address": addresses, "cluster_id": addresses.take(pa.array(root))})
    return table, report


def _merging(eligible: pa.Table) -> int:
    """Transactions with at least two distinct eligible input addresses."""
    per_tx = eligible.group_by("txid").aggregate([("address", "count_distinct")])
    return int(pc.sum(pc.greater(per_tx.column("address_count_distinct"), 1)).as_py() or 0)


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
