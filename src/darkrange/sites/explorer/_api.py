"""Esplora's REST API over a ChainIndex: the same paths, JSON shapes, paging and errors.

Shapes follow Blockstream's esplora API.md and electrs' rest.rs: amounts in satoshi, 25
confirmed transactions per page newest first, text/plain for heights and hashes, 404 with a
plain-text reason for an unknown transaction or block, 400 for malformed hex or addresses.
Every transaction of the range is confirmed: there is no mempool.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from darkrange.sites.explorer._index import ChainIndex
from darkrange.sites.explorer._script import (
    OP_RETURN,
    AddressError,
    OutputScript,
    coinbase_scriptsig,
    output_script,
)

PAGE = 25  # CHAIN_TXS_PER_PAGE in electrs
BLOCKS_PAGE = 10
MAX_VIN_VOUT = 1 << 32
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
ZERO_TXID = "0" * 64
UNKNOWN_SCRIPT = OutputScript("", "", "unknown")
JSON = "application/json"
TEXT = "text/plain"


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json(value: Any) -> Answer:
    return Answer(200, JSON, json.dumps(value, separators=(",", ":")).encode())


def _text(value: object) -> Answer:
    return Answer(200, TEXT, str(value).encode())


def parse_hash(text: str) -> str:
    """A txid or block hash as 64 lowercase hex; 400 "Invalid hex string" otherwise."""
    if not _HEX64.fullmatch(text):
        raise HttpError(400, "Invalid hex string")
    return text.lower()


def parse_int(text: str) -> int:
    if not text.isdigit() or not text.isascii():
        raise HttpError(400, "Invalid number")
    return int(text)


class EsploraApi:
    """Answers Esplora paths (the part after /api) from one chain."""

    def __init__(self, chain: ChainIndex) -> None:
        self.chain = chain

    # -- pieces --------------------------------------------------------------------------------

    def status(self, row: int) -> dict[str, Any]:
        height = int(self.chain.tx_height[row])
        blocks = self.chain.blocks
        return {
            "confirmed": True,
            "block_height": height,
            "block_hash": blocks.hashes[height].decode(),
            "block_time": int(blocks.time[height]),
        }

    def _txout(self, addr_id: int, value: int) -> dict[str, Any]:
        if addr_id < 0:
            script = OP_RETURN
            out: dict[str, Any] = {
                "scriptpubkey": script.scriptpubkey,
                "scriptpubkey_asm": script.asm,
                "scriptpubkey_type": script.type,
            }
        else:
            address = self.chain.address(addr_id)
            try:
                script = output_script(address)
            except AddressError:  # a chain file with an address we cannot decode: say so
                script = UNKNOWN_SCRIPT
            out = {
                "scriptpubkey": script.scriptpubkey,
                "scriptpubkey_asm": script.asm,
                "scriptpubkey_type": script.type,
                "scriptpubkey_address": address,
            }
        out["value"] = value
        return out

    def _vin(self, row: int, i: int) -> dict[str, Any]:
        c = self.chain
        prev = int(c.in_prev_tx[i])
        if prev < 0:
            scriptsig, asm = coinbase_scriptsig(int(c.tx_height[row]))
            return {
                "txid": ZERO_TXID,
                "vout": MAX_VIN_VOUT - 1,
                "prevout": None,
                "scriptsig": scriptsig,
                "scriptsig_asm": asm,
                "is_coinbase": True,
                "sequence": int(c.in_sequence[i]),
            }
        return {
            "txid": c.txid(prev),
            "vout": int(c.in_prev_vout[i]),
            "prevout": self._txout(int(c.in_addr[i]), int(c.in_value[i])),
            "scriptsig": "",
            "scriptsig_asm": "",
            "is_coinbase": False,
            "sequence": int(c.in_sequence[i]),
        }

    def tx(self, row: int) -> dict[str, Any]:
        c = self.chain
        ins = range(int(c.tx_in_start[row]), int(c.tx_in_start[row + 1]))
        outs = range(int(c.tx_out_start[row]), int(c.tx_out_start[row + 1]))
        return {
            "txid": c.txid(row),
            "version": int(c.tx_version[row]),
            "locktime": int(c.tx_locktime[row]),
            "vin": [self._vin(row, i) for i in ins],
            "vout": [self._txout(int(c.out_addr[o]), int(c.out_value[o])) for o in outs],
            "size": int(c.tx_size[row]),
            "weight": int(c.tx_weight[row]),
            "fee": int(c.tx_fee[row]),
            "status": self.status(row),
        }

    def outspend(self, out: int) -> dict[str, Any]:
        c = self.chain
        spender = int(c.out_spent_tx[out])
        if spender < 0:
            return {"spent": False}
        return {
            "spent": True,
            "txid": c.txid(spender),
            "vin": int(c.out_spent_vin[out]),
            "status": self.status(spender),
        }

    def block(self, height: int) -> dict[str, Any]:
        b = self.chain.blocks
        prev = b.prev[height].decode()
        return {
            "id": b.hashes[height].decode(),
            "height": height,
            "version": int(b.version[height]),
            "timestamp": int(b.time[height]),
            "tx_count": int(b.n_tx[height]),
            "size": int(b.size[height]),
            "weight": int(b.weight[height]),
            "merkle_root": b.merkle[height].decode(),
            "previousblockhash": None if prev == ZERO_TXID else prev,
            "mediantime": int(b.median_time[height]),
            "nonce": int(b.nonce[height]),
            "bits": int(b.bits[height]),
            "difficulty": _difficulty(int(b.bits[height])),
        }

    def address_stats(self, addr_id: int | None) -> dict[str, int]:
        stats = {
            "funded_txo_count": 0,
            "funded_txo_sum": 0,
            "spent_txo_count": 0,
            "spent_txo_sum": 0,
            "tx_count": 0,
        }
        if addr_id is None:
            return stats
        c = self.chain
        outs = c.address_outputs(addr_id)
        values = c.out_value[outs]
        spent = c.out_spent_tx[outs] >= 0
        stats["funded_txo_count"] = len(outs)
        stats["funded_txo_sum"] = int(values.sum())
        stats["spent_txo_count"] = int(spent.sum())
        stats["spent_txo_sum"] = int(values[spent].sum())
        stats["tx_count"] = len(c.address_txs(addr_id))
        return stats

    # -- lookups that raise HttpError ----------------------------------------------------------

    def find_tx(self, text: str) -> int:
        row = self.chain.tx_row(parse_hash(text))
        if row is None:
            raise HttpError(404, "Transaction not found")
        return row

    def find_block(self, text: str) -> int:
        height = self.chain.block_height(parse_hash(text))
        if height is None:
            raise HttpError(404, "Block not found")
        return height

    def find_address(self, text: str) -> int | None:
        """The address id, None for a valid address never seen on chain; 400 when invalid."""
        try:
            output_script(text)
        except AddressError as exc:
            raise HttpError(400, str(exc)) from None
        return self.chain.address_id(text)

    def history(self, addr_id: int | None, last_seen: str | None) -> list[dict[str, Any]]:
        """25 confirmed transactions newest first, after `last_seen` when given (electrs)."""
        if addr_id is None:
            return []
        rows = self.chain.address_txs(addr_id)[::-1]
        if last_seen is not None:
            seen = self.chain.tx_row(last_seen)
            hits = np.flatnonzero(rows == seen) if seen is not None else np.zeros(0, np.int64)
            if len(hits) == 0:
                return []  # electrs skips the whole history when it never meets the txid
            rows = rows[int(hits[0]) + 1 :]
        return [self.tx(int(r)) for r in rows[:PAGE]]

    def utxo(self, addr_id: int | None) -> list[dict[str, Any]]:
        if addr_id is None:
            return []
        c = self.chain
        outs = c.address_outputs(addr_id)
        outs = outs[c.out_spent_tx[outs] < 0][::-1]
        answer = []
        for o in outs:
            row = int(c.out_tx[o])
            answer.append(
                {
                    "txid": c.txid(row),
                    "vout": int(o - c.tx_out_start[row]),
                    "status": self.status(row),
                    "value": int(c.out_value[o]),
                }
            )
        return answer

    # -- the router ----------------------------------------------------------------------------

    def answer(self, path: str) -> Answer:
        """Answer a GET of `path` (without the /api prefix); errors as Esplora's plain text."""
        try:
            return self._route(path.strip("/").split("/") if path.strip("/") else [])
        except HttpError as exc:
            return Answer(exc.status, TEXT, exc.message.encode())

    def _route(self, p: list[str]) -> Answer:
        n = len(p)
        head = p[0] if p else ""
        if head == "tx" and n >= 2:
            return self._route_tx(p)
        if head == "address" and n >= 2:
            return self._route_address(p)
        if head == "block" and n >= 2:
            return self._route_block(p)
        if head == "block-height" and n == 2:
            height = parse_int(p[1])
            if height > self.chain.tip_height:
                raise HttpError(404, "Block not found")
            return _text(self.chain.blocks.hashes[height].decode())
        if p == ["blocks", "tip", "height"]:
            return _text(self.chain.tip_height)
        if p == ["blocks", "tip", "hash"]:
            return _text(self.chain.blocks.hashes[self.chain.tip_height].decode())
        if head == "blocks" and n <= 2:
            start = parse_int(p[1]) if n == 2 else self.chain.tip_height
            if start > self.chain.tip_height or self.chain.tip_height < 0:
                raise HttpError(404, "Block not found")
            return _json([self.block(h) for h in range(start, max(-1, start - BLOCKS_PAGE), -1)])
        raise HttpError(404, f'endpoint does not exist "/{"/".join(p)}"')

    def _route_tx(self, p: list[str]) -> Answer:
        n = len(p)
        if n == 3 and p[2] == "status":
            row = self.chain.tx_row(parse_hash(p[1]))
            return _json(self.status(row) if row is not None else {"confirmed": False})
        row = self.find_tx(p[1])
        c = self.chain
        outs = range(int(c.tx_out_start[row]), int(c.tx_out_start[row + 1]))
        if n == 2:
            return _json(self.tx(row))
        if n == 3 and p[2] == "outspends":
            return _json([self.outspend(o) for o in outs])
        if n == 4 and p[2] == "outspend":
            vout = parse_int(p[3])
            return _json(self.outspend(outs[vout]) if vout < len(outs) else {"spent": False})
        raise HttpError(404, f'endpoint does not exist "/{"/".join(p)}"')

    def _route_address(self, p: list[str]) -> Answer:
        addr_id = self.find_address(p[1])
        rest = p[2:]
        if not rest:
            return _json(
                {
                    "address": p[1],
                    "chain_stats": self.address_stats(addr_id),
                    "mempool_stats": self.address_stats(None),
                }
            )
        if rest == ["txs"] or rest == ["txs", "chain"]:
            return _json(self.history(addr_id, None))
        if len(rest) == 3 and rest[:2] == ["txs", "chain"]:
            # electrs ignores a last_seen_txid it cannot parse and starts at the newest
            last = rest[2].lower() if _HEX64.fullmatch(rest[2]) else None
            return _json(self.history(addr_id, last))
        if rest == ["txs", "mempool"]:
            return _json([])
        if rest == ["utxo"]:
            return _json(self.utxo(addr_id))
        raise HttpError(404, f'endpoint does not exist "/{"/".join(p)}"')

    def _route_block(self, p: list[str]) -> Answer:
        height = self.find_block(p[1])
        c = self.chain
        first, last = int(c.blocks.first_tx[height]), int(c.blocks.first_tx[height + 1])
        rest = p[2:]
        if not rest:
            return _json(self.block(height))
        if rest == ["txids"]:
            return _json([c.txid(r) for r in range(first, last)])
        if rest == ["status"]:
            tip = c.tip_height
            status: dict[str, Any] = {"in_best_chain": True, "height": height}
            status["next_best"] = c.blocks.hashes[height + 1].decode() if height < tip else None
            return _json(status)
        if len(rest) == 2 and rest[0] == "txid":
            index = parse_int(rest[1])
            if index >= last - first:
                raise HttpError(404, "tx index out of range")
            return _text(c.txid(first + index))
        if rest[0] == "txs" and len(rest) <= 2:
            start = parse_int(rest[1]) if len(rest) == 2 else 0
            if start % PAGE:
                raise HttpError(400, f"start index must be a multiple of {PAGE}")
            if start >= last - first:
                raise HttpError(400, "start index out of range")
            rows = range(first + start, min(last, first + start + PAGE))
            return _json([self.tx(r) for r in rows])
        raise HttpError(404, f'endpoint does not exist "/{"/".join(p)}"')


def _difficulty(bits: int) -> float:
    """Difficulty of a compact target relative to the genesis target (as bitcoind computes it)."""
    exponent, mantissa = bits >> 24, bits & 0xFFFFFF
    if mantissa == 0:
        return 0.0
    target = mantissa * (1 << (8 * (exponent - 3))) if exponent >= 3 else mantissa
    return float((0xFFFF << 208) / target)
