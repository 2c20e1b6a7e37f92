"""The same clustering as a PySpark job over the store's Parquet files (`--engine spark`).

For a chain too large for one machine. The inputs are resolved and CoinJoins found with the
same SQL as the embedded engine; connected components are min-label propagation with
pointer jumping written in DataFrame operations (GraphFrames is not needed): each round every
address takes the smallest label of its neighbours, then the label of its label; labels only
fall and stay inside a component, so when nothing changes every address carries its
component's smallest address, the embedded engine's cluster id. Each round is checkpointed
(locally) so the plan does not grow with the rounds.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from darkrange.chain._cluster import ClusterReport
from darkrange.chain._coinjoin import COINJOIN_SQL
from darkrange.chain._incremental import write_csv
from darkrange.chain._schema import SCHEMAS
from darkrange.chain._store import ChainStore
from darkrange.errors import StateError

if TYPE_CHECKING:
    from pathlib import Path

_RESOLVED = """
SELECT txid, address, multisig, prev_txid FROM inputs
WHERE address_source = 'prevout' OR prev_txid IS NULL
UNION ALL
SELECT i.txid, coalesce(o.address, i.address) AS address,
       (i.multisig OR coalesce(o.script_type = 'multisig', false)) AS multisig, i.prev_txid
FROM inputs i LEFT JOIN outputs o ON o.txid = i.prev_txid AND o.vout = i.prev_vout
WHERE coalesce(i.address_source, '') <> 'prevout' AND i.prev_txid IS NOT NULL
"""
_EDGES = """
SELECT f AS src, address AS dst FROM (
  SELECT address, min(address) OVER (PARTITION BY txid) AS f FROM ir
  WHERE address IS NOT NULL AND NOT multisig AND txid NOT IN (SELECT txid FROM coinjoin))
WHERE address <> f
"""


def spark_session(partitions: int = 4) -> Any:
    """A local[2] session bound to loopback, without the web UI."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise StateError(
            "--engine spark needs pyspark: pip install 'darkrange[spark]' (and Java)"
        ) from None
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (
        SparkSession.builder.master(os.environ.get("DARKRANGE_SPARK_MASTER", "local[2]"))
        .appName("darkrange-chain")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", str(partitions))
        # local mode runs everything in the driver: its default 1 GB heap runs out at ~100k txs
        .config("spark.driver.memory", os.environ.get("DARKRANGE_SPARK_DRIVER_MEMORY", "4g"))
        .getOrCreate()
    )


def _views(spark: Any, store: ChainStore) -> None:
    """The store's tables as views; loose rows give way to the same transaction in a block."""
    blocked = [str(p) for p in store.files("transactions", "blocks")]
    for table in ("transactions", "inputs", "outputs"):
        parts = []
        for kind in ("blocks", "loose"):
            files = [str(p) for p in store.files(table, kind)]
            if files:
                df = spark.read.schema(_ddl(table)).parquet(*files)
                if kind == "loose" and blocked:
                    txids = spark.read.schema(_ddl("transactions")).parquet(*blocked)
                    df = df.join(txids.select("txid"), "txid", "left_anti")
                parts.append(df.selectExpr(*SCHEMAS[table].names))
        df = parts[0] if len(parts) == 1 else parts[0].unionByName(parts[1])
        df.createOrReplaceTempView(table)


def _ddl(table: str) -> str:
    kinds = {pa.string(): "STRING", pa.int32(): "INT", pa.int64(): "BIGINT", pa.bool_(): "BOOLEAN"}
    return ", ".join(f"{f.name} {kinds[f.type]}" for f in SCHEMAS[table])


def _components(spark: Any, edges: Any) -> Any:
    """(node, label): each node of `edges` labelled with its component's smallest node."""
    from pyspark.sql import functions as F

    both = edges.union(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
    both = both.distinct().localCheckpoint()
    labels = both.select(F.col("src").alias("node")).distinct()
    labels = labels.withColumn("label", F.col("node")).localCheckpoint()
    while True:
        seen = both.join(labels.withColumnRenamed("node", "src"), "src")
        best = seen.groupBy(F.col("dst").alias("node")).agg(F.min("label").alias("nl"))
        step = labels.join(best, "node").select("node", F.least("label", "nl").alias("label"))
        # pointer jumping: take the label of the label (always smaller or equal)
        hop = (
            step.alias("a")
            .join(step.alias("b"), F.col("a.label") == F.col("b.node"), "left")
            .select(F.col("a.node"), F.coalesce(F.col("b.label"), F.col("a.label")).alias("label"))
        )
        hop = hop.localCheckpoint()
        changed = (
            hop.join(labels.withColumnRenamed("label", "old"), "node")
            .where("label <> old")
            .limit(1)
            .count()
        )
        labels = hop
        if changed == 0:
            return labels


def cluster_spark(store: ChainStore, spark: Any | None = None) -> tuple[pa.Table, ClusterReport]:
    """`address, cluster_id` for every address seen, sorted: the embedded engine's result."""
    if not store.parts:
        raise StateError(f"store {store.root} is empty: ingest something first")
    spark = spark or spark_session()
    _views(spark, store)
    spark.sql(_RESOLVED).localCheckpoint().createOrReplaceTempView("ir")
    spark.sql(
        COINJOIN_SQL.format(inputs="ir", outputs="outputs")
    ).localCheckpoint().createOrReplaceTempView("coinjoin")
    report = ClusterReport()
    for kind, n in spark.sql("SELECT kind, count(*) FROM coinjoin GROUP BY 1").collect():
        report.coinjoins[str(kind)] = int(n)
    row = spark.sql(
        """SELECT (SELECT count(DISTINCT txid) FROM ir),
                  (SELECT count(*) FROM ir WHERE multisig),
                  (SELECT count(*) FROM ir WHERE address IS NULL AND prev_txid IS NOT NULL)"""
    ).collect()[0]
    report.transactions, report.multisig_inputs, report.inputs_without_address = map(int, row)
    edges = spark.sql(_EDGES).localCheckpoint()
    edges.createOrReplaceTempView("edges")
    report.merging_transactions = int(
        spark.sql(
            "SELECT count(DISTINCT txid) FROM (SELECT txid, count(DISTINCT address) AS n FROM ir "
            "WHERE address IS NOT NULL AND NOT multisig AND txid NOT IN "
            "(SELECT txid FROM coinjoin) GROUP BY txid) WHERE n > 1"
        ).collect()[0][0]
    )
    _components(spark, edges).createOrReplaceTempView("labels")
    result = spark.sql(
        """SELECT n.address, coalesce(l.label, n.address) AS cluster_id
           FROM (SELECT DISTINCT address FROM (SELECT address FROM outputs UNION ALL
                 SELECT address FROM ir) WHERE address IS NOT NULL) n
           LEFT JOIN labels l ON l.node = n.address ORDER BY n.address"""
    )
    table = result.toArrow()
    table = table.cast(pa.schema([("address", pa.string()), ("cluster_id", pa.string())]))
    counts = table.group_by("cluster_id").aggregate([("address", "count")])
    report.addresses = table.num_rows
    report.clusters = counts.num_rows
    report.largest = max(counts.column("address_count").to_pylist(), default=0)
    return table, report


def write_clusters_spark(store: ChainStore, out: Path) -> ClusterReport:
    """Cluster with Spark and write the CSV atomically (the saved clusters are left alone)."""
    from darkrange.chain._incremental import check_out

    check_out(out)
    table, report = cluster_spark(store)
    write_csv(table, out)
    return report
