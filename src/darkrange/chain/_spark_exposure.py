"""Tagging and exposure as PySpark jobs over the store's Parquet: the embedded results, exactly.

The embedded path (`_exposure`) follows a cluster's money with the haircut tracer: each hop it
takes the transactions reached (in txid order), recomputes their outputs' taint (forward) or
their inputs' funding (backward) from everything tainted so far, keeps increases only, and
pushes the increases on. Money reaching a tagged address of another cluster stops there.

The Spark job is the same arithmetic as DataFrame operations, hop by hop:

- Within a hop the embedded tracer works through the transactions one by one in txid order,
  so a transaction that spends (forward) or funds (backward) another transaction of the same
  hop with a smaller txid sees that one's new taint at once. Here each hop is iterated to a
  fixed point in which an input sees the same-hop update only from a smaller txid: a
  dependency chain of length d settles in d rounds, to the embedded result.
- A transaction's taint is a sum over its inputs (outputs, backward) taken in input order, as
  Python's `sum` does it (a left fold before Python 3.12, Neumaier's compensated sum since),
  so every satoshi figure is bit for bit the embedded one.
- The embedded tracer stops at `max_txs` transactions (50,000 for exposure), part-way through
  a hop: the transactions of that hop past the cut-off (in txid order) are not processed.
  The same cut-off is computed here.
- The tagged money found is summed on the driver in the embedded order of discovery.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from darkrange.chain._exposure import DIRECTIONS, Exposure, ExposureRow
from darkrange.chain._spark_frames import _Chain, _chain, _spenders
from darkrange.chain._spark_walk import _Walk, _walk
from darkrange.chain._store import ChainStore
from darkrange.chain._tags import load_tags
from darkrange.chain._trace import Start
from darkrange.errors import InputError, StateError

MAX_TXS = 50_000  # the embedded exposure's cap on transactions reached, per direction


def _frame(spark: Any, data: Any, ddl: str | None) -> Any:
    """A Spark DataFrame from a DataFrame, an Arrow table, or a CSV / Parquet file."""
    if isinstance(data, pa.Table):
        return spark.createDataFrame(data)
    if isinstance(data, (str, Path)):
        path = Path(data)
        if not path.exists():
            raise InputError(f"{path} does not exist")
        reader = spark.read if ddl is None else spark.read.schema(ddl)
        if path.suffix.lower() == ".csv":
            return reader.option("header", "true").csv(str(path))
        return reader.parquet(str(path))
    return data


def _clusters(spark: Any, store: ChainStore, clusters: Any) -> Any:
    if clusters is None:
        from darkrange.chain._spark import cluster_spark

        clusters, _ = cluster_spark(store, spark)
    frame = _frame(spark, clusters, "address STRING, cluster_id STRING")
    return frame.select("address", "cluster_id")


# -- tagging ----------------------------------------------------------------------------


def tag_addresses_spark(spark: Any, clusters: Any, tags: Any) -> Any:
    """DataFrame `address, cluster_id, keys, labels` (sorted arrays): each address a BTC tag
    reaches, by its own tags or its cluster's cluster-definer tags (the embedded Attribution's
    `keys` and `labels`). `clusters` (`address, cluster_id`) and `tags` (the store's tags
    table) may be DataFrames, Arrow tables or files."""
    from pyspark.sql import functions as F

    clusters = _frame(spark, clusters, "address STRING, cluster_id STRING")
    if isinstance(tags, pa.Table):  # only BTC tags meet the chain: ship no others to the JVM
        tags = tags.filter(pc.equal(tags.column("currency"), "BTC"))
    tags = _frame(spark, tags, None)
    keys = F.filter(
        F.array(
            F.when(F.coalesce(F.col("category"), F.lit("")) != "", F.concat(
                F.lit("category:"), F.col("category"))),
            F.when(F.coalesce(F.col("abuse"), F.lit("")) != "", F.concat(
                F.lit("abuse:"), F.col("abuse"))),
        ),
        lambda k: k.isNotNull(),
    )  # fmt: skip
    keys = F.when(F.size(keys) == 0, F.array(F.lit("category:unknown"))).otherwise(keys)
    own = (
        tags.where(F.col("currency") == "BTC")
        .join(clusters, "address")
        .select(
            "address", "cluster_id", F.explode(keys).alias("key"),
            F.coalesce(F.col("label"), F.lit("None")).alias("label"),  # str(None), as embedded
            F.coalesce(F.col("is_cluster_definer"), F.lit(False)).alias("definer"),
        )
    )  # fmt: skip
    inherited = (
        own.where("definer")
        .select("cluster_id", "key", "label")
        .join(clusters, "cluster_id")
        .select("address", "cluster_id", "key", "label")
    )
    return (
        own.drop("definer")
        .unionByName(inherited)
        .groupBy("address", "cluster_id")
        .agg(
            F.array_sort(F.collect_set("key")).alias("keys"),
            F.array_sort(F.collect_set("label")).alias("labels"),
        )
    )


# -- exposure ---------------------------------------------------------------------------


def _start(clusters: Any, start: Start) -> tuple[str, str]:
    """(address, its cluster) of the start, checked as the embedded path checks it."""
    from pyspark.sql import functions as F

    if start.kind not in ("address", "cluster"):
        raise InputError(f"exposure starts from an address or a cluster, not a {start.kind}")
    names = {start.value}
    if start.value.lower().startswith(("bc1", "tb1", "bcrt1")):
        names.add(start.value.lower())  # bech32 is matched lower case
    found = {r[0]: r[1] for r in clusters.where(F.col("address").isin(*names)).collect()}
    address = start.value if start.value in found else start.value.lower()
    if address not in found:
        raise InputError(f"address {start.value} is not in the store")
    if start.kind == "cluster" and found[address] != address:
        raise InputError(f"{start.value} is not a cluster id (its cluster is named "
                         f"{found[address]})")  # fmt: skip
    return address, str(found[address])


def _hits(walk: _Walk, chain: _Chain, tagged: Any, way: str) -> list[Any]:
    """The tagged outputs the money reached, in the embedded order of discovery."""
    from pyspark.sql import functions as F

    rows = walk.taint.where("hop > 0 AND taint > 0")
    rows = rows.join(chain.outs.select("txid", "vout", "address"), ["txid", "vout"])
    rows = rows.join(tagged, "address")
    if way == "out":  # found hop by hop, transaction by transaction, output by output
        order = [F.col("hop"), F.col("txid"), F.col("vout")]
    else:  # found hop by hop through the spending transaction, input by input
        rows = rows.join(_spenders(chain), ["txid", "vout"], "left")
        order = [F.col("hop"), F.col("spender"), F.col("vin")]
    return list(rows.orderBy(*order).select("taint", "hop", "keys", "labels").collect())


def exposure_spark(
    store: ChainStore,
    start: Start,
    *,
    hops: int = 3,
    direction: str = "both",
    max_txs: int = MAX_TXS,
    clusters: Any = None,
    tags: Any = None,
    spark: Any = None,
) -> Exposure:
    """The embedded `exposure` as Spark jobs over the store: the same rows, to the satoshi.

    `clusters` (`address, cluster_id` of the same store: DataFrame, Arrow table, CSV or
    Parquet) defaults to the Spark clustering job; `tags` to the store's tags."""

    from darkrange.chain._spark import spark_session

    if direction not in DIRECTIONS:
        raise InputError(f"--direction must be in, out or both, not {direction!r}")
    if not 1 <= hops <= 20:
        raise InputError(f"--hops must be between 1 and 20, not {hops}")
    if not store.parts:
        raise StateError(f"store {store.root} is empty: ingest something first")
    spark = spark or spark_session()
    chain = _chain(spark, store)
    frames = _clusters(spark, store, clusters).cache()
    try:
        found = _exposure_rows(spark, chain, frames, store, start, hops, direction, max_txs, tags)
    finally:  # the session outlives the call: free what it cached
        for frame in (chain.ins, chain.outs, chain.spends, frames):
            frame.unpersist()
    total, rows = found
    ordered = sorted(rows, key=lambda r: (r.direction, -(r.direct_sat + r.indirect_sat)))
    return Exposure(start, hops, total, ordered)


