"""Multi-input clustering (common input ownership) over integer address ids.

Addresses spent together in one transaction belong to one owner, except in CoinJoins (see
_coinjoin) and for multisig inputs (shared by several owners). Addresses get dense ids in
sorted order; each transaction links its inputs to its smallest id; scipy finds the connected
components; a cluster is named by its smallest address, so ids are stable and deterministic.

Strings are costly at 10 million transactions (20 million inputs): joining and grouping them
dominated. So txids and addresses are reduced to 64-bit hashes as DuckDB scans them (in
parallel) and every join and group runs on those integers. A collision would merge
strangers, so both are checked (all stored txids, all distinct addresses); on a collision the
exact path (the same steps on the strings) runs instead. Strings are touched three times
only: the sort of the distinct addresses (the CSV's order, and the ids), the hashes, and the
CSV itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from darkrange.chain._coinjoin import COINJOIN_SQL
from darkrange.chain._components import components
from darkrange.chain._store import ChainStore, fetch_arrow

Stage = Callable[[str], None]  # told the name of each stage as it ends (progress, profiling)


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
    hashed: bool = False  # joined on 64-bit hashes (no collision); False: on the strings


# Inputs to cluster: `ir` (txid, address, multisig, and `spends`: the input spends an output,
# it is no coinbase) and the outputs table `{outputs}` must exist; `ir` and `coinjoin` are
# what every later step reads.
def prepare(
    con: duckdb.DuckDBPyConnection, report: ClusterReport, outputs: str, spends: str = "spends"
) -> None:
    """Find the CoinJoins and count what clustering skips."""
    con.execute(
        f"CREATE TEMP TABLE coinjoin AS {COINJOIN_SQL.format(inputs='ir', outputs=outputs)}"
    )
    for kind, n in con.execute(
        "SELECT kind, count(*) FROM coinjoin GROUP BY 1 ORDER BY 1"
    ).fetchall():
        report.coinjoins[str(kind)] = int(n)
    counts = con.execute(
        f"""SELECT count(DISTINCT txid), count(*) FILTER (WHERE multisig),
                   count(*) FILTER (WHERE address IS NULL AND {spends}) FROM ir"""
    ).fetchall()[0]
    report.transactions, report.multisig_inputs, report.inputs_without_address = counts


ELIGIBLE = "NOT e.multisig AND e.txid NOT IN (SELECT txid FROM coinjoin)"

# `key` is hash(...) on the fast path and the bare column on the exact one
_IR_SQL = """
CREATE TEMP TABLE ir AS
SELECT {key}(txid) AS txid, address, multisig, prev_txid IS NOT NULL AS spends
FROM inputs_resolved
"""
# Every CoinJoin rule needs three outputs or more, and three distinct vouts include one of 2 or
# more: only those transactions' outputs need grouping by value (most have one or two).
_OUTPUTS_SQL = """(SELECT {key}(txid) AS txid, value FROM outputs
 WHERE {key}(txid) IN (SELECT {key}(txid) FROM outputs WHERE vout >= 2))"""
_DISTINCT_SQL = """
CREATE TEMP TABLE addr AS
SELECT address FROM (SELECT address FROM outputs UNION SELECT address FROM ir)
WHERE address IS NOT NULL
"""
# every eligible input as (transaction key, address id); `ids` maps an address key to its id
_INPUT_IDS_SQL = f"""
CREATE TEMP TABLE el AS
SELECT e.txid AS t, d.a FROM ir e JOIN ids d ON d.k = {{key}}(e.address)
WHERE {ELIGIBLE} AND e.address IS NOT NULL
"""
# per transaction its smallest and largest input id: edges link each input to the smallest
_GROUPS_SQL = "CREATE TEMP TABLE grp AS SELECT t, min(a) AS f, max(a) AS g FROM el GROUP BY t"
_EDGES_SQL = "SELECT g.f, e.a FROM el e JOIN grp g USING (t) WHERE e.a <> g.f"


def _no_collision(con: duckdb.DuckDBPyConnection, report: ClusterReport) -> bool:
    """True when no two transactions and no two distinct addresses share a 64-bit hash."""
    # every stored transaction has an input (a coinbase too): as many distinct hashes in `ir`
    # as transactions means none collide (fewer, and the strings are used: slower, not wrong)
    row = con.execute(
        """SELECT (SELECT count(*) FROM transactions),
                  (SELECT count(*) - count(DISTINCT hash(address)) FROM addr)"""
    ).fetchall()[0]
    return row == (report.transactions, 0)


def _edges(
    con: duckdb.DuckDBPyConnection, key: str, keys: pa.Array
) -> tuple[np.ndarray, np.ndarray, int]:
    """(source ids, target ids, transactions merging two or more addresses)."""
    ids = pa.table({"k": keys, "a": pa.array(np.arange(len(keys), dtype=np.int64))})
    con.register("ids", ids)
    con.execute(_INPUT_IDS_SQL.format(key=key))
    con.execute(_GROUPS_SQL)
    edges = con.execute(_EDGES_SQL).fetchnumpy()
    merging = con.execute("SELECT count(*) FROM grp WHERE f <> g").fetchall()[0][0]
    src = np.asarray(edges["f"], dtype=np.int64)
    dst = np.asarray(edges["a"], dtype=np.int64)
    return src, dst, int(merging)


def cluster_addresses(
    store: ChainStore, *, exact: bool = False, stage: Stage | None = None
) -> tuple[pa.Table, ClusterReport]:
    """`address, cluster_id` for every address seen (sorted by address), and what was done.

    `exact` joins on the strings even when the hashes do not collide (slower, same result).
    """
    done: Stage = stage or (lambda _name: None)
    con = store.connect()
    report = ClusterReport()
    try:
        # resolve inputs once (hashing txids as they are read): every step below reads them
        key = "" if exact else "hash"
        con.execute(_IR_SQL.format(key=key))
        done("resolve inputs")
        con.execute(_DISTINCT_SQL)
        done("distinct addresses")
        prepare(con, report, _OUTPUTS_SQL.format(key=key))
        done("coinjoins")
        report.hashed = not exact and _no_collision(con, report)
        if not report.hashed and not exact:  # a collision: start again on the strings
            con.close()
            return cluster_addresses(store, exact=True, stage=stage)
        done("collision check")
        sort_key = "hash(address)" if report.hashed else "address"
        ordered = fetch_arrow(con, f"SELECT address, {sort_key} AS k FROM addr ORDER BY address")
        addresses = ordered.column("address").combine_chunks()
        done("sort addresses")
        src, dst, report.merging_transactions = _edges(
            con, key, ordered.column("k").combine_chunks()
        )
        done("edges")
    finally:
        con.close()
    root = components(len(addresses), src, dst)
    done("components")
    report.addresses = len(addresses)
    report.clusters = int(np.count_nonzero(root == np.arange(len(root))))
    report.largest = int(np.bincount(root).max()) if len(root) else 0
    table = pa.table({"address": addresses, "cluster_id": addresses.take(pa.array(root))})
    done("cluster ids")
    return table, report
