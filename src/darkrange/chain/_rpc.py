"""Bitcoin Core JSON-RPC: getblockhash and getblock (verbosity 3, else 2) into the store."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from darkrange.chain._http import RETRY_STATUS, Http
from darkrange.chain._ingest import PART_TXS, IngestReport, Progress, flush
from darkrange.chain._rows import Batch, Prevout
from darkrange.chain._script import NETWORKS, classify
from darkrange.chain._store import ChainStore
from darkrange.chain._wire import Block, BlockHeader, Tx, merkle_root, parse_tx_hex
from darkrange.errors import FormatError, InputError, NetworkError

_CHAINS = {"main": "mainnet", "test": "testnet", "testnet4": "testnet4", "signet": "signet",
           "regtest": "regtest"}  # fmt: skip
_SAT = Decimal(100_000_000)


def btc_to_sat(value: Any) -> int:
    """Bitcoin Core's BTC amounts (read as Decimal, never float) to satoshi."""
    sat = Decimal(str(value)) * _SAT
    if sat != sat.to_integral_value():
        raise FormatError(f"amount {value} is not a whole number of satoshi")
    return int(sat)


class RpcClient:
    """A JSON-RPC 1.0 client; user:password in the URL become HTTP basic auth."""

    def __init__(self, url: str, **http: Any) -> None:
        parts = urlsplit(url)
        auth = None
        if parts.username is not None:
            auth = (parts.username, parts.password or "")
            host = parts.hostname or ""
            parts = parts._replace(netloc=host + (f":{parts.port}" if parts.port else ""))
        self.http = Http(urlunsplit(parts), **http)
        self.auth = auth
        self._id = 0

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, *params: Any) -> Any:
        self._id += 1
        body = {"jsonrpc": "1.0", "id": self._id, "method": method, "params": list(params)}
        # bitcoind answers an RPC error with HTTP 500 and a JSON body: not worth a retry
        retry = RETRY_STATUS - {500}
        response = self.http.request("POST", "", retry, json=body, auth=self.auth)
        if response.status_code == 401:
            raise NetworkError("bitcoind refused the RPC credentials (HTTP 401)")
        try:
            answer = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise NetworkError(
                f"{method}: bitcoind answered HTTP {response.status_code} without JSON"
            ) from None
        error = answer.get("error") if isinstance(answer, dict) else "not a JSON-RPC answer"
        if error:
            message = error.get("message", error) if isinstance(error, dict) else error
            raise NetworkError(f"{method}: {message}")
        return answer["result"]


def _prevout(vin: dict[str, Any], network: str) -> Prevout | None:
    prev = vin.get("prevout")
    if not prev:
        return None
    spk = bytes.fromhex(prev["scriptPubKey"]["hex"])
    kind, address = classify(spk, NETWORKS[network])
    return Prevout(address, btc_to_sat(prev["value"]), kind)


def block_from_rpc(
    data: dict[str, Any], network: str
) -> tuple[Block, list[list[Prevout | None] | None]]:
    """A verbose getblock answer as a Block; each transaction is read from its hex and checked."""
    try:
        txs: list[Tx] = []
        prevouts: list[list[Prevout | None] | None] = []
        for item in data["tx"]:
            tx = parse_tx_hex(item["hex"])
            if tx.txid != item["txid"]:
                raise FormatError(f"transaction {item['txid']} hashes to {tx.txid}")
            txs.append(tx)
            prevouts.append([_prevout(v, network) for v in item["vin"]])
        header = BlockHeader(
            hash=data["hash"],
            version=int(data["version"]),
            prev_hash=data.get("previousblockhash", "0" * 64),
            merkle_root=data["merkleroot"],
            time=int(data["time"]),
            bits=int(data["bits"], 16),
            nonce=int(data["nonce"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"getblock answer is not as Bitcoin Core writes it: {exc!r}") from None
    if merkle_root([t.txid for t in txs]) != header.merkle_root:
        raise FormatError(f"block {header.hash}: Merkle root does not match its transactions")
    return Block(header, tuple(txs), int(data.get("size", 0)), network), prevouts


def ingest_rpc(
    store: ChainStore,
    url: str,
    start: int | None = None,
    stop: int | None = None,
    progress: Progress | None = None,
    **http: Any,
) -> IngestReport:
    """Ingest heights start..stop (inclusive; default: the whole chain) from bitcoind."""
    client = RpcClient(url, **http)
    report = IngestReport()
    batch = Batch()
    try:
        network = _CHAINS.get(client.call("getblockchaininfo")["chain"], "mainnet")
        tip = int(client.call("getblockcount"))
        lo, hi = start or 0, tip if stop is None else stop
        if lo > hi or hi > tip:
            raise InputError(f"height range {lo}..{hi} is outside the node's chain 0..{tip}")
        known = store.block_hashes()
        batch, verbosity = Batch(network=network), 3
        for height in range(lo, hi + 1):
            block_hash = client.call("getblockhash", height)
            if block_hash in known:
                report.blocks_skipped += 1
            else:
                try:
                    data = client.call("getblock", block_hash, verbosity)
                except NetworkError:
                    if verbosity == 2:
                        raise
                    verbosity = 2  # Bitcoin Core before 23.0 has no verbosity 3
                    data = client.call("getblock", block_hash, verbosity)
                block, prevouts = block_from_rpc(data, network)
                batch.add_block(block, int(data["height"]), prevouts)
                if len(batch) >= PART_TXS:
                    batch = flush(store, batch, report, f"rpc:{client.http.base_url}")
            if progress:
                progress(height - lo + 1, hi - lo + 1)
    finally:
        # whole blocks fetched before a failure are kept: a re-run resumes after them
        flush(store, batch, report, f"rpc:{client.http.base_url}")
        client.close()
    return report
