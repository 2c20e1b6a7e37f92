"""Multi-input clustering (common input ownership) over integer address ids.

Addresses spent together in one transaction belong to one owner, except in CoinJoins (see
_coinjoin) and for multisig inputs (shared by several owners). Addresses get dense ids in
sorted order; each transaction links its inputs to its smallest id; scipy finds the connected
components; a cluster is named by its smallest address, so ids are stable and deterministic.

Strings are touched three times only: one sort of the distinct addresses (which also gives
the CSV its order), one hash join turning input addresses into ids, and the CSV itself;
everything after the join is integer arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from darkrange.chain._coinjoin import COINJOIN_SQL
from darkrange.chain._components import components
from darkrange.chain._store import ChainStore, fetch_arrow


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
    incremental: bool = False  # built on the saved clusters, from the new transactions only
    merges: int = 0  # clusters that existed before and were joined by a new transaction


# Inputs to cluster: `ir` (txid, address, multisig, prev_txid) and the outputs table `{outputs}`
# must exist; `ir` and `coinjoin` are what every later step reads.
def prepare(con: duckdb.DuckDBPyConnection, report: ClusterReport, outputs: str) -> None:
    """Find the CoinJoins and count what clustering skips."""
    con.execute(
        f"CREATE TEMP TABLE coinjoin AS {COINJOIN_SQL.format(inputs='ir', outputs=outputs)}"
    )
    for kind, n in con.execute(
        "SELECT kind, count(*) FROM coinjoin GROUP BY 1 ORDER BY 1"
    ).fetchall():
        report.coinjoins[str(kind)] = int(n)
    counts = con.execute(
        """SELECT (SELECT count(DISTINCT txid) FROM ir),
                  (SELECT count(*) FROM ir WHERE multisig),
                  (SELECT count(*) FROM ir WHERE address IS NULL AND prev_txid IS NOT NULL)"""
    ).fetchall()[0]
    report.transactions, report.multisig_inputs, report.inputs_without_address = counts


ELIGIBLE = "NOT e.multisig AND e.txid NOT IN (SELECT txid FROM coinjoin)"

_ADDRESSES_SQL = """
CREATE TEMP TABLE addr AS
SELECT address, (row_number() OVER (ORDER BY address) - 1)::BIGINT AS a
FROM (SELECT DISTINCT address FROM (SELECT address FROM outputs UNION ALL SELECT address FROM ir)
      WHERE address IS NOT NULL)
"""
# per transaction: its smallest and largest input address id; r = 1 on one row of each
_EDGES_SQL = f"""
CREATE TEMP TABLE el AS
SELECT d.a, min(d.a) OVER w AS f, max(d.a) OVER w AS g, row_number() OVER w AS r
FROM ir e JOIN addr d USING (address)
WHERE {ELIGIBLE}
WINDOW w AS (PARTITION BY e.txid)
"""


def cluster_addresses(store: ChainStore) -> tuple[pa.Table, ClusterReport]:
    """`address, cluster_id` for every address seen (sorted by address), and what was done."""
    con = store.connect()
    report = ClusterReport()
    try:
        # resolve inputs once: every step below reads them
        con.execute(
            "CREATE TEMP TABLE ir AS SELECT txid, address, multisig, prev_txid FROM inputs_resolved"
        )
        prepare(con, report, "outputs")
        con.execute(_ADDRESSES_SQL)
        con.execute(_EDGES_SQL)
        edges = con.execute("SELECT f, a FROM el WHERE a <> f").fetchnumpy()
        merging = con.execute("SELECT count(*) FROM el WHERE r = 1 AND f <> g").fetchall()
        addresses = fetch_arrow(con, "SELECT address FROM addr ORDER BY a").column(0)
    finally:
        con.close()
    addresses = addresses.combine_chunks()
    src = np.asarray(edges["f"], dtype=np.int64)
    dst = np.asarray(edges["a"], dtype=np.int64)
    root = components(len(addresses), src, dst)
    report.merging_transactions = int(merging[0][0])
    report.addresses = len(addresses)
    report.clusters = int(np.count_nonzero(root == np.arange(len(root))))
    report.largest = int(np.bincount(root).max()) if len(root) else 0
    table = pa.table({"address": addresses, "cluster_id": addresses.take(pa.array(root))})
    return table, report
