"""A small world's chain, checked as a block explorer and a tracer would check it."""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from darkrange.formats import b58check_decode, segwit_decode
from darkrange.world.chain import (
    AddressRecord,
    AddressRequest,
    ChainResult,
    ChainSpec,
    Entity,
    Payment,
    WalletProfile,
    simulate,
)
from darkrange.world.chain._coinjoin import WHIRLPOOL_DENOMINATIONS
from darkrange.world.chain._routes import mixer_payout
from darkrange.world.chain._simulate import SUBSIDY
from darkrange.world.chain._tx import block_header, merkle_root, sha256d, target_from_bits, varint

T0 = 1_700_000_000
DAY = 86_400
Row = dict[str, Any]

ENTITIES = [
    Entity("alice", "person", WalletProfile(fee_rate=12.0), starting_balance_sat=50_000_000),
    Entity("bob", "person", WalletProfile("p2pkh", reuses_addresses=True, bip69=True)),
    Entity("vendor", "person", WalletProfile("p2sh", reuses_addresses=True, fee_rate=20.0)),
    Entity("carol", "person", WalletProfile("p2tr", change_script_type="p2wpkh")),
    Entity("dana", "person", WalletProfile(anti_fee_sniping=False, version=1, fee_rate=3.5)),
    Entity("market", "market", WalletProfile(fee_rate=15.0)),
    Entity("mixer", "mixer", WalletProfile(fee_rate=8.0), service_fee_pct=2.5),
    Entity("exchange", "exchange", WalletProfile("p2sh", fee_rate=25.0)),
    Entity("cell", "cell", WalletProfile(fee_rate=6.0)),
]
REQUESTS = [
    AddressRequest("dep-alice", "market", "deposit", counterparty="alice"),
    AddressRequest("pub-vendor", "vendor", "published"),
    AddressRequest("don-cell", "cell", "donation"),
    AddressRequest("xdep-vendor", "exchange", "exchange_deposit", counterparty="vendor"),
]
PAYMENTS = [
    Payment("direct", T0 + 3_000, "alice", "vendor", 2_000_000),
    Payment(
        "escrow",
        T0 + 4_000,
        "bob",
        "vendor",
        1_500_000,
        "escrow",
        via="market",
        release_time=T0 + 3 * DAY,
    ),
    Payment(
        "escrow-req",
        T0 + 5_000,
        "alice",
        "vendor",
        1_200_000,
        "escrow",
        via="market",
        to_request="dep-alice",
    ),
    Payment(
        "mix",
        T0 + DAY,
        "cell",
        "vendor",
        3_000_000,
        "mixer",
        via="mixer",
        release_time=T0 + DAY + 7_200,
    ),
    Payment(
        "deposit", T0 + 2 * DAY, "vendor", "exchange", 2_500_000, "exchange_deposit", via="exchange"
    ),
    Payment(
        "withdraw",
        T0 + 2 * DAY + 600,
        "alice",
        "alice",
        7_500_000,
        "exchange_withdrawal",
        via="exchange",
    ),
    Payment("don-1", T0 + 6_000, "dana", "cell", 400_000, to_request="don-cell"),
    Payment("don-2", T0 + 7_000, "alice", "cell", 600_000, to_request="don-cell"),
    Payment("don-3", T0 + 8_000, "bob", "cell", 500_000, to_request="don-cell"),
    Payment("published", T0 + 9_000, "carol", "vendor", 800_000, to_request="pub-vendor"),
    Payment("big", T0 + 3 * DAY, "dana", "carol", 500_000_000),
    Payment("carol-pays", T0 + 3 * DAY + 3_600, "carol", "dana", 1_000_000),
    Payment("bob-pays", T0 + 4 * DAY, "bob", "dana", 1_000_000),
]


def make_spec(target: int = 6_000, days: int = 5) -> ChainSpec:
    return ChainSpec(
        seed=2024,
        start_time=T0,
        end_time=T0 + days * DAY,
        target_transactions=target,
        entities=list(ENTITIES),
        payments=list(PAYMENTS),
        address_requests=list(REQUESTS),
    )


