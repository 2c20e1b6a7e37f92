"""The explorer's Esplora API compared against the chain's Parquet rows, endpoint by endpoint."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from darkrange.errors import FormatError, InputError
from darkrange.sites.explorer import ExplorerApp, explorer_app, output_script
from tests.sites.explorer.chainfix import Chain, build_chain, spk

ESPLORA_TYPES = {
    "p2pkh": "p2pkh",
    "p2sh": "p2sh",
    "p2wpkh": "v0_p2wpkh",
    "p2wsh": "v0_p2wsh",
    "p2tr": "v1_p2tr",
    "op_return": "op_return",
}


class Rows:
    """The Parquet files read back plainly, as the ground truth for every comparison."""

    def __init__(self, folder: Path) -> None:
        self.blocks = pq.read_table(folder / "blocks.parquet").to_pylist()
        self.txs = pq.read_table(folder / "transactions.parquet").to_pylist()
        self.inputs = pq.read_table(folder / "inputs.parquet").to_pylist()
        self.outputs = pq.read_table(folder / "outputs.parquet").to_pylist()
        self.tx = {t["txid"]: t for t in self.txs}
        self.ins: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.outs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.inputs:
            self.ins[row["txid"]].append(row)
        for row in self.outputs:
            self.outs[row["txid"]].append(row)

    def order(self, txid: str) -> tuple[int, int]:
        return self.tx[txid]["block_height"], self.tx[txid]["position"]

    def address_txids(self, address: str) -> list[str]:
        """Every tx touching the address, newest first."""
        ids = {r["txid"] for r in self.outputs if r["address"] == address}
        ids |= {r["txid"] for r in self.inputs if r["address"] == address}
        return sorted(ids, key=self.order, reverse=True)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    return build_chain(tmp_path_factory.mktemp("world") / "chain")


@pytest.fixture(scope="module")
def rows(chain: Chain) -> Rows:
    return Rows(chain.folder)


@pytest.fixture(scope="module")
def app(chain: Chain) -> ExplorerApp:
    return explorer_app(chain.folder)


def get(app: ExplorerApp, path: str, status: int = 200) -> Any:
    answer = app.respond("GET", "/api" + path, "")
    assert answer.status == status, (path, answer.body[:200])
    if answer.content_type == "application/json":
        return json.loads(answer.body)
    assert answer.content_type == "text/plain"
    return answer.body.decode()


def check_status(status: dict[str, Any], rows: Rows, txid: str) -> None:
    height = rows.tx[txid]["block_height"]
    block = rows.blocks[height]
    assert status == {
        "confirmed": True,
        "block_height": height,
        "block_hash": block["hash"],
        "block_time": block["time"],
    }


def check_tx(tx: dict[str, Any], rows: Rows, chain: Chain | None) -> None:
    row = rows.tx[tx["txid"]]
    assert list(tx) == [
        "txid",
        "version",
        "locktime",
        "vin",
        "vout",
        "size",
        "weight",
        "fee",
        "status",
    ]
    assert (tx["version"], tx["locktime"], tx["fee"]) == (
        row["version"],
        row["locktime"],
        row["fee"],
    )
    assert tx["weight"] == 4 * row["vsize"]
    check_status(tx["status"], rows, tx["txid"])
    assert len(tx["vin"]) == row["n_inputs"] and len(tx["vout"]) == row["n_outputs"]
    for vin, expected in zip(tx["vin"], rows.ins[tx["txid"]], strict=True):
        assert vin["sequence"] == expected["sequence"]
        if expected["prev_txid"] is None:
            assert vin["is_coinbase"] and vin["prevout"] is None and vin["vout"] == 0xFFFFFFFF
            continue
        assert (vin["txid"], vin["vout"]) == (expected["prev_txid"], expected["prev_vout"])
        assert vin["prevout"]["scriptpubkey_address"] == expected["address"]
        assert vin["prevout"]["value"] == expected["value"]
        assert not vin["is_coinbase"]
    for vout, expected in zip(tx["vout"], rows.outs[tx["txid"]], strict=True):
        assert vout["value"] == expected["value"]
        assert vout["scriptpubkey_type"] == ESPLORA_TYPES[expected["script_type"]]
        assert vout.get("scriptpubkey_address") == expected["address"]
        assert (
            vout["scriptpubkey"] == output_script(expected["address"]).scriptpubkey
            if expected["address"]
            else vout["scriptpubkey"] == "6a"
        )
        if chain is not None:
            key = chain.keys.get(expected["address"]) if expected["address"] else None
            assert vout["scriptpubkey"] == spk(key).hex()  # derived independently from the key


def test_every_transaction_matches_its_rows(app: ExplorerApp, rows: Rows, chain: Chain) -> None:
    for txid in rows.tx:
        check_tx(get(app, f"/tx/{txid}"), rows, chain)
        check_status(get(app, f"/tx/{txid}/status"), rows, txid)


def test_outspends_match_spent_by_columns(app: ExplorerApp, rows: Rows) -> None:
    spent = 0
    for txid in rows.tx:
        answer = get(app, f"/tx/{txid}/outspends")
        assert len(answer) == len(rows.outs[txid])
        for out, row in zip(answer, rows.outs[txid], strict=True):
            if row["spent_by_txid"] is None:
                assert out == {"spent": False}
                continue
            spent += 1
            assert (out["txid"], out["vin"]) == (row["spent_by_txid"], row["spent_by_vin"])
            check_status(out["status"], rows, row["spent_by_txid"])
    assert spent > 10


def test_address_stats_match_outputs(app: ExplorerApp, rows: Rows, chain: Chain) -> None:
    for address in chain.keys:
        funded = [r for r in rows.outputs if r["address"] == address]
        spent = [r for r in funded if r["spent_by_txid"] is not None]
        answer = get(app, f"/address/{address}")
        assert answer["address"] == address
        assert answer["chain_stats"] == {
            "funded_txo_count": len(funded),
            "funded_txo_sum": sum(r["value"] for r in funded),
            "spent_txo_count": len(spent),
            "spent_txo_sum": sum(r["value"] for r in spent),
            "tx_count": len(rows.address_txids(address)),
        }
        assert set(answer["mempool_stats"].values()) == {0}


def test_address_history_pages_newest_first(app: ExplorerApp, rows: Rows, chain: Chain) -> None:
    expected = rows.address_txids(chain.reused)
    assert len(expected) > 25
    first = get(app, f"/address/{chain.reused}/txs")
    assert [t["txid"] for t in first] == expected[:25]
    seen = [t["txid"] for t in get(app, f"/address/{chain.reused}/txs/chain")]
    while len(seen) < len(expected):
        page = get(app, f"/address/{chain.reused}/txs/chain/{seen[-1]}")
        assert 0 < len(page) <= 25
        seen += [t["txid"] for t in page]
    assert seen == expected
    assert get(app, f"/address/{chain.reused}/txs/chain/{seen[-1]}") == []
    for address in list(chain.keys)[:20]:
        page = get(app, f"/address/{address}/txs")
        assert [t["txid"] for t in page] == rows.address_txids(address)[:25]


def test_utxo_lists_unspent_outputs(app: ExplorerApp, rows: Rows, chain: Chain) -> None:
    for address in chain.keys:
        expected = {
            (r["txid"], r["vout"], r["value"])
            for r in rows.outputs
            if r["address"] == address and r["spent_by_txid"] is None
        }
        answer = get(app, f"/address/{address}/utxo")
        assert {(u["txid"], u["vout"], u["value"]) for u in answer} == expected
        for utxo in answer:
            check_status(utxo["status"], rows, utxo["txid"])


def test_blocks_match_block_rows(app: ExplorerApp, rows: Rows) -> None:
    assert get(app, "/blocks/tip/height") == str(len(rows.blocks) - 1)
    assert get(app, "/blocks/tip/hash") == rows.blocks[-1]["hash"]
    for block in rows.blocks:
        assert get(app, f"/block-height/{block['height']}") == block["hash"]
        answer = get(app, f"/block/{block['hash']}")
        assert answer["id"] == block["hash"]
        assert answer["height"] == block["height"]
        assert answer["timestamp"] == block["time"]
        assert answer["tx_count"] == block["n_tx"]
        assert answer["merkle_root"] == block["merkle_root"]
        prev = None if block["height"] == 0 else block["prev_hash"]
        assert answer["previousblockhash"] == prev
        txids = [t["txid"] for t in rows.txs if t["block_height"] == block["height"]]
        assert get(app, f"/block/{block['hash']}/txids") == txids


def test_block_txs_pages_of_25(app: ExplorerApp, rows: Rows, chain: Chain) -> None:
    block = rows.blocks[chain.big_block]
    txids = [t["txid"] for t in rows.txs if t["block_height"] == block["height"]]
    assert len(txids) > 25
    first = get(app, f"/block/{block['hash']}/txs")
    assert [t["txid"] for t in first] == txids[:25]
    second = get(app, f"/block/{block['hash']}/txs/25")
    assert [t["txid"] for t in second] == txids[25:50]
    for tx in first + second:
        check_tx(tx, rows, chain)
    assert "multiple of 25" in get(app, f"/block/{block['hash']}/txs/10", 400)
    get(app, f"/block/{block['hash']}/txs/{25 * ((len(txids) + 24) // 25)}", 400)


def test_unknown_and_malformed_requests(app: ExplorerApp, rows: Rows, chain: Chain) -> None:
    missing = "ab" * 32
    assert get(app, f"/tx/{missing}", 404) == "Transaction not found"
    assert get(app, f"/tx/{missing}/outspends", 404) == "Transaction not found"
    assert get(app, f"/tx/{missing}/status") == {"confirmed": False}
    assert get(app, f"/block/{missing}", 404) == "Block not found"
    assert get(app, f"/block-height/{len(rows.blocks)}", 404) == "Block not found"
    assert get(app, "/tx/xyz", 400) == "Invalid hex string"
    assert get(app, "/tx/" + "g" * 64, 400) == "Invalid hex string"
    assert get(app, "/block/1234", 400) == "Invalid hex string"
    assert get(app, "/block-height/minus", 400) == "Invalid number"
    get(app, "/address/1BoatSLRHtKNngkdXEeobR76b53LETtpyX", 400)  # bad checksum
    assert get(app, "/address/tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", 400) == (
        "Address on invalid network"
    )
    get(app, "/no/such/endpoint", 404)
    # a valid address nobody used: Esplora answers zero stats, not an error
    unused = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert get(app, f"/address/{unused}")["chain_stats"]["tx_count"] == 0
    assert get(app, f"/address/{unused}/txs") == []
    assert get(app, f"/address/{unused}/utxo") == []
    assert app.respond("POST", "/api/tx", "").status == 405


def test_scripts_of_every_address_type(chain: Chain) -> None:
    types = set()
    for address, key in chain.keys.items():
        script = output_script(address)
        assert script.scriptpubkey == spk(key).hex()
        types.add(script.type)
    assert types == {"p2pkh", "p2sh", "v0_p2wpkh", "v0_p2wsh", "v1_p2tr"}


def test_html_pages_show_the_chain(app: ExplorerApp, rows: Rows, chain: Chain) -> None:
    home = app.respond("GET", "/", "")
    assert home.status == 200 and home.content_type.startswith("text/html")
    assert rows.blocks[-1]["hash"].encode() in home.body
    txid = rows.txs[-1]["txid"]
    page = app.respond("GET", f"/tx/{txid}", "").body.decode()
    for out in rows.outs[txid]:
        assert (out["address"] or "OP_RETURN") in page
    page = app.respond("GET", f"/address/{chain.reused}", "").body.decode()
    assert rows.address_txids(chain.reused)[0] in page and "older" in page
    block = app.respond("GET", f"/block/{rows.blocks[chain.big_block]['hash']}", "").body
    assert b"next 25" in block
    found = app.respond("GET", "/search", f"q={txid}")
    assert found.status == 200 and txid.encode() in found.body
    assert app.respond("GET", "/search", "q=nonsense").status == 400
    assert app.respond("GET", "/tx/" + "cd" * 32, "").status == 404


def test_bad_chain_folders_are_clear_errors(tmp_path: Path, chain: Chain) -> None:
    with pytest.raises(InputError, match="does not exist"):
        explorer_app(tmp_path / "nowhere")
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("blocks", "transactions", "inputs"):
        (broken / f"{name}.parquet").write_bytes((chain.folder / f"{name}.parquet").read_bytes())
    with pytest.raises(InputError, match=r"outputs\.parquet"):
        explorer_app(broken)
    (broken / "outputs.parquet").write_bytes(b"not parquet")
    with pytest.raises(FormatError, match="Parquet"):
        explorer_app(broken)


def test_every_endpoint_answers_bad_requests_as_esplora(app: ExplorerApp, chain: Chain) -> None:
    rows = Rows(chain.folder)
    txid, missing = rows.txs[-1]["txid"], "ab" * 32
    big = rows.blocks[chain.big_block]["hash"]
    n_big = rows.blocks[chain.big_block]["n_tx"]
    addr, bad_addr = chain.reused, "1BoatSLRHtKNngkdXEeobR76b53LETtpyX"
    cases = [
        # endpoint: malformed parameter, then unknown or beyond the end
        (f"/tx/{txid[:-1]}", 400, "Invalid hex string"),
        (f"/tx/{missing}", 404, "Transaction not found"),
        (f"/tx/{txid}x/status", 400, "Invalid hex string"),
        (f"/tx/{txid[:10]}/outspends", 400, "Invalid hex string"),
        (f"/tx/{missing}/outspends", 404, "Transaction not found"),
        (f"/tx/{txid}/outspend/one", 400, "Invalid number"),
        (f"/tx/{txid}/outspend/-1", 400, "Invalid number"),
        (f"/tx/{missing}/outspend/0", 404, "Transaction not found"),
        (f"/tx/{txid}/hex", 404, f'endpoint does not exist "/tx/{txid}/hex"'),
        (f"/address/{bad_addr}", 400, None),
        ("/address/not-an-address", 400, None),
        (f"/address/{bad_addr}/txs", 400, None),
        (f"/address/{bad_addr}/txs/chain/{txid}", 400, None),
        (f"/address/{bad_addr}/utxo", 400, None),
        (f"/address/{addr}/balance", 404, None),
        ("/block-height/tip", 400, "Invalid number"),
        ("/block-height/-3", 400, "Invalid number"),
        ("/block-height/1" + "0" * 25, 400, "Invalid number"),
        (f"/block-height/{len(rows.blocks)}", 404, "Block not found"),
        ("/block-height/99999999999", 404, "Block not found"),
        ("/block/xyz", 400, "Invalid hex string"),
        (f"/block/{missing}", 404, "Block not found"),
        (f"/block/{missing}/txids", 404, "Block not found"),
        (f"/block/{missing}/status", 404, "Block not found"),
        (f"/block/{big}/txid/x", 400, "Invalid number"),
        (f"/block/{big}/txid/{n_big}", 404, "tx index out of range"),
        (f"/block/{big}/txs/x", 400, "Invalid number"),
        (f"/block/{big}/txs/3", 400, "start index must be a multiple of 25"),
        (f"/block/{big}/txs/{25 * (n_big // 25 + 1)}", 400, "start index out of range"),
        (f"/block/{big}/header", 404, None),
        ("/blocks/x", 400, "Invalid number"),
        (f"/blocks/{len(rows.blocks)}", 404, "Block not found"),
        ("/blocks/tip/size", 404, None),
        ("/mempool", 404, None),
    ]
    for path, status, body in cases:
        answer = app.respond("GET", "/api" + path, "")
        assert (answer.status, answer.content_type) == (status, "text/plain"), path
        assert answer.body and (body is None or answer.body.decode() == body), path
    # paging past the end is an empty page, as electrs pages: not an error
    history = rows.address_txids(addr)
    assert get(app, f"/address/{addr}/txs/chain/{history[-1]}") == []
    assert get(app, f"/address/{addr}/txs/chain/{missing}") == []
    # an unparsable last_seen_txid is ignored (electrs): the newest page
    newest = [t["txid"] for t in get(app, f"/address/{addr}/txs/chain/zzz")]
    assert newest == history[:25]
    assert get(app, f"/tx/{txid}/outspend/999") == {"spent": False}
