"""Esplora's REST API over a ChainIndex: the same paths, JSON shapes, paging and errors.

Shapes follow Blockstream's esplora API.md and electrs' rest.rs: amounts in satoshi, 25
confirmed transactions per page newest first, text/plain for heights and hashes, 404 with a
plain-text reason for an unknown transaction or block, 400 for malformed hex or addresses.
Every transaction of the range is confirmed: there is no mempool.

The API answers as of a tip (`set_tip`): blocks above it and the transactions they hold do not
exist yet (404, `{"confirmed": false}`), and an output they spend is still unspent. Everything
is cut with binary searches over the index, so a page costs O(log n + page), not O(history).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from darkrange.sites.explorer._index import ChainIndex
from darkrange.sites.explorer._script import AddressError, output_script
from darkrange.sites.explorer._shapes import ChainShapes, dumps

PAGE = 25  # CHAIN_TXS_PER_PAGE in electrs
BLOCKS_PAGE = 10
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
MAX_NUMBER = (1 << 64) - 1  # electrs parses heights and indexes as u64
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
    return Answer(200, JSON, dumps(value).encode())


def _json_text(text: str) -> Answer:
    return Answer(200, JSON, text.encode())


def _text(value: object) -> Answer:
    return Answer(200, TEXT, str(value).encode())


def parse_hash(text: str) -> str:
    """A txid or block hash as 64 lowercase hex; 400 "Invalid hex string" otherwise."""
    if not _HEX64.fullmatch(text):
        raise HttpError(400, "Invalid hex string")
    return text.lower()


def parse_int(text: str) -> int:
    if not text.isdigit() or not text.isascii() or len(text) > 20 or int(text) > MAX_NUMBER:
        raise HttpError(400, "Invalid number")
    return int(text)


def _no_endpoint(p: list[str]) -> HttpError:
    return HttpError(404, f'endpoint does not exist "/{"/".join(p)}"')


class EsploraApi:
    """Answers Esplora paths (the part after /api) from one chain, as of its current tip."""

    def __init__(self, chain: ChainIndex) -> None:
        self.chain = chain
        self.shapes = ChainShapes(chain)
        self.set_tip(chain.tip_height)

    def set_tip(self, height: int) -> None:
        """Serve the chain up to block `height`: the range clock's tip."""
        self.tip = min(height, self.chain.tip_height)
        self.mined = self.chain.txs_until(self.tip)  # tx rows below this exist

    # -- pieces that depend on the tip ---------------------------------------------------------

    def tx_row(self, txid: str) -> int | None:
        row = self.chain.tx_row(txid)
        return row if row is not None and row < self.mined else None

    def block_height(self, block_hash: str) -> int | None:
        height = self.chain.block_height(block_hash)
        return height if height is not None and height <= self.tip else None

    def outspend(self, out: int) -> dict[str, Any]:
        c = self.chain
        spender = int(c.out_spent_tx[out])
        if spender < 0 or spender >= self.mined:
            return {"spent": False}
        return {
            "spent": True,
            "txid": c.txid(spender),
            "vin": int(c.out_spent_vin[out]),
            "status": self.shapes.status(spender),
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
        outs = c.address_outputs(addr_id, self.mined)
        spenders = c.out_spent_tx[outs]
        spent = (spenders >= 0) & (spenders < self.mined)
        stats["funded_txo_count"] = len(outs)
        stats["funded_txo_sum"] = c.address_received(addr_id, len(outs))
        stats["spent_txo_count"] = int(spent.sum())
        stats["spent_txo_sum"] = int(c.out_value[outs[spent]].sum())
        stats["tx_count"] = len(c.address_txs(addr_id, self.mined))
        return stats

    def history(self, addr_id: int | None, last_seen: str | None) -> list[int]:
        """Rows of 25 confirmed transactions newest first, after `last_seen` when given.

        As electrs: a last_seen that is not in the address's history gives an empty page.
        """
        if addr_id is None:
            return []
        rows = self.chain.address_txs(addr_id, self.mined)  # oldest first
        end = len(rows)
        if last_seen is not None:
            seen = self.tx_row(last_seen)
            end = int(np.searchsorted(rows, seen)) if seen is not None else 0
            if end >= len(rows) or rows[end] != seen:
                return []
        return [int(r) for r in rows[max(0, end - PAGE) : end][::-1]]

    def utxo(self, addr_id: int | None) -> list[dict[str, Any]]:
        if addr_id is None:
            return []
        c = self.chain
        outs = c.address_outputs(addr_id, self.mined)
        spenders = c.out_spent_tx[outs]
        outs = outs[(spenders < 0) | (spenders >= self.mined)][::-1]
        answer = []
        for o in outs:
            row = int(c.out_tx[o])
            answer.append(
                {
                    "txid": c.txid(row),
                    "vout": int(o - c.tx_out_start[row]),
                    "status": self.shapes.status(row),
                    "value": int(c.out_value[o]),
                }
            )
        return answer

    # -- lookups that raise HttpError ----------------------------------------------------------

    def find_tx(self, text: str) -> int:
        row = self.tx_row(parse_hash(text))
        if row is None:
            raise HttpError(404, "Transaction not found")
        return row

    def find_block(self, text: str) -> int:
        height = self.block_height(parse_hash(text))
        if height is None:
            raise HttpError(404, "Block not found")
        return height

    def find_height(self, text: str) -> int:
        height = parse_int(text)
        if height > self.tip:
            raise HttpError(404, "Block not found")
        return height

    def _tip_block(self) -> int:
        if self.tip < 0:
            raise HttpError(404, "Block not found")
        return self.tip

    def find_address(self, text: str) -> int | None:
        """The address id, None for a valid address never seen on chain; 400 when invalid."""
        try:
            output_script(text)
        except AddressError as exc:
            raise HttpError(400, str(exc)) from None
        return self.chain.address_id(text)

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
            return _text(self.chain.blocks.hashes[self.find_height(p[1])].decode())
        if p == ["blocks", "tip", "height"]:
            return _text(self.tip)
        if p == ["blocks", "tip", "hash"]:
            return _text(self.chain.blocks.hashes[self._tip_block()].decode())
        if head == "blocks" and n <= 2:
            start = self.find_height(p[1]) if n == 2 else self._tip_block()
            heights = range(start, max(-1, start - BLOCKS_PAGE), -1)
            return _json([self.shapes.block(h) for h in heights])
        raise _no_endpoint(p)

    def _route_tx(self, p: list[str]) -> Answer:
        n = len(p)
        if n == 3 and p[2] == "status":
            row = self.tx_row(parse_hash(p[1]))
            return _json(self.shapes.status(row) if row is not None else {"confirmed": False})
        row = self.find_tx(p[1])
        c = self.chain
        outs = range(int(c.tx_out_start[row]), int(c.tx_out_start[row + 1]))
        if n == 2:
            return _json_text(self.shapes.tx_text(row))
        if n == 3 and p[2] == "outspends":
            return _json([self.outspend(o) for o in outs])
        if n == 4 and p[2] == "outspend":
            vout = parse_int(p[3])
            return _json(self.outspend(outs[vout]) if vout < len(outs) else {"spent": False})
        raise _no_endpoint(p)

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
            return _json_text(self.shapes.txs_text(self.history(addr_id, None)))
        if len(rest) == 3 and rest[:2] == ["txs", "chain"]:
            # electrs ignores a last_seen_txid it cannot parse and starts at the newest
            last = rest[2].lower() if _HEX64.fullmatch(rest[2]) else None
            return _json_text(self.shapes.txs_text(self.history(addr_id, last)))
        if rest == ["txs", "mempool"]:
            return _json([])
        if rest == ["utxo"]:
            return _json(self.utxo(addr_id))
        raise _no_endpoint(p)

    def _route_block(self, p: list[str]) -> Answer:
        height = self.find_block(p[1])
        c = self.chain
        first, last = int(c.blocks.first_tx[height]), int(c.blocks.first_tx[height + 1])
        rest = p[2:]
        if not rest:
            return _json(self.shapes.block(height))
        if rest == ["txids"]:
            return _json([c.txid(r) for r in range(first, last)])
        if rest == ["status"]:
            status: dict[str, Any] = {"in_best_chain": True, "height": height}
            nxt = c.blocks.hashes[height + 1].decode() if height < self.tip else None
            status["next_best"] = nxt
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
            return _json_text(self.shapes.txs_text(rows))
        raise _no_endpoint(p)
