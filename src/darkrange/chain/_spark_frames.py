"""The chain store as Spark DataFrames, and Python's own float sum as a Spark aggregate: what
the Spark exposure job (`_spark_exposure`) and its walk (`_spark_walk`) both stand on."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from darkrange.chain._store import ChainStore

# sum(x for x in values) in Python's own order and rounding (vin or vout order)
_FOLD = "aggregate(array_sort(collect_list(struct({k} AS k, {x} AS x))), CAST(0 AS DOUBLE), "
_LEFT = _FOLD + "(a, e) -> a + e.x)"
_NEUMAIER = (
    _FOLD.replace(
        "CAST(0 AS DOUBLE)", "named_struct('s', CAST(0 AS DOUBLE), 'c', CAST(0 AS DOUBLE))"
    )
    + "(a, e) -> named_struct('s', a.s + e.x, 'c', a.c + IF(abs(a.s) >= abs(e.x), "
    "(a.s - (a.s + e.x)) + e.x, (e.x - (a.s + e.x)) + a.s)), a -> a.s + a.c)"
)


def ordered_sum(key: str, value: str) -> Any:
    """Column: Python's `sum` of `value` over a group, in `key` order (an aggregate)."""
    from pyspark.sql import functions as F

    template = _NEUMAIER if sys.version_info >= (3, 12) else _LEFT
    return F.expr(template.format(k=key, x=value))


# -- the store as DataFrames --------------------------------------------------------------


@dataclass
class _Chain:
    ins: Any  # txid, vin, value (-1: unknown), prev_txid, prev_vout (null: not in the store)
    outs: Any  # txid, vout, value, address
    spends: Any  # prev_txid, prev_vout, txid, vin: which input spends an output of the store


def _chain(spark: Any, store: ChainStore) -> _Chain:
    from darkrange.chain._spark import _views

    _views(spark, store)
    # the embedded graph's inputs: values resolved as inputs_resolved does, linked to the
    # output they spend when that output is in the store
    ins = spark.sql(
        """SELECT i.txid, i.vin,
                  coalesce(CASE WHEN i.address_source = 'prevout' OR i.prev_txid IS NULL
                                THEN i.value ELSE coalesce(i.value, o.value) END, -1) AS value,
                  CASE WHEN o.txid IS NOT NULL THEN i.prev_txid END AS prev_txid,
                  CASE WHEN o.txid IS NOT NULL THEN i.prev_vout END AS prev_vout
           FROM inputs i LEFT JOIN outputs o ON o.txid = i.prev_txid AND o.vout = i.prev_vout"""
    ).cache()
    outs = spark.sql("SELECT txid, vout, value, address FROM outputs").cache()
    spends = ins.where("prev_txid IS NOT NULL").select("prev_txid", "prev_vout", "txid", "vin")
    return _Chain(ins, outs, spends.cache())


def _spenders(chain: _Chain) -> Any:
    """txid, vout, spender, vin: the input spending each output of the store."""
    from pyspark.sql import functions as F

    return chain.spends.select(
        F.col("prev_txid").alias("txid"), F.col("prev_vout").alias("vout"),
        F.col("txid").alias("spender"), "vin",
    )  # fmt: skip