@dataclass
class Chain:
    spec: ChainSpec
    result: ChainResult
    out: Path
    blocks: list[Row]
    txs: list[Row]
    inputs: list[Row]
    outputs: list[Row]
    progress: list[tuple[int, int]]

    def __post_init__(self) -> None:
        self.tx = {t["txid"]: t for t in self.txs}
        self.ins: dict[str, list[Row]] = defaultdict(list)
        for i in self.inputs:
            self.ins[i["txid"]].append(i)
        self.outs: dict[str, list[Row]] = defaultdict(list)
        for o in self.outputs:
            self.outs[o["txid"]].append(o)
        self.owner: dict[str, AddressRecord] = {a.address: a for a in self.result.addresses}

    def owned(self, txid: str, entity: str) -> list[Row]:
        return [
            o
            for o in self.outs[txid]
            if o["address"] and self.owner[o["address"]].owner_id == entity
        ]

    def payer_of(self, txid: str) -> set[str]:
        return {self.owner[i["address"]].owner_id for i in self.ins[txid] if i["address"]}


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    out = tmp_path_factory.mktemp("chain")
    calls: list[tuple[int, int]] = []
    spec = make_spec()
    result = simulate(spec, out, lambda done, total: calls.append((done, total)))
    tables = {
        n: pq.read_table(out / f"{n}.parquet").to_pylist()
        for n in ("blocks", "transactions", "inputs", "outputs")
    }
    return Chain(
        spec,
        result,
        out,
        tables["blocks"],
        tables["transactions"],
        tables["inputs"],
        tables["outputs"],
        calls,
    )


def script_of(address: str, script_type: str) -> bytes:
    """Decode an address with the shared codecs and rebuild its output script."""
    if script_type in ("p2pkh", "p2sh"):
        payload = b58check_decode(address)
        assert len(payload) == 21
        if script_type == "p2pkh":
            assert payload[0] == 0
            return b"\x76\xa9\x14" + payload[1:] + b"\x88\xac"
        assert payload[0] == 5
        return b"\xa9\x14" + payload[1:] + b"\x87"
    version, program = segwit_decode("bc", address)
    expected = {"p2wpkh": (0, 20), "p2wsh": (0, 32), "p2tr": (1, 32)}[script_type]
    assert (version, len(program)) == expected
    return bytes([0x50 + version if version else 0, len(program)]) + program


def test_files_and_sizes(chain: Chain) -> None:
    assert sorted(p.name for p in chain.out.iterdir()) == [
        "blocks.parquet",
        "inputs.parquet",
        "outputs.parquet",
        "transactions.parquet",
    ]
    assert chain.result.transactions == len(chain.txs)
    assert chain.result.blocks == len(chain.blocks)
    assert 0.9 * 6_000 <= len(chain.txs) <= 1.1 * 6_000
    assert [b["height"] for b in chain.blocks] == list(range(len(chain.blocks)))
    times = [b["time"] for b in chain.blocks]
    assert times == sorted(times) and times[0] == T0 and times[-1] <= T0 + 5 * DAY
    assert 600 <= len(chain.blocks) <= 840  # ~720 blocks in five days


def test_every_address_is_valid_and_matches_its_script(chain: Chain) -> None:
    for o in chain.outputs:
        if o["script_type"] == "op_return":
            assert o["address"] is None and o["value"] == 0
            assert o["script_pubkey"].startswith("6a24aa21a9ed")
            continue
        assert script_of(o["address"], o["script_type"]).hex() == o["script_pubkey"]
        assert chain.owner[o["address"]].script_type == o["script_type"]
    types = Counter(o["script_type"] for o in chain.outputs)
    assert {"p2pkh", "p2sh", "p2wpkh", "p2tr", "p2wsh", "op_return"} <= set(types)


def test_inputs_spend_earlier_outputs_once(chain: Chain) -> None:
    where = {(o["txid"], o["vout"]): o for o in chain.outputs}
    order = {t["txid"]: (t["block_height"], t["position"]) for t in chain.txs}
    spent: set[tuple[str, int]] = set()
    for i in chain.inputs:
        if i["prev_txid"] is None:
            assert chain.tx[i["txid"]]["is_coinbase"] and i["value"] == 0
            continue
        key = (i["prev_txid"], i["prev_vout"])
        assert key not in spent
        spent.add(key)
        prev = where[key]
        assert order[i["prev_txid"]] < order[i["txid"]]
        assert (prev["address"], prev["value"]) == (i["address"], i["value"])
        assert (prev["spent_by_txid"], prev["spent_by_vin"]) == (i["txid"], i["vin"])
    for key, o in where.items():
        assert (o["spent_by_txid"] is None) == (key not in spent)


