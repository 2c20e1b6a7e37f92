"""Chain benchmark: ingest, clustering and 5-hop traces on the large world and a synthetic chain.

Usage: .venv/bin/python bench/chain.py [N_TX] [WORLD...] [--cache DIR] [--spark N]
       [--incremental N] [--no-world]
       .venv/bin/python bench/chain.py --recall WORLD... (the recall table alone)
       (default: the large world, seed 7, and a 10,000,000-transaction synthetic chain)

Measures, each in a child process of its own (wall and CPU seconds, peak memory):
- the large world (`darkrange world generate --size large`, cached under --cache): ingest of
  its chain, clustering (tx/s), graph load and 5-hop haircut traces from 40 transactions
  (median, p95; with the default fan-out cap and without);
- a synthetic chain of N_TX transactions (cached): clustering (tx/s), then writing the saved
  clusters (Parquet) and the CSV, as `chain cluster` does;
- with --spark N: Spark (local[2]) versus the embedded engine on the same N-transaction store,
  and whether their results are identical;
- with --incremental N: clustering the last 10% of an N-transaction chain incrementally
  versus in full.

With WORLD folders (made by `darkrange world generate`), also the clusters' address-pair
precision, recall and wallet recall against each world's truth. The machine's load average is
recorded before and after: wall times on a loaded machine say little, CPU seconds more.

With --recall WORLD..., only the recall table (bench/results/chain_recall.json): multi-input
alone versus change links (`chain cluster --with-change T`) at several thresholds: pair
precision and recall, and Nick's (2015) metric for ordinary wallets (the mean share of a
wallet's addresses in its largest cluster; 68.59% for multi-input on real wallets).

A synthetic chain of N transactions is written straight into a chain store.

Shape: every transaction pays two outputs (a payment and change); each output is spent later
by a transaction about a thousand transactions on (exponential gaps), so a transaction has two
inputs on average; addresses are reused now and then (a wallet receiving twice). Values and
addresses are random but consistent: an input carries its spent output's address and value,
as a world chain's inputs do. Deterministic for a seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from darkrange.chain import ChainStore

_LUT = np.array([f"{i:02x}" for i in range(256)], dtype="S2")


def _hex(rng: np.random.Generator, n: int, nbytes: int, prefix: bytes = b"") -> pa.Array:
    raw = rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)
    text = pa.array(_LUT[raw].view(f"S{2 * nbytes}").ravel(), pa.binary()).cast(pa.string())
    if prefix:
        text = pc.binary_join_element_wise(prefix.decode(), text, "")
    # a big numpy array comes back chunked: take() and concat want one array
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def write_synthetic(root: Path, n_tx: int, seed: int = 1, part_tx: int = 1_000_000) -> None:
    """Write `n_tx` transactions into a new store at `root`, in parts of `part_tx`."""
    rng = np.random.default_rng(seed)
    n_out = 2 * n_tx
    txids = _hex(rng, n_tx, 32)
    # addresses: one per output, with about 10% paying an address used before
    n_addr = int(n_out * 0.9)
    addr_pool = _hex(rng, n_addr, 19, b"bc1q")
    out_addr = np.arange(n_out) % n_addr
    reuse = rng.random(n_out) < 0.1
    out_addr[reuse] = rng.integers(0, n_addr, size=int(reuse.sum()))
    out_value = rng.integers(1_000, 10**8, size=n_out)
    spender = (np.arange(n_out) // 2) + 1 + rng.exponential(1000, size=n_out).astype(np.int64)
    spent = spender < n_tx
    in_rows = np.flatnonzero(spent)
    in_tx = spender[in_rows]
    order = np.lexsort((in_rows, in_tx))
    in_rows, in_tx = in_rows[order], in_tx[order]
    n_in = np.bincount(in_tx, minlength=n_tx)
    coinbase = np.flatnonzero(n_in == 0)
    height = np.arange(n_tx) // 2000
    with ChainStore.writer(root) as store:
        for lo in range(0, n_tx, part_tx):
            hi = min(n_tx, lo + part_tx)
            tx_sel = np.arange(lo, hi)
            i_sel = np.flatnonzero((in_tx >= lo) & (in_tx < hi))
            cb = coinbase[(coinbase >= lo) & (coinbase < hi)]
            o_sel = np.arange(2 * lo, 2 * hi)
            blocks = np.unique(height[tx_sel])
            block_hash = [f"{seed:08x}{b:056x}" for b in blocks]
            tables = _part(txids, addr_pool, out_addr, out_value, height, block_hash, blocks,
                           tx_sel, in_rows[i_sel], in_tx[i_sel], cb, o_sel, n_in)  # fmt: skip
            store.commit(tables, kind="blocks", source=f"synthetic:{seed}", blocks=block_hash)


def _quality(world: Path) -> dict[str, float]:
    """Address-pair precision/recall of multi-input clusters against a world's truth."""
    import csv
    import tempfile

    from darkrange.chain import ingest_world_chain
    from darkrange.chain._graph import load_graph
    from darkrange.chain._quality import pair_scores
    from darkrange.chain._wallets import graph_clusters

    with tempfile.TemporaryDirectory() as tmp:
        with ChainStore.writer(Path(tmp) / "s") as store:
            ingest_world_chain(store, world / "chain")
        graph = load_graph(ChainStore.open(Path(tmp) / "s"))
    with open(world / "truth" / "addresses.csv", newline="") as fh:
        owner = {r["address"]: r["owner_id"] for r in csv.DictReader(fh)}
    addresses = graph.addresses.to_pylist()
    known = [i for i, a in enumerate(addresses) if a in owner]
    names = {o: k for k, o in enumerate(sorted(set(owner.values())))}
    truth = np.array([names[owner[addresses[i]]] for i in known])
    s = pair_scores(graph_clusters(graph)[np.array(known)], truth)
    return {"precision": s.precision, "recall": s.recall, "wallet_recall": s.wallet_recall}


