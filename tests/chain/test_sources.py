"""Bitcoin Core RPC and Esplora sources against real loopback servers answering real blocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkrange.chain import (
    Block,
    ChainStore,
    EsploraClient,
    ingest_esplora_address,
    ingest_esplora_blocks,
    ingest_esplora_tx,
    ingest_raw_blocks,
    ingest_rpc,
    parse_block,
    summarize,
)
from darkrange.errors import FormatError, NetworkError
from tests.chain.doubles import Bitcoind, Esplora, serve


def _core_blocks(shared_data: Path) -> list[Block]:
    data = json.loads((shared_data / "chain" / "bitcoinjs" / "core_blocks.json").read_text())
    unique = {c["id"]: c["hex"] for c in data}
    return [parse_block(bytes.fromhex(h)) for h in unique.values()]


@pytest.mark.parametrize("verbosity", [3, 2])
def test_rpc_ingest_matches_raw_ingest(
    tmp_path: Path, raw_block_file: Path, real_block: Block, verbosity: int
) -> None:
    node = Bitcoind([real_block], [413_567], max_verbosity=verbosity)
    with serve(node.handle) as url, ChainStore.writer(tmp_path / "rpc") as store:
        report = ingest_rpc(store, url.replace("//", "//user:pw@"), 413_567, 413_567)
        again = ingest_rpc(store, url, 413_567)
    assert (report.blocks_added, again.blocks_skipped, again.blocks_added) == (1, 1, 0)
    assert node.calls.count("getblock") == (1 if verbosity == 3 else 2)
    with ChainStore.writer(tmp_path / "raw") as store:
        ingest_raw_blocks(store, [raw_block_file])
    via_rpc = summarize(ChainStore.open(tmp_path / "rpc"))
    assert via_rpc.as_json() == summarize(ChainStore.open(tmp_path / "raw")).as_json()
    con = ChainStore.open(tmp_path / "rpc").connect()
    sources = dict(con.execute("SELECT address_source, count(*) FROM inputs GROUP BY 1").fetchall())
    # verbosity 3 hands over the prevouts the node knows (here: spends inside the block)
    assert (sources.get("prevout", 0) > 0) == (verbosity == 3)


def test_rpc_errors_are_network_errors(tmp_path: Path, real_block: Block) -> None:
    node = Bitcoind([real_block], [413_567])
    with (
        serve(node.handle) as url,
        ChainStore.writer(tmp_path / "s") as store,
        pytest.raises(NetworkError, match="getblockhash: Block height out of range"),
    ):
        ingest_rpc(store, url, 0, 413_567, retries=0)
    with ChainStore.writer(tmp_path / "s") as store, pytest.raises(NetworkError, match="tries"):
        ingest_rpc(store, "http://127.0.0.1:9", retries=1, backoff=0)


def test_esplora_blocks_pages_and_retries(
    tmp_path: Path, raw_block_file: Path, real_block: Block
) -> None:
    server = Esplora([real_block], [413_567])
    flaky = {"n": 0}

    def fail(path: str) -> int | None:  # every third request fails once: retried
        flaky["n"] += 1
        return 503 if flaky["n"] % 3 == 0 else None

    server.fail = fail
    with serve(server.handle) as url, ChainStore.writer(tmp_path / "e") as store:
        client = EsploraClient(url, backoff=0)
        report = ingest_esplora_blocks(store, client, 413_567, 413_567)
        again = ingest_esplora_blocks(store, client, 413_567, 413_567)
        client.close()
    assert report.blocks_added == 1 and again.blocks_skipped == 1
    pages = [p for p in server.requests if "/txs/" in p]
    assert len(set(pages)) == 63  # 1,557 transactions in pages of 25
    with ChainStore.writer(tmp_path / "raw") as store:
        ingest_raw_blocks(store, [raw_block_file])
    got = summarize(ChainStore.open(tmp_path / "e"))
    assert got.as_json() == summarize(ChainStore.open(tmp_path / "raw")).as_json()
    assert got.inputs_with_value > 0


def test_esplora_resumes_after_a_failure(tmp_path: Path, shared_data: Path) -> None:
    blocks = _core_blocks(shared_data)
    server = Esplora(blocks, list(range(len(blocks))))
    broken = blocks[2].header.hash
    server.fail = lambda path: 503 if broken in path else None
    with serve(server.handle) as url, ChainStore.writer(tmp_path / "s") as store:
        client = EsploraClient(url, backoff=0, retries=1)
        with pytest.raises(NetworkError, match="HTTP 503"):
            ingest_esplora_blocks(store, client, 0, len(blocks) - 1)
        assert len(store.block_hashes()) == 2  # what came before the failure is kept
        server.fail = lambda path: None
        server.requests.clear()
        report = ingest_esplora_blocks(store, client, 0, len(blocks) - 1)
        client.close()
    assert (report.blocks_skipped, report.blocks_added) == (2, len(blocks) - 2)
    assert not any(b.header.hash in p for b in blocks[:2] for p in server.requests)
    got = summarize(ChainStore.open(tmp_path / "s"))
    assert got.transactions == sum(len(b.txs) for b in blocks)


def test_esplora_address_and_tx_do_not_double_count(tmp_path: Path, real_block: Block) -> None:
    server = Esplora([real_block], [413_567])
    busiest = max(server.by_address, key=lambda a: len(server.by_address[a]))
    n = len(server.by_address[busiest])
    assert n > 50  # several pages
    with serve(server.handle) as url, ChainStore.writer(tmp_path / "s") as store:
        client = EsploraClient(url, backoff=0)
        one = ingest_esplora_tx(store, client, real_block.txs[5].txid)
        report = ingest_esplora_address(store, client, busiest)
        again = ingest_esplora_address(store, client, busiest)
        assert one.transactions_added == 1
        assert report.transactions_added == n - (
            real_block.txs[5].txid in server.by_address[busiest]
        )
        assert again.transactions_added == 0
        assert summarize(store).transactions == n + (
            real_block.txs[5].txid not in server.by_address[busiest]
        )
        ingest_esplora_blocks(store, client, 413_567, 413_567)  # the whole block arrives
        client.close()
    assert summarize(ChainStore.open(tmp_path / "s")).transactions == 1557


def test_esplora_garbled_transaction_is_refused(tmp_path: Path, real_block: Block) -> None:
    server = Esplora([real_block], [413_567])
    server.tamper = True
    with serve(server.handle) as url, ChainStore.writer(tmp_path / "s") as store:
        client = EsploraClient(url, backoff=0)
        with pytest.raises(FormatError, match="hash to"):
            ingest_esplora_tx(store, client, real_block.txs[1].txid)
        with pytest.raises(NetworkError, match="404"):
            ingest_esplora_tx(store, client, "00" * 32)
        client.close()
    assert summarize(ChainStore.open(tmp_path / "s")).transactions == 0