def _exposure_rows(
    spark: Any, chain: _Chain, clusters: Any, store: ChainStore, start: Start, hops: int,
    direction: str, max_txs: int, tags: Any,
) -> tuple[int, list[ExposureRow]]:  # fmt: skip
    from pyspark.sql import functions as F

    address, own = _start(clusters, start)
    tagged = tag_addresses_spark(spark, clusters, load_tags(store.root) if tags is None else tags)
    tagged = tagged.where(F.col("cluster_id") != own).drop("cluster_id").cache()
    if start.kind == "cluster":
        members = clusters.where(F.col("cluster_id") == own).select("address")
    else:
        members = spark.createDataFrame([(address,)], "address STRING")
    seed = chain.outs.join(members, "address").select(
        "txid", "vout", "value", F.col("value").cast("double").alias("taint")
    ).cache()  # fmt: skip
    total, n_txs = seed.agg(F.sum("value"), F.countDistinct("txid")).collect()[0]
    found: dict[tuple[str, str], ExposureRow] = {}
    for way in ("in", "out") if direction == "both" else (direction,):
        walk = _walk(chain, seed, n_txs, way, hops, tagged.select("address"), max_txs)
        # summed in the embedded order, so the floats are the embedded floats
        for hit in _hits(walk, chain, tagged, way):
            for key in hit["keys"]:
                item = found.setdefault((way, key), ExposureRow(way, key))
                if hit["hop"] == 1:
                    item.direct_sat += hit["taint"]
                else:
                    item.indirect_sat += hit["taint"]
                item.labels |= set(hit["labels"])
    seed.unpersist()
    tagged.unpersist()
    return int(total or 0), list(found.values())
