"""Multi-input clustering: merges, CoinJoins and multisig that must not merge, the real block."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import coincurve

from darkrange.chain import (
    NETWORKS,
    Batch,
    ChainStore,
    Placement,
    TxIn,
    TxOut,
    build_tx,
    classify,
    cluster_addresses,
    ingest_raw_blocks,
    ingest_world_chain,
    write_clusters,
)
from darkrange.chain._script import hash160
from darkrange.cli import main
from tests.chain.worldfix import Spec, address, write_world


def _clusters(path: Path) -> dict[str, str]:
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["address", "cluster_id"]
    return dict((a, c) for a, c in rows[1:])


def test_merges_skip_coinjoins(tmp_path: Path) -> None:
    names = ["a1", "a2", "a2", "a3", *[f"c{i}" for i in range(5)], "j1", "j2", "j3"]
    fund = Spec("fund", [(Spec("coinbase0").txid, 0)], [(address(n), 10**8) for n in names])
    pay1 = Spec("pay1", [(fund.txid, 0), (fund.txid, 1)], [(address("b1"), 19 * 10**7)])
    pay2 = Spec("pay2", [(fund.txid, 2), (fund.txid, 3)], [(address("b2"), 19 * 10**7)])
    whirlpool = Spec("whirlpool", [(fund.txid, 4 + i) for i in range(5)],
                     [(address(f"w{i}"), 1_000_000) for i in range(5)])  # fmt: skip
    joinmarket = Spec("joinmarket", [(fund.txid, 9 + i) for i in range(3)],
                      [*((address(f"k{i}"), 2_000_000) for i in range(3)),
                       (address("j1c"), 97_000_000), (address("j2c"), 97_000_000 + 1)])  # fmt: skip
    write_world(tmp_path / "w", [[], [fund], [pay1, pay2, whirlpool, joinmarket]])
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_world_chain(store, tmp_path / "w")
    assert main(["chain", "cluster", "--store", str(tmp_path / "s"),
                 "--out", str(tmp_path / "c.csv")]) == 0  # fmt: skip
    got = _clusters(tmp_path / "c.csv")
    every = {address(n) for n in [*names, "b1", "b2", "j1c", "j2c", "miner0", "miner1", "miner2"]}
    every |= {address(f"w{i}") for i in range(5)} | {address(f"k{i}") for i in range(3)}
    assert set(got) == every
    assert list(got) == sorted(got)  # rows sorted by address: byte-stable output
    owner = sorted(address(n) for n in ("a1", "a2", "a3"))
    assert {got[a] for a in owner} == {owner[0]}  # a1+a2 and a2+a3: one owner, named by min
    mixed = [address(n) for n in ("c0", "c1", "c2", "c3", "c4", "j1", "j2", "j3")]
    assert all(got[a] == a for a in mixed)  # CoinJoin participants stay apart
    assert sum(a == c for a, c in got.items()) == len(got) - 2


def _p2pkh_spend(label: str) -> tuple[bytes, str]:
    key = coincurve.PrivateKey(hashlib.sha256(label.encode()).digest())
    pub = key.public_key.format()
    sig = key.sign(hashlib.sha256(label.encode()).digest(), hasher=None) + b"\x01"
    spk = b"\x76\xa9\x14" + hash160(pub) + b"\x88\xac"
    address = classify(spk, NETWORKS["mainnet"])[1]
    assert address is not None
    return bytes([len(sig)]) + sig + bytes([33]) + pub, address


def _multisig_spend(label: str) -> tuple[bytes, str]:
    keys = [coincurve.PrivateKey(hashlib.sha256(f"{label}{i}".encode()).digest()) for i in (1, 2)]
    redeem = b"\x52" + b"".join(b"\x21" + k.public_key.format() for k in keys) + b"\x52\xae"
    sigs = b"".join(
        bytes([len(s)]) + s
        for s in (k.sign(hashlib.sha256(b"m").digest(), hasher=None) + b"\x01" for k in keys)
    )
    address = classify(b"\xa9\x14" + hash160(redeem) + b"\x87", NETWORKS["mainnet"])[1]
    assert address is not None
    return b"\x00" + sigs + b"\x4c" + bytes([len(redeem)]) + redeem, address


def test_multisig_inputs_do_not_merge(tmp_path: Path) -> None:
    (s1, m1), (s2, m2) = _multisig_spend("escrow-a"), _multisig_spend("escrow-b")
    (s3, p1), (s4, p2) = _p2pkh_spend("alice-1"), _p2pkh_spend("alice-2")
    out = TxOut(1000, b"\x00\x14" + b"\x11" * 20)
    prev = hashlib.sha256(b"prev").hexdigest()
    escrow = build_tx(2, [TxIn(prev, 0, s1, 0), TxIn(prev, 1, s2, 0)], [out], 0)
    wallet = build_tx(2, [TxIn(prev, 2, s3, 0), TxIn(prev, 3, s4, 0)], [out], 0)
    batch = Batch()
    for pos, tx in enumerate((escrow, wallet)):
        batch.add_tx(tx, Placement("ab" * 32, 1, pos))
    with ChainStore.writer(tmp_path / "s") as store:
        store.commit(batch.tables(), kind="blocks", source="test", blocks=["ab" * 32])
        report = write_clusters(store, tmp_path / "c.csv")
    got = _clusters(tmp_path / "c.csv")
    assert got[m1] == m1 and got[m2] == m2  # co-signed escrows stay apart
    assert got[p1] == got[p2] == min(p1, p2)  # the single-key wallet merges
    assert report.multisig_inputs == 2


def test_unprovable_hashes_fall_back_to_strings(tmp_path: Path) -> None:
    # a transaction stored without inputs: the txid hashes cannot be shown collision-free by
    # counting, so clustering runs on the strings; the result is the same
    (s1, p1), (s2, p2) = _p2pkh_spend("bob-1"), _p2pkh_spend("bob-2")
    prev = hashlib.sha256(b"prev").hexdigest()
    out = TxOut(1000, b"\x00\x14" + b"\x22" * 20)
    wallet = build_tx(2, [TxIn(prev, 0, s1, 0), TxIn(prev, 1, s2, 0)], [out], 0)
    lonely = build_tx(2, [TxIn(prev, 2, s1, 0)], [TxOut(500, b"\x00\x14" + b"\x33" * 20)], 0)
    batch = Batch()
    for pos, tx in enumerate((wallet, lonely)):
        batch.add_tx(tx, Placement("cd" * 32, 1, pos))
    tables = batch.tables()
    tables["inputs"] = tables["inputs"].slice(0, 2)  # the lonely transaction's input is lost
    with ChainStore.writer(tmp_path / "s") as store:
        store.commit(tables, kind="blocks", source="test", blocks=["cd" * 32])
    fast, report = cluster_addresses(ChainStore.open(tmp_path / "s"))
    exact, _ = cluster_addresses(ChainStore.open(tmp_path / "s"), exact=True)
    assert not report.hashed and fast.equals(exact)
    got = dict(zip(*fast.to_pydict().values(), strict=True))
    assert got[p1] == got[p2] == min(p1, p2) and len(got) == 4


def test_real_block_clusters_every_address(tmp_path: Path, raw_block_file: Path) -> None:
    with ChainStore.writer(tmp_path / "s") as store:
        ingest_raw_blocks(store, [raw_block_file])
        report = write_clusters(store, tmp_path / "c.csv")
    got = _clusters(tmp_path / "c.csv")
    con = ChainStore.open(tmp_path / "s").connect()
    seen = con.execute(
        "SELECT count(DISTINCT address) FROM (SELECT address FROM outputs UNION ALL "
        "SELECT address FROM inputs_resolved) WHERE address IS NOT NULL"
    ).fetchone()
    assert seen == (len(got),) == (report.addresses,)
    # hashed joins (the default) and string joins agree on inputs resolved from the store
    fast, fast_report = cluster_addresses(ChainStore.open(tmp_path / "s"))
    exact, _ = cluster_addresses(ChainStore.open(tmp_path / "s"), exact=True)
    assert fast_report.hashed and fast.equals(exact)
    assert fast_report.multisig_inputs == report.multisig_inputs > 0
    # the 442-input consolidation: its single-key inputs are one owner
    txid = "02704a2564f058c3a4093562a8c9d5db96f8a7dd5e5daea947b44543cf09f8c9"
    rows = con.execute(
        "SELECT DISTINCT address FROM inputs_resolved WHERE txid = ? AND NOT multisig", [txid]
    ).fetchall()
    assert len(rows) > 1 and len({got[a] for (a,) in rows}) == 1
    assert all(got[c] == c for c in set(got.values()))  # a cluster is named by a member
    assert report.largest >= len(rows)
