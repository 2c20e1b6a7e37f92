"""Esplora REST API (Blockstream's explorer, and the range's): blocks, transactions, addresses.

Amounts are satoshi; lists come in pages of 25. Each transaction's txid is recomputed from the
fields the server sends, so a server that garbles a transaction is caught, not stored.
"""

from __future__ import annotations

from typing import Any

from darkrange.chain._http import Http
from darkrange.chain._ingest import PART_TXS, IngestReport, Progress, flush
from darkrange.chain._rows import Batch, Placement, Prevout
from darkrange.chain._script import NETWORKS, classify
from darkrange.chain._store import ChainStore
from darkrange.chain._wire import Block, BlockHeader, Tx, TxIn, TxOut, build_tx, merkle_root
from darkrange.errors import FormatError, InputError, NetworkError

PAGE = 25


class EsploraClient:
    def __init__(self, url: str, **http: Any) -> None:
        self.http = Http(url, **http)

    def close(self) -> None:
        self.http.close()

    def _get(self, path: str) -> Any:
        response = self.http.request("GET", path)
        if response.status_code == 404:
            raise NetworkError(f"esplora: {path} not found (HTTP 404)")
        if response.status_code != 200:
            text = response.text.strip().splitlines()[:1]
            raise NetworkError(f"esplora: {path} answered HTTP {response.status_code} {text}")
        return response

    def json(self, path: str) -> Any:
        try:
            return self._get(path).json()
        except ValueError:
            raise NetworkError(f"esplora: {path} did not answer JSON") from None

    def text(self, path: str) -> str:
        text: str = self._get(path).text
        return text.strip()


def tx_from_esplora(data: dict[str, Any], network: str) -> tuple[Tx, list[Prevout | None]]:
    """An Esplora transaction object as a Tx (txid checked) and the prevouts it names."""
    net = NETWORKS[network]
    try:
        inputs: list[TxIn] = []
        prevouts: list[Prevout | None] = []
        for vin in data["vin"]:
            witness = tuple(bytes.fromhex(w) for w in vin.get("witness") or ())
            inputs.append(
                TxIn(vin["txid"], int(vin["vout"]), bytes.fromhex(vin.get("scriptsig", "")),
                     int(vin["sequence"]), witness)
            )  # fmt: skip
            prev = vin.get("prevout")
            if prev:
                kind, address = classify(bytes.fromhex(prev["scriptpubkey"]), net)
                prevouts.append(Prevout(address, int(prev["value"]), kind))
            else:
                prevouts.append(None)
        outputs = [TxOut(int(o["value"]), bytes.fromhex(o["scriptpubkey"])) for o in data["vout"]]
        tx = build_tx(int(data["version"]), inputs, outputs, int(data["locktime"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"esplora transaction is not in Esplora's shape: {exc!r}") from None
    if tx.txid != data["txid"]:
        raise FormatError(f"esplora sent transaction {data['txid']} whose fields hash to {tx.txid}")
    return tx, prevouts


def _header(data: dict[str, Any]) -> BlockHeader:
    try:
        return BlockHeader(
            hash=data["id"],
            version=int(data["version"]),
            prev_hash=data.get("previousblockhash") or "0" * 64,
            merkle_root=data["merkle_root"],
            time=int(data["timestamp"]),
            bits=int(data["bits"]),
            nonce=int(data["nonce"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"esplora block is not in Esplora's shape: {exc!r}") from None


def fetch_block(
    client: EsploraClient, block_hash: str, network: str
) -> tuple[Block, int, list[Any]]:
    """A whole block through /block/:hash and its pages /block/:hash/txs/:start."""
    meta = client.json(f"/block/{block_hash}")
    header = _header(meta)
    count = int(meta["tx_count"])
    txs: list[Tx] = []
    prevouts: list[list[Prevout | None] | None] = []
    for start in range(0, count, PAGE):
        page = client.json(f"/block/{block_hash}/txs/{start}")
        if not isinstance(page, list) or not page:
            raise NetworkError(f"esplora: /block/{block_hash}/txs/{start} gave no transactions")
        for item in page:
            tx, prev = tx_from_esplora(item, network)
            txs.append(tx)
            prevouts.append(prev)
    if len(txs) != count or merkle_root([t.txid for t in txs]) != header.merkle_root:
        raise FormatError(f"block {block_hash}: transactions do not match the header")
    block = Block(header, tuple(txs), int(meta.get("size", 0)), network)
    return block, int(meta["height"]), prevouts


def _source(client: EsploraClient) -> str:
    return f"esplora:{client.http.base_url}"


def ingest_esplora_blocks(
    store: ChainStore,
    client: EsploraClient,
    lo: int,
    hi: int,
    network: str = "mainnet",
    progress: Progress | None = None,
) -> IngestReport:
    """Blocks lo..hi (inclusive); stored ones are skipped by hash before their pages are fetched."""
    if lo < 0 or lo > hi:
        raise InputError(f"bad block range {lo}:{hi}")
    report, known, batch = IngestReport(), store.block_hashes(), Batch(network=network)
    try:
        for height in range(lo, hi + 1):
            block_hash = client.text(f"/block-height/{height}")
            if block_hash in known:
                report.blocks_skipped += 1
            else:
                block, got_height, prevouts = fetch_block(client, block_hash, network)
                batch.add_block(block, got_height, prevouts)
                if len(batch) >= PART_TXS:
                    batch = flush(store, batch, report, _source(client))
            if progress:
                progress(height - lo + 1, hi - lo + 1)
    finally:
        # whole blocks fetched before a failure are kept: a re-run resumes after them
        flush(store, batch, report, _source(client))
    return report


def _commit_loose(
    store: ChainStore, items: list[dict[str, Any]], network: str, report: IngestReport, src: str
) -> None:
    """Store confirmed transactions not yet in the store (by txid); mempool ones are left out."""
    confirmed = [i for i in items if (i.get("status") or {}).get("confirmed")]
    have = store.known_txids([i["txid"] for i in confirmed])
    batch = Batch(network=network)
    for item in confirmed:
        if item["txid"] in have:
            continue
        have.add(item["txid"])
        tx, prevouts = tx_from_esplora(item, network)
        status = item["status"]
        batch.add_tx(tx, Placement(status.get("block_hash"), status.get("block_height"), None),
                     prevouts)  # fmt: skip
    if batch.txids:
        report.parts.append(
            store.commit(batch.tables(), kind="loose", source=src, txids=batch.txids)
        )
        report.transactions_added += len(batch.txids)


def ingest_esplora_tx(
    store: ChainStore, client: EsploraClient, txid: str, network: str = "mainnet"
) -> IngestReport:
    report = IngestReport()
    _commit_loose(store, [client.json(f"/tx/{txid}")], network, report, _source(client))
    return report


def ingest_esplora_address(
    store: ChainStore,
    client: EsploraClient,
    address: str,
    network: str = "mainnet",
    progress: Progress | None = None,
) -> IngestReport:
    """Every confirmed transaction of an address, newest first, a page of 25 at a time.

    Each page is committed on its own, so a killed ingest keeps the pages it got and a re-run
    adds only what is missing.
    """
    report, last, pages = IngestReport(), None, 0
    while True:
        path = f"/address/{address}/txs/chain" + (f"/{last}" if last else "")
        page = client.json(path)
        if not isinstance(page, list):
            raise NetworkError(f"esplora: {path} did not answer a list")
        if not page:
            break
        _commit_loose(store, page, network, report, _source(client))
        pages += 1
        if progress:
            progress(pages, pages + (len(page) >= PAGE))
        if len(page) < PAGE:
            break
        last = page[-1]["txid"]
    return report
