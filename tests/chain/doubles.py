"""Test doubles of bitcoind (JSON-RPC) and of an Esplora server, on real loopback sockets.

Both answer from real blocks parsed by darkrange's own parser, in the JSON shapes Bitcoin Core
and Esplora (github.com/Blockstream/esplora/blob/master/API.md) write.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from darkrange.chain._script import NETWORKS, classify, infer_spend
from darkrange.chain._wire import Block, Tx, serialize_tx

Handler = Callable[[str, str, bytes], tuple[int, str, bytes]]  # (method, path, body)


@contextmanager
def serve(handler: Handler) -> Iterator[str]:
    """Run `handler` behind a real HTTP server on 127.0.0.1; yields its base URL."""

    class _Req(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            status, ctype, body = handler(method, self.path, self.rfile.read(size))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Req)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _spk_json(spk: bytes) -> dict[str, Any]:
    kind, address = classify(spk, NETWORKS["mainnet"])
    out: dict[str, Any] = {"hex": spk.hex(), "type": kind}
    if address and kind != "p2pk":
        out["address"] = address
    return out


def _outputs_by_outpoint(blocks: list[Block]) -> dict[tuple[str, int], tuple[int, bytes]]:
    return {
        (tx.txid, n): (o.value, o.script_pubkey)
        for b in blocks
        for tx in b.txs
        for n, o in enumerate(tx.outputs)
    }


class Bitcoind:
    """Answers getblockchaininfo, getblockcount, getblockhash and getblock 0/2/3."""

    def __init__(self, blocks: list[Block], heights: list[int], max_verbosity: int = 3) -> None:
        self.blocks = {h: b for h, b in zip(heights, blocks, strict=True)}
        self.by_hash = {b.header.hash: (h, b) for h, b in self.blocks.items()}
        self.outpoints = _outputs_by_outpoint(blocks)
        self.max_verbosity = max_verbosity
        self.calls: list[str] = []

    def _tx(self, tx: Tx, verbosity: int) -> dict[str, Any]:
        vin: list[dict[str, Any]] = []
        for i in tx.inputs:
            if tx.is_coinbase:
                vin.append({"coinbase": i.script_sig.hex(), "sequence": i.sequence})
                continue
            item: dict[str, Any] = {
                "txid": i.prev_txid, "vout": i.prev_vout,
                "scriptSig": {"asm": "", "hex": i.script_sig.hex()}, "sequence": i.sequence,
            }  # fmt: skip
            if i.witness:
                item["txinwitness"] = [w.hex() for w in i.witness]
            prev = self.outpoints.get((i.prev_txid, i.prev_vout))
            if verbosity >= 3 and prev is not None:
                item["prevout"] = {
                    "generated": False, "height": 0, "value": prev[0] / 1e8,
                    "scriptPubKey": _spk_json(prev[1]),
                }  # fmt: skip
            vin.append(item)
        vout = [
            {"value": o.value / 1e8, "n": n, "scriptPubKey": _spk_json(o.script_pubkey)}
            for n, o in enumerate(tx.outputs)
        ]
        raw = serialize_tx(tx.version, list(tx.inputs), list(tx.outputs), tx.locktime, True)
        return {
            "txid": tx.txid, "hash": tx.wtxid, "version": tx.version, "size": tx.size,
            "vsize": tx.vsize, "weight": tx.weight, "locktime": tx.locktime, "vin": vin,
            "vout": vout, "hex": raw.hex(),
        }  # fmt: skip

    def _block(self, block_hash: str, verbosity: int) -> Any:
        height, b = self.by_hash[block_hash]
        h = b.header
        return {
            "hash": h.hash, "confirmations": 1, "height": height, "version": h.version,
            "merkleroot": h.merkle_root, "time": h.time, "nonce": h.nonce,
            "bits": f"{h.bits:08x}", "previousblockhash": h.prev_hash, "size": b.size,
            "nTx": len(b.txs), "tx": [self._tx(t, verbosity) for t in b.txs],
        }  # fmt: skip

    def call(self, method: str, params: list[Any]) -> Any:
        self.calls.append(method)
        if method == "getblockchaininfo":
            return {"chain": "main", "blocks": max(self.blocks)}
        if method == "getblockcount":
            return max(self.blocks)
        if method == "getblockhash":
            if params[0] not in self.blocks:
                raise LookupError(-8, "Block height out of range")
            return self.blocks[params[0]].header.hash
        if method == "getblock":
            if params[1] > self.max_verbosity:
                raise LookupError(-8, "Verbosity was not expected")
            return self._block(params[0], params[1])
        raise LookupError(-32601, "Method not found")

    def handle(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        request = json.loads(body)
        try:
            answer = {"result": self.call(request["method"], request["params"]), "error": None}
        except LookupError as exc:
            code, message = exc.args
            answer = {"result": None, "error": {"code": code, "message": message}}
        answer["id"] = request["id"]
        status = 200 if answer["error"] is None else 500  # bitcoind answers errors with 500
        return status, "application/json", json.dumps(answer).encode()


class Esplora:
    """Answers Esplora's block, transaction and address endpoints in pages of 25."""

    def __init__(self, blocks: list[Block], heights: list[int]) -> None:
        self.blocks = {h: b for h, b in zip(heights, blocks, strict=True)}
        self.by_hash = {b.header.hash: (h, b) for h, b in self.blocks.items()}
        self.outpoints = _outputs_by_outpoint(blocks)
        self.txs: dict[str, tuple[int, Block, Tx]] = {
            t.txid: (h, b, t) for h, b in self.blocks.items() for t in b.txs
        }
        self.by_address: dict[str, list[str]] = {}
        for txid, (_, _, tx) in self.txs.items():
            seen = {classify(o.script_pubkey, NETWORKS["mainnet"])[1] for o in tx.outputs}
            seen |= {infer_spend(i.script_sig, i.witness, NETWORKS["mainnet"]).address
                     for i in tx.inputs}  # fmt: skip
            for a in seen - {None}:
                assert a is not None
                self.by_address.setdefault(a, []).append(txid)
        self.requests: list[str] = []
        self.fail: Callable[[str], int | None] = lambda path: None
        self.tamper = False

    def tx_json(self, txid: str) -> dict[str, Any]:
        height, block, tx = self.txs[txid]
        vin = []
        for i in tx.inputs:
            prev = self.outpoints.get((i.prev_txid, i.prev_vout))
            vin.append({
                "txid": i.prev_txid, "vout": i.prev_vout, "is_coinbase": tx.is_coinbase,
                "scriptsig": i.script_sig.hex(), "scriptsig_asm": "",
                "witness": [w.hex() for w in i.witness] or None, "sequence": i.sequence,
                "prevout": None if prev is None else {
                    "scriptpubkey": prev[1].hex(), "value": prev[0],
                    "scriptpubkey_type": classify(prev[1], NETWORKS["mainnet"])[0],
                },
            })  # fmt: skip
        vout = [
            {"scriptpubkey": o.script_pubkey.hex(), "value": o.value,
             "scriptpubkey_type": classify(o.script_pubkey, NETWORKS["mainnet"])[0]}
            for o in tx.outputs
        ]  # fmt: skip
        if self.tamper:
            vout[0]["value"] += 1
        return {
            "txid": tx.txid, "version": tx.version, "locktime": tx.locktime, "vin": vin,
            "vout": vout, "size": tx.size, "weight": tx.weight, "fee": 0,
            "status": {"confirmed": True, "block_height": height,
                       "block_hash": block.header.hash, "block_time": block.header.time},
        }  # fmt: skip

    def route(self, path: str) -> Any:
        parts = path.strip("/").split("/")
        if parts == ["blocks", "tip", "height"]:
            return str(max(self.blocks))
        if parts[0] == "block-height":
            return self.blocks[int(parts[1])].header.hash
        if parts[0] == "block":
            height, b = self.by_hash[parts[1]]
            if len(parts) == 2:
                h = b.header
                return {
                    "id": h.hash, "height": height, "version": h.version, "timestamp": h.time,
                    "tx_count": len(b.txs), "size": b.size, "weight": b.weight,
                    "merkle_root": h.merkle_root, "previousblockhash": h.prev_hash,
                    "nonce": h.nonce, "bits": h.bits,
                }  # fmt: skip
            if parts[2] == "txs":
                start = int(parts[3]) if len(parts) > 3 else 0
                if start % 25:
                    raise KeyError(start)
                return [self.tx_json(t.txid) for t in b.txs[start : start + 25]]
        if parts[0] == "tx":
            return self.tx_json(parts[1])
        if parts[0] == "address" and parts[2:4] == ["txs", "chain"]:
            txids = self.by_address[parts[1]]
            start = txids.index(parts[4]) + 1 if len(parts) > 4 else 0
            return [self.tx_json(t) for t in txids[start : start + 25]]
        raise KeyError(path)

    def handle(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        self.requests.append(path)
        status = self.fail(path)
        if status is not None:
            return status, "text/plain", b"try later"
        try:
            answer = self.route(path)
        except (KeyError, ValueError, IndexError):
            return 404, "text/plain", b"not found"
        if isinstance(answer, str):
            return 200, "text/plain", answer.encode()
        return 200, "application/json", json.dumps(answer).encode()
