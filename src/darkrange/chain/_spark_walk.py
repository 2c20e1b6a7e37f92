"""One direction of the Spark exposure walk: hop by hop, each hop iterated to the embedded
tracer's fixed point (see `_spark_exposure` for why the arithmetic is the embedded one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from darkrange.chain._spark_frames import _Chain, _spenders, ordered_sum

# -- one direction of the walk -----------------------------------------------------------


@dataclass
class _Walk:
    """The taint of every output reached: the embedded `taint_out`, `row_hop` and frontier."""

    taint: Any  # txid, vout, taint, hop (first increase), delta, at (step of the last increase)
    seen: Any  # txid of every transaction reached (may repeat)
    n_seen: int
    step: int = 0
    truncated: bool = False

    def frontier(self) -> Any:
        return self.taint.where(self.taint.at == self.step).select("txid", "vout", "delta")


def _reach(walk: _Walk, txs: Any, spends: Any, way: str, max_txs: int) -> tuple[Any, bool] | None:
    """This hop's transactions the embedded tracer processes before its cap stops it (None:
    none), and whether one of them depends on another (spends or funds a smaller txid)."""
    from pyspark.sql import functions as F

    seen = walk.seen.distinct().withColumn("_seen", F.lit(True))
    flagged = txs.join(seen, "txid", "left")
    counts = flagged.agg(F.count("*").alias("n"), F.count_if(F.col("_seen").isNull()).alias("new"))
    dep = _dependent(txs, spends, way)
    n, n_new, n_dep = counts.crossJoin(dep).collect()[0]
    if n == 0:
        return None
    room = max(max_txs - walk.n_seen, 0)
    if n_new > room:
        # the embedded tracer returns at the first new transaction it has no room for
        walk.truncated = True
        first = flagged.where("_seen IS NULL").orderBy("txid").offset(room).limit(1)
        txs = txs.where(F.col("txid") < first.collect()[0][0])
        n_new = room
        n_dep = _dependent(txs, spends, way).collect()[0][0] if n_dep else 0
    walk.n_seen += int(n_new)
    walk.seen = walk.seen.unionByName(txs)
    return txs, n_dep > 0


def _dependent(txs: Any, spends: Any, way: str) -> Any:
    """One row: how many of the hop's links go from a smaller txid to a larger one of the hop
    (forward: a spender spends an earlier one's output; backward: funds an earlier one)."""
    from pyspark.sql import functions as F

    inside = spends.join(txs, "txid", "left_semi")
    inside = inside.join(txs.select(F.col("txid").alias("prev_txid")), "prev_txid", "left_semi")
    first = (
        F.col("prev_txid") < F.col("txid") if way == "out" else F.col("txid") < F.col("prev_txid")
    )
    return inside.agg(F.count_if(first).alias("dep"))


def _settle(step: Any, dependent: bool) -> Any:
    """Iterate a hop's update to its fixed point (same-hop dependencies settle one per round)."""
    if not dependent:
        return step(None)
    cur = step(None).localCheckpoint()
    while True:
        nxt = step(cur).localCheckpoint()
        prev = cur.withColumnRenamed("new", "prev")
        changed = nxt.join(prev, ["txid", "vout"]).where("new <> prev").limit(1).count()
        cur = nxt
        if changed == 0:
            return cur


def _share(total_taint: str, total: str, fallback: str) -> Any:
    """The haircut share of `spread`: taint over value, the fallback value when none."""
    from pyspark.sql import functions as F

    base = F.when(F.col(total) > 0, F.col(total)).otherwise(F.col(fallback))
    share = F.when(base > 0, F.least(F.lit(1.0), F.col(total_taint) / base.cast("double")))
    return F.when(F.col(total_taint) <= 0, F.lit(0.0)).otherwise(F.coalesce(share, F.lit(0.0)))


def _visible(rows: Any, cur: Any | None, keys: list[str]) -> Any:
    """Taint each input (output, backward) shows: a same-hop update from a smaller txid."""
    from pyspark.sql import functions as F

    if cur is None:
        return rows.withColumn("vis", F.col("old"))
    news = cur.select(F.col("txid").alias(keys[0]), F.col("vout").alias(keys[1]),
                      F.col("new").alias("cur"))  # fmt: skip
    updated = F.greatest("old", F.coalesce("cur", F.lit(0.0)))
    joined = rows.join(news, keys, "left")
    return joined.withColumn("vis", F.when(F.col("inhop"), updated).otherwise(F.col("old")))


def _forward_hop(chain: _Chain, txs: Any, taint: Any, dependent: bool) -> Any:
    """txid, vout, new: the outputs' taint of this hop's transactions (embedded `_push`)."""
    from pyspark.sql import functions as F

    old = taint.select(F.col("txid").alias("prev_txid"), F.col("vout").alias("prev_vout"),
                       F.col("taint").alias("old"))  # fmt: skip
    later = txs.select(F.col("txid").alias("prev_txid"), F.lit(True).alias("inhop"))
    ins = (
        chain.ins.join(txs, "txid", "left_semi")
        .join(old, ["prev_txid", "prev_vout"], "left")
        .join(later, "prev_txid", "left")
        .select("txid", "vin", "value", "prev_txid", "prev_vout",
                F.coalesce("old", F.lit(0.0)).alias("old"),
                (F.coalesce("inhop", F.lit(False)) & (F.col("prev_txid") < F.col("txid")))
                .alias("inhop"))
    )  # fmt: skip
    outs = chain.outs.join(txs, "txid", "left_semi").select("txid", "vout", "value")
    outs = outs.join(outs.groupBy("txid").agg(F.sum("value").alias("out_total")), "txid")

    def step(cur: Any) -> Any:
        per_tx = (
            _visible(ins, cur, ["prev_txid", "prev_vout"])
            .groupBy("txid")
            .agg(
                ordered_sum("vin", "vis").alias("taint"),
                F.sum(F.greatest("value", F.lit(0))).alias("in_total"),
            )
        )
        share = _share("taint", "in_total", "out_total")
        new = F.greatest("value", F.lit(0)).cast("double") * share
        return outs.join(per_tx, "txid").select("txid", "vout", new.alias("new"))

    return _settle(step, dependent)


def _backward_hop(chain: _Chain, txs: Any, taint: Any, dependent: bool) -> Any:
    """txid, vout, new: the funding of the outputs this hop's transactions spend."""
    from pyspark.sql import functions as F

    later = txs.select(F.col("txid").alias("spender"), F.lit(True).alias("inhop"))
    outs = (
        chain.outs.join(txs, "txid", "left_semi")
        .join(taint.select("txid", "vout", F.col("taint").alias("old")), ["txid", "vout"], "left")
        .join(_spenders(chain).drop("vin"), ["txid", "vout"], "left")
        .join(later, "spender", "left")
        .select("txid", "vout", "value", F.coalesce("old", F.lit(0.0)).alias("old"),
                (F.coalesce("inhop", F.lit(False)) & (F.col("spender") < F.col("txid")))
                .alias("inhop"))
    )  # fmt: skip
    ins = chain.ins.join(txs, "txid", "left_semi")
    in_total = ins.groupBy("txid").agg(F.sum(F.greatest("value", F.lit(0))).alias("in_total"))
    ins = ins.where("prev_txid IS NOT NULL").join(in_total, "txid")

    def step(cur: Any) -> Any:
        per_tx = (
            _visible(outs, cur, ["txid", "vout"])
            .groupBy("txid")
            .agg(ordered_sum("vout", "vis").alias("taint"), F.sum("value").alias("out_total"))
        )
        share = _share("taint", "out_total", "in_total")
        funded = F.greatest("value", F.lit(0)).cast("double") * share
        return ins.join(per_tx, "txid").select(
            F.col("prev_txid").alias("txid"), F.col("prev_vout").alias("vout"),
            funded.alias("new"),
        )  # fmt: skip

    return _settle(step, dependent)


def _apply(walk: _Walk, new: Any, hop: int) -> None:
    """Keep the increases (first hop noted), as the embedded `taint_out` and `row_hop`."""
    from pyspark.sql import functions as F

    walk.step += 1
    was = F.coalesce("taint", F.lit(0.0))
    up = F.coalesce(F.col("new") > was, F.lit(False))
    walk.taint = (
        walk.taint.join(new, ["txid", "vout"], "full_outer")
        .where(up | F.col("taint").isNotNull())
        .select("txid", "vout",
                F.when(up, F.col("new")).otherwise(F.col("taint")).alias("taint"),
                F.coalesce("hop", F.lit(hop)).alias("hop"),
                F.when(up, F.col("new") - was).otherwise(F.col("delta")).alias("delta"),
                F.when(up, F.lit(walk.step)).otherwise(F.col("at")).alias("at"))
    ).localCheckpoint()  # fmt: skip


def _moving(walk: _Walk, chain: _Chain, stopped: Any | None) -> Any:
    """Frontier outputs that carry at least a satoshi more and are not stopped by a tag."""
    rows = walk.frontier().where("delta >= 1.0")
    if stopped is not None:
        addressed = rows.join(chain.outs.select("txid", "vout", "address"), ["txid", "vout"])
        rows = addressed.join(stopped, "address", "left_anti").select("txid", "vout")
    return rows


def _walk(chain: _Chain, seed: Any, n_seed_txs: int, way: str, hops: int, stopped: Any,
          max_txs: int) -> _Walk:  # fmt: skip
    from pyspark.sql import functions as F

    state = seed.select("txid", "vout", "taint", F.lit(0).alias("hop"),
                        F.col("taint").alias("delta"), F.lit(0).alias("at"))  # fmt: skip
    if way == "out":  # the seed's transactions count towards the cap
        walk = _Walk(state, seed.select("txid"), n_seed_txs)
        for hop in range(1, hops + 1):
            rows = _moving(walk, chain, stopped if hop > 1 else None)
            spent = rows.join(_spenders(chain), ["txid", "vout"])
            txs = spent.select(F.col("spender").alias("txid")).distinct()
            reached = _reach(walk, txs, chain.spends, way, max_txs)
            if reached is None:
                break
            _apply(walk, _forward_hop(chain, reached[0], walk.taint, reached[1]), hop)
            if walk.truncated:
                break
    else:
        walk = _Walk(state, seed.select("txid").limit(0), 0)
        for hop in range(hops):  # the embedded last hop only lists what it reached
            rows = _moving(walk, chain, stopped if hop > 0 else None)
            reached = _reach(walk, rows.select("txid").distinct(), chain.spends, way, max_txs)
            if reached is None:
                break
            _apply(walk, _backward_hop(chain, reached[0], walk.taint, reached[1]), hop + 1)
            if walk.truncated:
                break
    return walk
