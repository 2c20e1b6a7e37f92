"""CoinJoin shapes: transactions whose inputs belong to many owners, so must not be merged.

All rules look at the largest group of equal-value outputs (k outputs of value v):

- whirlpool   5 inputs, 5 outputs, all equal, at a Whirlpool pool denomination.
- wasabi      Wasabi 1 (k >= 10 around 0.1 BTC) or Wasabi 2 / any big round (>= 50 inputs
              and >= 50 outputs with some equal outputs).
- joinmarket  the BlockSci rule generalised: k >= 2 equal outputs above dust, at least 3
              outputs of which at most k are change (n_out <= 2k), and at least k inputs from
              at least k distinct addresses (each participant brings one at least).

The SQL runs unchanged on DuckDB and Spark SQL. A false positive only costs recall (a
transaction is not merged); a false negative merges strangers, so the rules lean wide.
"""

from __future__ import annotations

WHIRLPOOL_POOLS = (100_000, 1_000_000, 5_000_000, 50_000_000)
DUST = 546

# Format with outputs= and inputs= (resolved inputs) table names; one row per transaction
# that is a CoinJoin. Only transactions with equal outputs reach the join with the inputs.
COINJOIN_SQL = f"""
WITH eq AS (
    SELECT txid, value, count(*) AS k FROM {{outputs}} GROUP BY txid, value
), top AS (
    SELECT txid, max(k) AS k, max(k) FILTER (WHERE value > {DUST}) AS k_nondust,
           max_by(value, k) AS v, sum(k) AS n_out
    FROM eq GROUP BY txid HAVING max(k) >= 2
), ins AS (
    SELECT txid, count(*) AS n_in, count(DISTINCT address) AS n_addr,
           count(*) FILTER (WHERE address IS NULL) AS n_unknown
    FROM {{inputs}} WHERE txid IN (SELECT txid FROM top) GROUP BY txid
)
SELECT t.txid,
       CASE
         WHEN i.n_in = 5 AND t.n_out = 5 AND t.k = 5 AND t.v IN {WHIRLPOOL_POOLS}
           THEN 'whirlpool'
         WHEN (t.k >= 10 AND t.v BETWEEN 5000000 AND 20000000 AND i.n_in >= t.k)
              OR (i.n_in >= 50 AND t.n_out >= 50)
           THEN 'wasabi'
         ELSE 'joinmarket'
       END AS kind
FROM top t JOIN ins i USING (txid)
WHERE (i.n_in = 5 AND t.n_out = 5 AND t.k = 5 AND t.v IN {WHIRLPOOL_POOLS})
   OR (t.k >= 10 AND t.v BETWEEN 5000000 AND 20000000 AND i.n_in >= t.k)
   OR (i.n_in >= 50 AND t.n_out >= 50)
   OR (t.k_nondust >= 2 AND t.n_out >= 3 AND t.n_out <= 2 * t.k_nondust
       AND i.n_in >= t.k_nondust AND i.n_addr + i.n_unknown >= t.k_nondust)
"""