def test_coinbases_mature_before_they_are_spent(chain: Chain) -> None:
    heights = {t["txid"]: t["block_height"] for t in chain.txs}
    coinbase = {t["txid"] for t in chain.txs if t["is_coinbase"] and t["block_height"] > 0}
    for i in chain.inputs:
        if i["prev_txid"] in coinbase:
            assert heights[i["txid"]] - heights[i["prev_txid"]] >= 100


def test_values_are_conserved(chain: Chain) -> None:
    fees_by_block: Counter[int] = Counter()
    for t in chain.txs:
        out = sum(o["value"] for o in chain.outs[t["txid"]])
        assert t["n_inputs"] == len(chain.ins[t["txid"]])
        assert t["n_outputs"] == len(chain.outs[t["txid"]])
        if t["is_coinbase"]:
            continue
        assert t["fee"] == sum(i["value"] for i in chain.ins[t["txid"]]) - out >= 0
        assert all(o["value"] > 0 for o in chain.outs[t["txid"]])
        fees_by_block[t["block_height"]] += t["fee"]
    for t in chain.txs:
        if t["is_coinbase"] and t["block_height"] > 0:
            total = sum(o["value"] for o in chain.outs[t["txid"]])
            assert total == SUBSIDY + fees_by_block[t["block_height"]]


def test_txids_merkle_roots_and_block_hashes_recompute(chain: Chain) -> None:
    for t in chain.txs:
        parts = [t["version"].to_bytes(4, "little"), varint(t["n_inputs"])]
        for i in chain.ins[t["txid"]]:
            prev = bytes.fromhex(i["prev_txid"])[::-1] if i["prev_txid"] else b"\x00" * 32
            vout = i["prev_vout"] if i["prev_vout"] is not None else 0xFFFFFFFF
            sig = bytes.fromhex(i["script_sig"])
            assert bool(sig) == t["is_coinbase"]
            parts += [prev, vout.to_bytes(4, "little"), varint(len(sig)), sig]
            parts.append(i["sequence"].to_bytes(4, "little"))
        parts.append(varint(t["n_outputs"]))
        for o in chain.outs[t["txid"]]:
            script = bytes.fromhex(o["script_pubkey"])
            parts += [o["value"].to_bytes(8, "little"), varint(len(script)), script]
        parts.append(t["locktime"].to_bytes(4, "little"))
        assert sha256d(b"".join(parts))[::-1].hex() == t["txid"]
    by_block: dict[int, list[Row]] = defaultdict(list)
    for t in chain.txs:
        by_block[t["block_height"]].append(t)
    prev = b"\x00" * 32
    for b in chain.blocks:
        txs = by_block[b["height"]]
        assert [t["position"] for t in txs] == list(range(b["n_tx"]))
        assert txs[0]["is_coinbase"] and not any(t["is_coinbase"] for t in txs[1:])
        root = merkle_root([bytes.fromhex(t["txid"])[::-1] for t in txs])
        assert root[::-1].hex() == b["merkle_root"]
        assert bytes.fromhex(b["prev_hash"])[::-1] == prev
        header = block_header(b["version"], prev, root, b["time"], b["bits"], b["nonce"])
        digest = sha256d(header)
        assert digest[::-1].hex() == b["hash"]
        assert int.from_bytes(digest, "little") <= target_from_bits(b["bits"])
        prev = digest


def test_coinbase_carries_bip34_height(chain: Chain) -> None:
    for t in chain.txs[:300]:
        if t["is_coinbase"]:
            sig = bytes.fromhex(chain.ins[t["txid"]][0]["script_sig"])
            h = t["block_height"]
            if h == 0:
                assert sig[0] == 0
            elif h <= 16:
                assert sig[0] == 0x50 + h
            else:
                assert int.from_bytes(sig[1 : 1 + sig[0]], "little") == h
            owners = {
                chain.owner[o["address"]].owner_kind
                for o in chain.outs[t["txid"]]
                if o["address"] and h > 0
            }
            assert owners <= {"miner"}


def test_vsize_column_is_plausible(chain: Chain) -> None:
    for t in chain.txs:
        low = 10 + 41 * t["n_inputs"] + 31 * t["n_outputs"]
        assert low * 0.9 <= t["vsize"] <= 10 + 150 * t["n_inputs"] + 50 * t["n_outputs"]


def test_ground_truth_covers_every_address_once(chain: Chain) -> None:
    records = chain.result.addresses
    assert len({r.address for r in records}) == len(records)
    for o in chain.outputs:
        if o["address"] is not None:
            assert o["address"] in chain.owner
    kinds = Counter(r.owner_kind for r in records)
    assert {"background", "exchange", "miner", "mixer", "market", "person", "cell"} <= set(kinds)
    assert all(r.owner_id.startswith("bg-") for r in records if r.owner_kind == "background")


