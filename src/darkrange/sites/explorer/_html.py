"""A small HTML view of the explorer for trainees: blocks, transactions and addresses.

Plain server-rendered pages without JavaScript, built from the same JSON the API serves, so
what a trainee reads on a page is exactly what their tools fetch from /api.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any
from urllib.parse import quote

from darkrange.sites.explorer._api import PAGE, Answer, EsploraApi, HttpError, parse_int

HTML = "text/html; charset=utf-8"
STYLE = (
    "body{font-family:sans-serif;max-width:70em;margin:1em auto;color:#222}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;"
    "padding:.2em .5em;text-align:left;font-family:monospace}a{color:#05a}"
)


def _page(title: str, body: str, status: int = 200) -> Answer:
    html = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)} - block explorer</title><style>{STYLE}</style></head><body>"
        "<p><a href='/'>explorer</a> | <form style='display:inline' action='/search'>"
        "<input name='q' size='70' placeholder='txid, block hash, height or address'>"
        "<button>search</button></form></p>"
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )
    return Answer(status, HTML, html.encode())


def _btc(sat: int) -> str:
    return f"{sat / 1e8:.8f} BTC"


def _time(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _link(kind: str, key: str, label: str | None = None) -> str:
    return f"<a href='/{kind}/{quote(key)}'>{escape(label or key)}</a>"


def _rows(rows: list[list[str]], head: list[str]) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


class ExplorerPages:
    def __init__(self, api: EsploraApi) -> None:
        self.api = api

    def answer(self, path: str, query: dict[str, str]) -> Answer:
        parts = [p for p in path.split("/") if p]
        try:
            return self._route(parts, query)
        except HttpError as exc:
            return _page(
                "Not found" if exc.status == 404 else "Bad request", escape(exc.message), exc.status
            )

    def _route(self, p: list[str], query: dict[str, str]) -> Answer:
        if not p:
            return self.home()
        if p == ["search"]:
            return self.search(query.get("q", "").strip())
        if len(p) == 2 and p[0] == "block":
            return self.block(p[1], parse_int(query.get("start", "0") or "0"))
        if len(p) == 2 and p[0] == "block-height":
            return self._redirect_height(p[1])
        if len(p) == 2 and p[0] == "tx":
            return self.tx(p[1])
        if len(p) == 2 and p[0] == "address":
            return self.address(p[1], query.get("after"))
        raise HttpError(404, "No such page")

    def _redirect_height(self, text: str) -> Answer:
        height = self.api.find_height(text)
        return self.block(self.api.chain.blocks.hashes[height].decode(), 0)

    def home(self) -> Answer:
        tip = self.api.tip
        rows = []
        for h in range(tip, max(-1, tip - 15), -1):
            b = self.api.shapes.block(h)
            rows.append(
                [str(h), _link("block", b["id"]), _time(b["timestamp"]), str(b["tx_count"])]
            )
        body = f"<p>Tip height {tip}, {self.api.mined} transactions.</p>"
        body += _rows(rows, ["height", "hash", "time", "transactions"])
        return _page("Latest blocks", body)

    def search(self, q: str) -> Answer:
        if q.isdigit():
            return self._redirect_height(q)
        if len(q) == 64:
            if self.api.tx_row(q.lower()) is not None:
                return self.tx(q)
            if self.api.block_height(q.lower()) is not None:
                return self.block(q, 0)
        if q:
            self.api.find_address(q)
            return self.address(q, None)
        raise HttpError(404, "Nothing matches that search")

    def block(self, block_hash: str, start: int) -> Answer:
        height = self.api.find_block(block_hash)
        b = self.api.shapes.block(height)
        chain = self.api.chain
        first = int(chain.blocks.first_tx[height])
        count = b["tx_count"]
        facts = [
            ["height", str(height)],
            ["time", _time(b["timestamp"])],
            ["transactions", str(count)],
            ["previous", _link("block", b["previousblockhash"]) if b["previousblockhash"] else "-"],
            ["merkle root", b["merkle_root"]],
            ["size / weight", f"{b['size']} / {b['weight']}"],
        ]
        rows = []
        for r in range(first + start, min(first + count, first + start + PAGE)):
            tx = self.api.shapes.tx(r)
            out = sum(v["value"] for v in tx["vout"])
            rows.append([str(r - first), _link("tx", tx["txid"]), _btc(out), str(tx["fee"])])
        nav = ""
        if start + PAGE < count:
            nav = f"<p><a href='/block/{b['id']}?start={start + PAGE}'>next {PAGE}</a></p>"
        body = _rows(facts, ["", ""]) + "<h2>Transactions</h2>"
        body += _rows(rows, ["#", "txid", "output value", "fee (sat)"]) + nav
        return _page(f"Block {height}", body)

    def tx(self, txid: str) -> Answer:
        row = self.api.find_tx(txid)
        tx = self.api.shapes.tx(row)
        st = tx["status"]
        ins = [self._vin(v) for v in tx["vin"]]
        outs = []
        for n, (v, spend) in enumerate(zip(tx["vout"], self._outspends(row), strict=True)):
            addr = v.get("scriptpubkey_address")
            where = _link("address", addr) if addr else escape(v["scriptpubkey_asm"])
            spent = _link("tx", spend["txid"], "spent") if spend["spent"] else "unspent"
            outs.append([str(n), where, v["scriptpubkey_type"], _btc(v["value"]), spent])
        facts = [
            ["block", _link("block", st["block_hash"], str(st["block_height"]))],
            ["time", _time(st["block_time"])],
            ["fee", f"{tx['fee']} sat ({tx['fee'] / max(1, tx['weight'] / 4):.1f} sat/vB)"],
            ["version / locktime", f"{tx['version']} / {tx['locktime']}"],
        ]
        body = _rows(facts, ["", ""]) + "<h2>Inputs</h2>"
        body += _rows(ins, ["from", "address", "value"])
        body += "<h2>Outputs</h2>" + _rows(outs, ["#", "address", "type", "value", "spent"])
        return _page(f"Transaction {tx['txid']}", body)

    def _vin(self, v: dict[str, Any]) -> list[str]:
        if v["is_coinbase"]:
            return ["coinbase", "-", "-"]
        prev = v["prevout"]
        source = _link("tx", v["txid"], f"{v['txid'][:16]}…:{v['vout']}")
        return [source, _link("address", prev["scriptpubkey_address"]), _btc(prev["value"])]

    def _outspends(self, row: int) -> list[dict[str, Any]]:
        c = self.api.chain
        return [
            self.api.outspend(o)
            for o in range(int(c.tx_out_start[row]), int(c.tx_out_start[row + 1]))
        ]

    def address(self, address: str, after: str | None) -> Answer:
        addr_id = self.api.find_address(address)
        stats = self.api.address_stats(addr_id)
        balance = stats["funded_txo_sum"] - stats["spent_txo_sum"]
        facts = [
            ["transactions", str(stats["tx_count"])],
            ["received", _btc(stats["funded_txo_sum"])],
            ["sent", _btc(stats["spent_txo_sum"])],
            ["balance", _btc(balance)],
        ]
        page = self.api.history(addr_id, after.lower() if after else None)
        txs = [self.api.shapes.tx(r) for r in page]
        rows = []
        for tx in txs:
            delta = sum(
                v["value"] for v in tx["vout"] if v.get("scriptpubkey_address") == address
            ) - sum(
                v["prevout"]["value"]
                for v in tx["vin"]
                if v["prevout"] and v["prevout"].get("scriptpubkey_address") == address
            )
            st = tx["status"]
            rows.append(
                [
                    _link("tx", tx["txid"]),
                    str(st["block_height"]),
                    _time(st["block_time"]),
                    f"{delta / 1e8:+.8f}",
                ]
            )
        nav = ""
        if len(txs) == PAGE:
            nav = f"<p><a href='/address/{quote(address)}?after={txs[-1]['txid']}'>older</a></p>"
        body = _rows(facts, ["", ""]) + "<h2>Transactions</h2>"
        body += _rows(rows, ["txid", "height", "time", "change (BTC)"]) + nav
        return _page(f"Address {address}", body)