# -- recall: multi-input alone vs with change links (chain cluster --with-change) -------------

NICK_2015 = 0.6859  # multi-input: mean share of a real wallet's addresses in its largest cluster
RECALL_THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9)


def _recall(world: Path) -> list[dict[str, object]]:
    """Per method: pair precision/recall, and Nick's metric for ordinary wallets (truth)."""
    import csv
    import tempfile

    from darkrange.chain import ingest_world_chain, link_change, wallet_shares
    from darkrange.chain._change import suggest_change
    from darkrange.chain._graph import load_graph
    from darkrange.chain._quality import pair_scores
    from darkrange.chain._wallets import graph_clusters

    with tempfile.TemporaryDirectory() as tmp:
        with ChainStore.writer(Path(tmp) / "s") as store:
            ingest_world_chain(store, world / "chain")
        graph = load_graph(ChainStore.open(Path(tmp) / "s"))
    with open(world / "truth" / "addresses.csv", newline="") as fh:
        owner = {r["address"]: r["owner_id"] for r in csv.DictReader(fh)}
    addresses = graph.addresses.to_pylist()
    known = np.array([i for i, a in enumerate(addresses) if a in owner])
    owners = [owner[addresses[i]] for i in known]
    names = {o: k for k, o in enumerate(sorted(set(owners)))}
    truth = np.array([names[o] for o in owners])
    # ordinary wallets: background people who do not CoinJoin, with two addresses or more
    ordinary = np.array([o.startswith("bg-") and not o.startswith("bg-cj-") for o in owners])
    sizes = np.bincount(truth[ordinary])
    several = sizes[np.unique(truth[ordinary])] >= 2
    root = graph_clusters(graph)
    suggestions = suggest_change(graph, min(RECALL_THRESHOLDS))
    runs: list[tuple[str, np.ndarray, int]] = [("multi-input", root, 0)]
    for t in RECALL_THRESHOLDS:
        labels, _, report = link_change(graph, root, suggestions, t)
        runs.append((report.method, labels, report.merged))
    rows: list[dict[str, object]] = []
    for method, labels, merged in runs:
        s = pair_scores(labels[known], truth)
        shares = wallet_shares(labels[known][ordinary], truth[ordinary])
        rows.append({"world": world.name, "method": method, "links": merged,
                     "precision": s.precision, "pair_recall": s.recall,
                     "wallet_recall_all": s.wallet_recall,
                     "ordinary_wallet_share": float(shares[several].mean()),
                     "ordinary_wallet_share_incl_single": float(shares.mean()),
                     "beats_nick": bool(shares[several].mean() > NICK_2015)})  # fmt: skip
    return rows