def test_requested_addresses_belong_to_their_owner(chain: Chain) -> None:
    for request in REQUESTS:
        record = chain.owner[chain.result.requested[request.request_id]]
        assert (record.owner_id, record.purpose) == (request.owner, request.purpose)
    for p in PAYMENTS:
        if p.to_request is not None:
            hops = chain.result.payment_txids[p.payment_id]
            address = chain.result.requested[p.to_request]
            assert any(
                o["address"] == address and o["value"] == p.amount_sat for o in chain.outs[hops[0]]
            )


def _pays(chain: Chain, txid: str, entity: str, value: int) -> bool:
    return any(o["value"] == value for o in chain.owned(txid, entity))


def test_every_payment_moves_the_right_amount_to_the_right_owner(chain: Chain) -> None:
    hops = chain.result.payment_txids
    assert set(hops) == {p.payment_id for p in PAYMENTS}
    for p in PAYMENTS:
        txids = hops[p.payment_id]
        assert all(t in chain.tx for t in txids)
        heights = [chain.tx[t]["block_height"] for t in txids]
        assert heights == sorted(heights)
        first = txids[0]
        if p.route != "exchange_withdrawal":
            assert p.payer in chain.payer_of(first)
        if p.route == "direct":
            assert len(txids) == 1 and _pays(chain, first, p.payee, p.amount_sat)
        elif p.route == "escrow":
            assert len(txids) == 3
            deposit = [o for o in chain.owned(first, "market") if o["value"] == p.amount_sat]
            assert deposit and chain.owner[deposit[0]["address"]].purpose == "deposit"
            assert deposit[0]["spent_by_txid"] == txids[1]  # the sweep
            assert chain.payer_of(txids[1]) == {"market"}
            assert chain.owned(txids[1], "market")
            assert chain.payer_of(txids[2]) == {"market"}
            assert _pays(chain, txids[2], p.payee, p.amount_sat)
            assert chain.tx[txids[2]]["block_height"] >= chain.tx[txids[1]]["block_height"]
        elif p.route == "mixer":
            assert len(txids) == 2 and _pays(chain, first, "mixer", p.amount_sat)
            assert chain.payer_of(txids[1]) == {"mixer"}
            assert _pays(chain, txids[1], p.payee, mixer_payout(p.amount_sat, 2.5))
            mixed = next(o for o in chain.owned(first, "mixer") if o["value"] == p.amount_sat)
            assert mixed["spent_by_txid"] != txids[1]  # paid out with other coins
        elif p.route == "exchange_deposit":
            assert len(txids) == 2
            deposit = [o for o in chain.owned(first, "exchange") if o["value"] == p.amount_sat]
            assert chain.owner[deposit[0]["address"]].purpose == "exchange_deposit"
            assert deposit[0]["address"] == chain.result.requested["xdep-vendor"]
            assert deposit[0]["spent_by_txid"] == txids[1]
            assert chain.payer_of(txids[1]) == {"exchange"}
        else:
            assert len(txids) == 1 and chain.payer_of(first) == {"exchange"}
            assert _pays(chain, first, p.payee, p.amount_sat)


def test_starting_balance_comes_from_an_exchange(chain: Chain) -> None:
    funding = [t for t in chain.txs if _pays(chain, t["txid"], "alice", 50_000_000)]
    assert funding
    kinds = {chain.owner[i["address"]].owner_kind for i in chain.ins[funding[0]["txid"]]}
    assert kinds == {"exchange"}


def _entity_txs(chain: Chain, entity: str) -> list[Row]:
    return [
        t
        for t in chain.txs
        if not t["is_coinbase"]
        and chain.payer_of(t["txid"]) == {entity}
        and all(chain.owner[i["address"]].purpose != "deposit" for i in chain.ins[t["txid"]])
    ]


