"""Esplora's JSON shapes for one chain: transactions, inputs, outputs, statuses and blocks.

What these shapes hold never changes once a block is mined (a transaction's JSON carries its
own block, not who spends it later), so a transaction's JSON text is rendered once and kept in a
bounded LRU: an address page of 25 transactions is then 25 dictionary hits and a join.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from darkrange.sites.explorer._index import ChainIndex
from darkrange.sites.explorer._script import (
    OP_RETURN,
    AddressError,
    OutputScript,
    chain_script,
    coinbase_scriptsig,
)

MAX_VIN_VOUT = 1 << 32
ZERO_TXID = "0" * 64
UNKNOWN_SCRIPT = OutputScript("", "", "unknown")
TX_CACHE = 50_000  # rendered transactions kept (about 1-2 KB each)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class ChainShapes:
    """Renders the chain's records as Esplora shows them."""

    def __init__(self, chain: ChainIndex, tx_cache: int = TX_CACHE) -> None:
        self.chain = chain
        self.tx_cache = tx_cache
        self._tx_text: OrderedDict[int, str] = OrderedDict()
        self._heads: dict[int, str] = {}
        self._statuses: dict[int, str] = {}

    def status(self, row: int) -> dict[str, Any]:
        height = int(self.chain.tx_height[row])
        blocks = self.chain.blocks
        return {
            "confirmed": True,
            "block_height": height,
            "block_hash": blocks.hashes[height].decode(),
            "block_time": int(blocks.time[height]),
        }

    def script(self, addr_id: int) -> OutputScript:
        if addr_id < 0:
            return OP_RETURN
        try:
            return chain_script(self.chain.address(addr_id))
        except AddressError:  # a chain file with an address we cannot decode: say so
            return UNKNOWN_SCRIPT

    def txout(self, addr_id: int, value: int) -> dict[str, Any]:
        script = self.script(addr_id)
        out: dict[str, Any] = {
            "scriptpubkey": script.scriptpubkey,
            "scriptpubkey_asm": script.asm,
            "scriptpubkey_type": script.type,
        }
        if addr_id >= 0:
            out["scriptpubkey_address"] = self.chain.address(addr_id)
        out["value"] = value
        return out

    def vin(self, row: int, i: int) -> dict[str, Any]:
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
            "prevout": self.txout(int(c.in_addr[i]), int(c.in_value[i])),
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
            "vin": [self.vin(row, i) for i in ins],
            "vout": [self.txout(int(c.out_addr[o]), int(c.out_value[o])) for o in outs],
            "size": int(c.tx_size[row]),
            "weight": int(c.tx_weight[row]),
            "fee": int(c.tx_fee[row]),
            "status": self.status(row),
        }

    def tx_text(self, row: int) -> str:
        """The transaction's JSON text, from the LRU when it was rendered before.

        Byte for byte what `dumps(self.tx(row))` gives, written out directly: hex, numbers and
        the per-address pieces (made with json.dumps) need no further escaping.
        """
        cache = self._tx_text
        text = cache.get(row)
        if text is not None:
            cache.move_to_end(row)
            return text
        text = self._render_tx(row)
        cache[row] = text
        if len(cache) > self.tx_cache:
            cache.popitem(last=False)
        return text

    def _render_tx(self, row: int) -> str:
        c = self.chain
        i0, i1 = int(c.tx_in_start[row]), int(c.tx_in_start[row + 1])
        o0, o1 = int(c.tx_out_start[row]), int(c.tx_out_start[row + 1])
        vins = []
        prevs = c.in_prev_tx[i0:i1].tolist()
        vouts = c.in_prev_vout[i0:i1].tolist()
        addrs = c.in_addr[i0:i1].tolist()
        values = c.in_value[i0:i1].tolist()
        for prev, vout, addr, value, seq in zip(
            prevs, vouts, addrs, values, c.in_sequence[i0:i1].tolist(), strict=True
        ):
            if prev < 0:
                script, asm = coinbase_scriptsig(int(c.tx_height[row]))
                vins.append(
                    f'{{"txid":"{ZERO_TXID}","vout":{MAX_VIN_VOUT - 1},"prevout":null,'
                    f'"scriptsig":"{script}","scriptsig_asm":{dumps(asm)},'
                    f'"is_coinbase":true,"sequence":{seq}}}'
                )
            else:
                vins.append(
                    f'{{"txid":"{c.txid(prev)}","vout":{vout},'
                    f'"prevout":{self._out_head(addr)},"value":{value}}},'
                    f'"scriptsig":"","scriptsig_asm":"","is_coinbase":false,"sequence":{seq}}}'
                )
        outs = ",".join(
            f'{self._out_head(addr)},"value":{value}}}'
            for addr, value in zip(
                c.out_addr[o0:o1].tolist(), c.out_value[o0:o1].tolist(), strict=True
            )
        )
        return (
            f'{{"txid":"{c.txid(row)}","version":{int(c.tx_version[row])},'
            f'"locktime":{int(c.tx_locktime[row])},"vin":[{",".join(vins)}],"vout":[{outs}],'
            f'"size":{int(c.tx_size[row])},"weight":{int(c.tx_weight[row])},'
            f'"fee":{int(c.tx_fee[row])},"status":{self._status_text(int(c.tx_height[row]))}}}'
        )

    def _out_head(self, addr_id: int) -> str:
        """An output's JSON up to its value (without the closing brace), per address."""
        head = self._heads.get(addr_id)
        if head is None:
            script = self.script(addr_id)
            head = (
                f'{{"scriptpubkey":"{script.scriptpubkey}","scriptpubkey_asm":"{script.asm}",'
                f'"scriptpubkey_type":"{script.type}"'
            )
            if addr_id >= 0:
                head += f',"scriptpubkey_address":{dumps(self.chain.address(addr_id))}'
            if len(self._heads) >= self.tx_cache:
                self._heads.clear()  # rare: a huge walk; starting again is cheaper than LRU
            self._heads[addr_id] = head
        return head

    def _status_text(self, height: int) -> str:
        text = self._statuses.get(height)
        if text is None:
            blocks = self.chain.blocks
            text = (
                f'{{"confirmed":true,"block_height":{height},'
                f'"block_hash":"{blocks.hashes[height].decode()}",'
                f'"block_time":{int(blocks.time[height])}}}'
            )
            self._statuses[height] = text
        return text

    def txs_text(self, rows: Any) -> str:
        """A JSON list of transactions, joined from their cached texts."""
        return "[" + ",".join(self.tx_text(int(r)) for r in rows) + "]"

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
            "difficulty": difficulty(int(b.bits[height])),
        }


def difficulty(bits: int) -> float:
    """Difficulty of a compact target relative to the genesis target (as bitcoind computes it)."""
    exponent, mantissa = bits >> 24, bits & 0xFFFFFF
    if mantissa == 0:
        return 0.0
    target = mantissa * (1 << (8 * (exponent - 3))) if exponent >= 3 else mantissa
    return float((0xFFFF << 208) / target)