def _recall_main(worlds: list[Path]) -> None:
    """`bench/chain.py --recall WORLD...`: the recall table alone (bench/results/chain_recall)."""
    from _common import save

    rows = [row for world in worlds for row in _recall(world)]
    head = list(rows[0]) if rows else ["world"]
    table = [head] + [[_cell(r[k]) for k in head] for r in rows]
    save("chain_recall", {"nick_2015": NICK_2015, "rows": rows}, table)


def _cell(v: object) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{v:,.3f}" if isinstance(v, float) else f"{v:,}"


class _Clock:
    """Wall and CPU seconds (every thread of the process) since it started."""

    def __init__(self) -> None:
        import time

        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def done(self, data: dict[str, object], name: str) -> float:
        import time

        wall = time.perf_counter() - self.wall
        data[f"{name}_s"], data[f"{name}_cpu_s"] = wall, time.process_time() - self.cpu
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return wall


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- measurements, each run in a child process (its own peak memory) -------------------------


def _cluster_job(root: str, n_tx: int) -> dict[str, object]:
    """Cluster a store; then save the clusters and write the CSV as `chain cluster` does."""
    import tempfile

    from darkrange.chain import cluster_addresses
    from darkrange.chain._incremental import _write_parquet, write_csv

    data: dict[str, object] = {}
    clock = _Clock()
    table, report = cluster_addresses(ChainStore.open(Path(root)))
    seconds = clock.done(data, "cluster")
    data.update(cluster_tx_per_s=n_tx / seconds, addresses=report.addresses,
                clusters=report.clusters, hashed=report.hashed,
                cluster_peak_rss_mb=_peak_mb())  # fmt: skip
    with tempfile.TemporaryDirectory(dir=Path(root).parent) as tmp:
        _write_parquet(Path(tmp) / "clusters.parquet", table)
        write_csv(table, Path(tmp) / "clusters.csv")
    clock.done(data, "save_and_csv")
    return data