@pytest.mark.parametrize("entity", ["alice", "bob", "vendor", "carol", "dana", "cell"])
def test_wallet_habits(chain: Chain, entity: str) -> None:
    profile = next(e.profile for e in ENTITIES if e.entity_id == entity)
    txs = _entity_txs(chain, entity)
    assert txs
    fee_checked = 0
    for t in txs:
        ins, outs = chain.ins[t["txid"]], chain.outs[t["txid"]]
        in_types = {chain.owner[i["address"]].script_type for i in ins}
        change = [o for o in outs if chain.owner[o["address"]].owner_id == entity]
        assert t["version"] == profile.version
        for o in change:
            if chain.owner[o["address"]].purpose == "change":
                expected = profile.change_script_type or next(iter(in_types))
                assert o["script_type"] == expected
                fee_checked += 1
                assert t["fee"] == math.ceil(profile.fee_rate * t["vsize"])
        if profile.anti_fee_sniping:
            assert t["block_height"] - 101 <= t["locktime"] <= max(0, t["block_height"] - 1)
            assert {i["sequence"] for i in ins} == {0xFFFFFFFD}
        else:
            assert t["locktime"] == 0 and {i["sequence"] for i in ins} == {0xFFFFFFFF}
        if profile.bip69:
            assert outs == sorted(outs, key=lambda o: (o["value"], o["script_pubkey"]))
            keys = [(i["prev_txid"], i["prev_vout"]) for i in ins]
            assert keys == sorted(keys)
    assert fee_checked or entity in ("bob", "vendor")  # reusers' change goes to their one address


def test_address_reuse_follows_the_profile(chain: Chain) -> None:
    counts = Counter(r.owner_id for r in chain.result.addresses)
    assert counts["bob"] <= 3 and counts["vendor"] <= 3  # reusers keep one address
    assert counts["alice"] >= 4


def test_coinjoin_shapes_are_present(chain: Chain) -> None:
    whirlpool = wasabi = joinmarket = 0
    for t in chain.txs:
        values = Counter(o["value"] for o in chain.outs[t["txid"]])
        value, equal = values.most_common(1)[0]
        if t["n_inputs"] == 5 and t["n_outputs"] == 5 and equal == 5:
            whirlpool += value in WHIRLPOOL_DENOMINATIONS
        elif equal >= 5 and 9_700_000 <= value <= 10_000_000 and t["n_inputs"] >= 5:
            wasabi += 1
        elif 3 <= equal < t["n_outputs"] and t["version"] == 2 and value % 1000 != 0:
            joinmarket += t["n_outputs"] >= 2 * equal - 1
    assert whirlpool and wasabi and joinmarket


def test_whirlpool_mixes_are_in_bip69_order(chain: Chain) -> None:
    """Five equal outputs: only the scripts order them, and the inputs by their outpoints; both
    are known only once addresses and txids exist, after the simulation chose the coins."""
    mixes = 0
    for t in chain.txs:
        outs = chain.outs[t["txid"]]
        if t["n_inputs"] == 5 and len({o["value"] for o in outs}) == 1 and len(outs) == 5:
            mixes += 1
            assert outs == sorted(outs, key=lambda o: o["script_pubkey"])
            keys = [(i["prev_txid"], i["prev_vout"]) for i in chain.ins[t["txid"]]]
            assert keys == sorted(keys)
    assert mixes


def test_background_far_outnumbers_the_world(chain: Chain) -> None:
    world = {e.entity_id for e in ENTITIES}
    involved = 0
    for t in chain.txs:
        owners = chain.payer_of(t["txid"]) | {
            chain.owner[o["address"]].owner_id for o in chain.outs[t["txid"]] if o["address"]
        }
        involved += bool(owners & world)
    assert involved / len(chain.txs) < 0.2
    kinds = Counter(r.owner_kind for r in chain.result.addresses)
    assert kinds["background"] > 0.5 * len(chain.result.addresses)


def test_progress_is_reported(chain: Chain) -> None:
    assert len(chain.progress) >= 10
    done = [d for d, _ in chain.progress]
    assert done == sorted(done)
    assert chain.progress[-1] == (6_000, 6_000)


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_same_spec_gives_identical_files(chain: Chain, tmp_path: Path) -> None:
    again = simulate(make_spec(), tmp_path / "again", workers=1)  # derived in a process
    assert _digests(tmp_path / "again") == _digests(chain.out)
    assert again.addresses == chain.result.addresses
    assert again.payment_txids == chain.result.payment_txids


def test_another_seed_gives_another_chain(tmp_path: Path) -> None:
    spec = make_spec(target=800, days=1)
    spec.payments = [p for p in spec.payments if p.time < T0 + DAY - 7_200]
    first = simulate(spec, tmp_path / "a")
    spec.seed += 1
    second = simulate(spec, tmp_path / "b")
    assert _digests(tmp_path / "a") != _digests(tmp_path / "b")
    assert first.requested != second.requested