def _trace_job(root: str) -> dict[str, object]:
    """Graph load, then 5-hop haircut traces from 40 transactions, capped and not."""
    import time

    from darkrange.chain._graph import load_graph
    from darkrange.chain._trace import FANOUT, Start, trace

    data: dict[str, object] = {}
    clock = _Clock()
    graph = load_graph(ChainStore.open(Path(root)))
    clock.done(data, "graph_load")
    for name, fanout in (("trace5", FANOUT), ("trace5_uncapped", 0)):
        lat, cpu, capped = [], [], 0
        for i in range(0, graph.n_tx, max(1, graph.n_tx // 40)):
            s0, c0 = time.perf_counter(), time.process_time()
            got = trace(graph, Start("tx", graph.txid(i)), hops=5, model="haircut",
                        max_txs=2_000, fanout=fanout)  # fmt: skip
            lat.append(time.perf_counter() - s0)
            cpu.append(time.process_time() - c0)  # the latency on an idle core
            capped += bool(got.capped)
        lat.sort()
        cpu.sort()
        data[f"{name}_median_ms"] = 1000 * lat[len(lat) // 2]
        data[f"{name}_p95_ms"] = 1000 * lat[int(0.95 * (len(lat) - 1))]
        data[f"{name}_max_ms"] = 1000 * lat[-1]
        data[f"{name}_cpu_median_ms"] = 1000 * cpu[len(cpu) // 2]
        data[f"{name}_cpu_p95_ms"] = 1000 * cpu[int(0.95 * (len(cpu) - 1))]
        data[f"{name}_capped_traces"] = capped
    data["trace_fanout_cap"] = FANOUT
    data["trace_peak_rss_mb"] = _peak_mb()
    return data


def _ingest_job(world: str, root: str) -> dict[str, object]:
    from darkrange.chain import ingest_world_chain

    data: dict[str, object] = {}
    clock = _Clock()
    with ChainStore.writer(Path(root)) as store:
        report = ingest_world_chain(store, Path(world) / "chain")
    clock.done(data, "ingest")
    data["transactions"] = report.transactions_added
    data["ingest_peak_rss_mb"] = _peak_mb()
    return data


def _write_job(root: str, n_tx: int) -> dict[str, object]:
    data: dict[str, object] = {}
    clock = _Clock()
    write_synthetic(Path(root), n_tx)
    clock.done(data, "write")
    return data


def _incremental(n_tx: int, tmp: Path) -> dict[str, object]:
    """Cluster 90% of a chain, ingest the last 10%, cluster --incremental vs in full."""
    import json
    import time

    from darkrange.chain import write_clusters

    root = tmp / "inc"
    write_synthetic(root, n_tx, part_tx=max(1, n_tx // 10))
    manifest = root / "manifest.json"
    full_manifest = manifest.read_text()
    data = json.loads(full_manifest)
    data["parts"] = data["parts"][:-1]
    manifest.write_text(json.dumps(data))
    write_clusters(ChainStore.open(root), tmp / "a.csv")
    manifest.write_text(full_manifest)
    t0 = time.perf_counter()
    write_clusters(ChainStore.open(root), tmp / "b.csv", incremental_run=True)
    t1 = time.perf_counter()
    write_clusters(ChainStore.open(root), tmp / "c.csv")
    t2 = time.perf_counter()
    same = (tmp / "b.csv").read_bytes() == (tmp / "c.csv").read_bytes()
    return {"incremental_10pct_s": t1 - t0, "full_s": t2 - t1, "incremental_equals_full": same}


def _spark_job(root: str) -> dict[str, object]:
    """Spark (local[2]) versus embedded clustering on the same store, side by side."""
    from darkrange.chain import cluster_addresses
    from darkrange.chain._spark import cluster_spark, spark_session

    data: dict[str, object] = {}
    clock = _Clock()
    spark = spark_session()
    clock.done(data, "spark_start")
    table, _ = cluster_spark(ChainStore.open(Path(root)), spark)
    spark_s = clock.done(data, "spark")  # the JVM's CPU is not in spark_cpu_s
    embedded, _ = cluster_addresses(ChainStore.open(Path(root)))
    embedded_s = clock.done(data, "embedded")
    spark.stop()
    data["spark_over_embedded"] = spark_s / embedded_s
    data["spark_equals_embedded"] = table.equals(embedded)
    return data


_JOBS = {"cluster": _cluster_job, "trace": _trace_job, "ingest": _ingest_job,
         "write": _write_job, "spark": _spark_job}  # fmt: skip


def _child(job: str, *args: object) -> dict[str, object]:
    """Run a job in a fresh interpreter; its JSON result comes back on the last line."""
    import json
    import subprocess
    import sys

    cmd = [sys.executable, __file__, "--child", job, json.dumps(list(args))]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    print(f"  {job}: " + ", ".join(f"{k}={_cell(v)}" for k, v in result.items()), flush=True)
    return result


def _large_world(cache: Path) -> Path:
    import subprocess
    import sys

    world = cache / "world-large-7"
    if not (world / "world.json").exists():
        exe = Path(sys.executable).with_name("darkrange")
        subprocess.run([str(exe), "world", "generate", "--size", "large", "--seed", "7",
                        "--out", str(world), "--force"], check=True)  # fmt: skip
    return world


def main() -> None:
    """bench/chain.py [N_TX] [WORLD...] [--cache DIR] [--spark N] [--incremental N]"""
    import argparse
    import json
    import os
    import sys
    import tempfile

    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(_JOBS[sys.argv[2]](*json.loads(sys.argv[3]))))
        return
    from _common import save

    ap = argparse.ArgumentParser()
    ap.add_argument("n_tx", type=int, nargs="?", default=10_000_000)
    ap.add_argument("worlds", nargs="*", type=Path)
    ap.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "darkrange-bench-chain"
    )
    ap.add_argument("--spark", type=int, default=1_000_000, help="Spark vs embedded on N (0: skip)")
    ap.add_argument("--incremental", type=int, default=0, help="incremental run on N")
    ap.add_argument("--no-world", action="store_true", help="skip the large world")
    ap.add_argument("--recall", nargs="+", type=Path, default=[], help="recall table only")
    args = ap.parse_args()
    if args.recall:
        _recall_main(args.recall)
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    data: dict[str, object] = {"load_before": os.getloadavg()[0]}
    if not args.no_world:
        world = _large_world(args.cache)
        store = args.cache / "store-large-7"
        if not (store / "manifest.json").exists():
            data.update(
                {f"large_{k}": v for k, v in _child("ingest", str(world), str(store)).items()}
            )
        n_large = json.loads((world / "world.json").read_text())["counts"]["transactions"]
        data["large_transactions"] = n_large
        for job, job_args in (("cluster", (str(store), n_large)), ("trace", (str(store),))):
            data.update({f"large_{k}": v for k, v in _child(job, *job_args).items()})
    synthetic = args.cache / f"synthetic-{args.n_tx}"
    if not (synthetic / "manifest.json").exists():
        data.update(
            {f"synthetic_{k}": v for k, v in _child("write", str(synthetic), args.n_tx).items()}
        )
    data["synthetic_transactions"] = args.n_tx
    data.update(
        {f"synthetic_{k}": v for k, v in _child("cluster", str(synthetic), args.n_tx).items()}
    )
    if args.spark:
        sp = args.cache / f"synthetic-{args.spark}"
        if not (sp / "manifest.json").exists():
            _child("write", str(sp), args.spark)
        data.update({f"spark{args.spark}_{k}": v for k, v in _child("spark", str(sp)).items()})
    if args.incremental:
        with tempfile.TemporaryDirectory() as tmp:
            data.update({f"inc{args.incremental}_{k}": v for k, v in
                         _incremental(args.incremental, Path(tmp)).items()})  # fmt: skip
    for world in args.worlds:  # quality against each world's truth (Nick 2015 baseline: 0.6859)
        for key, value in _quality(world).items():
            data[f"{world.name}_{key}"] = value
    data["load_after"] = os.getloadavg()[0]
    table = [["measure", "value"]] + [[k, _cell(v)] for k, v in data.items()]
    save("chain", data, table)


def _part(
    txids: pa.Array,
    addr_pool: pa.Array,
    out_addr: np.ndarray,
    out_value: np.ndarray,
    height: np.ndarray,
    block_hash: list[str],
    blocks: np.ndarray,
    tx_sel: np.ndarray,
    in_rows: np.ndarray,
    in_tx: np.ndarray,
    cb: np.ndarray,
    o_sel: np.ndarray,
    n_in: np.ndarray,
) -> dict[str, pa.Table]:
    null_s = pa.nulls(len(tx_sel), pa.string())
    bh = {int(b): h for b, h in zip(blocks, block_hash, strict=True)}
    tx_block = pa.array([bh[int(h)] for h in height[tx_sel]], pa.string())
    first = int(tx_sel[0])
    position = (tx_sel - first).astype(np.int32)
    # inputs: spends, then the coinbase inputs of transactions with none
    vin = np.zeros(len(in_tx), dtype=np.int32)
    if len(in_tx):
        starts = np.r_[True, in_tx[1:] != in_tx[:-1]]
        idx = np.arange(len(in_tx))
        vin = (idx - np.maximum.accumulate(np.where(starts, idx, 0))).astype(np.int32)
    i_txs = np.r_[in_tx, cb]
    n_spend = len(in_tx)
    prev_txid = pa.concat_arrays(
        [txids.take(pa.array(in_rows // 2)), pa.nulls(len(cb), pa.string())]
    )
    inputs = pa.table(
        {
            "txid": txids.take(pa.array(i_txs)),
            "block_height": height[i_txs].astype(np.int32),
            "position": (i_txs - first).astype(np.int32),
            "vin": np.r_[vin, np.zeros(len(cb), np.int32)],
            "prev_txid": prev_txid,
            "prev_vout": pa.array(
                np.r_[in_rows % 2, np.zeros(len(cb), int)],
                mask=np.r_[np.zeros(n_spend, bool), np.ones(len(cb), bool)],
            ),
            "address": pa.concat_arrays(
                [addr_pool.take(pa.array(out_addr[in_rows])), pa.nulls(len(cb), pa.string())]
            ),
            "value": np.r_[out_value[in_rows], np.zeros(len(cb), np.int64)],
            "address_source": pa.array(["prevout"] * n_spend + [None] * len(cb), pa.string()),
            "multisig": np.zeros(len(i_txs), bool),
            "sequence": np.full(len(i_txs), 0xFFFFFFFD),
        }
    )
    inputs = inputs.take(pa.array(np.argsort(i_txs, kind="stable")))
    o_tx = o_sel // 2
    outputs = pa.table(
        {
            "txid": txids.take(pa.array(o_tx)),
            "block_height": height[o_tx].astype(np.int32),
            "position": (o_tx - first).astype(np.int32),
            "vout": (o_sel % 2).astype(np.int32),
            "address": addr_pool.take(pa.array(out_addr[o_sel])),
            "value": out_value[o_sel],
            "script_type": pa.array(["p2wpkh"] * len(o_sel)),
            "script_pubkey": pa.nulls(len(o_sel), pa.string()),
        }
    )
    transactions = pa.table(
        {
            "txid": txids.take(pa.array(tx_sel)),
            "wtxid": null_s,
            "block_hash": tx_block,
            "block_height": height[tx_sel].astype(np.int32),
            "position": position,
            "version": np.full(len(tx_sel), 2, np.int32),
            "locktime": np.zeros(len(tx_sel), np.int64),
            "is_coinbase": n_in[tx_sel] == 0,
            "n_inputs": np.maximum(n_in[tx_sel], 1).astype(np.int32),
            "n_outputs": np.full(len(tx_sel), 2, np.int32),
            "output_value": out_value[2 * tx_sel] + out_value[2 * tx_sel + 1],
            "fee": pa.nulls(len(tx_sel), pa.int64()),
            "size": pa.nulls(len(tx_sel), pa.int32()),
            "vsize": np.full(len(tx_sel), 141, np.int32),
            "weight": pa.nulls(len(tx_sel), pa.int32()),
        }
    )
    blocks_t = pa.table(
        {
            "hash": pa.array(block_hash),
            "height": blocks.astype(np.int32),
            "prev_hash": pa.array(["0" * 64] * len(blocks)),
            "time": 1_700_000_000 + 600 * blocks,
            "n_tx": np.bincount(height[tx_sel] - blocks[0])[: len(blocks)].astype(np.int32),
            "merkle_root": pa.array(["0" * 64] * len(blocks)),
            "version": pa.nulls(len(blocks), pa.int32()),
            "bits": pa.nulls(len(blocks), pa.int64()),
            "nonce": pa.nulls(len(blocks), pa.int64()),
            "size": pa.nulls(len(blocks), pa.int32()),
            "weight": pa.nulls(len(blocks), pa.int32()),
            "network": pa.array(["mainnet"] * len(blocks)),
        }
    )
    return {"blocks": blocks_t, "transactions": transactions, "inputs": inputs, "outputs": outputs}


if __name__ == "__main__":
    main()
