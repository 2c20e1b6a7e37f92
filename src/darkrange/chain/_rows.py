"""Turn parsed blocks and transactions into the store's columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from darkrange.chain._schema import SCHEMAS
from darkrange.chain._script import NETWORKS, classify, infer_spend
from darkrange.chain._wire import Block, Tx


@dataclass(frozen=True, slots=True)
class Prevout:
    """The output an input spends, when the source says (RPC verbosity 3, Esplora)."""

    address: str | None
    value: int
    script_type: str


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a transaction sits: its block (if known) and its index in it."""

    block_hash: str | None
    block_height: int | None
    position: int | None


@dataclass
class Batch:
    """Columns of the four tables, filled row by row, turned into Arrow tables at the end."""

    network: str = "mainnet"
    columns: dict[str, dict[str, list[Any]]] = field(init=False)
    block_hashes: list[str] = field(default_factory=list)
    txids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.columns = {t: {c: [] for c in s.names} for t, s in SCHEMAS.items()}

    def __len__(self) -> int:
        return len(self.txids)

    def _row(self, table: str, **values: Any) -> None:
        cols = self.columns[table]
        for name, col in cols.items():
            col.append(values[name])

    def add_block(
        self,
        block: Block,
        height: int | None = None,
        prevouts: list[list[Prevout | None] | None] | None = None,
    ) -> None:
        h = block.header
        height = block.height if height is None else height
        self._row(
            "blocks", hash=h.hash, height=height, prev_hash=h.prev_hash, time=h.time,
            n_tx=len(block.txs), merkle_root=h.merkle_root, version=h.version, bits=h.bits,
            nonce=h.nonce, size=block.size, weight=block.weight, network=block.network,
        )  # fmt: skip
        self.block_hashes.append(h.hash)
        for position, tx in enumerate(block.txs):
            known = prevouts[position] if prevouts else None
            self.add_tx(tx, Placement(h.hash, height, position), known)

    def add_tx(
        self, tx: Tx, place: Placement, prevouts: list[Prevout | None] | None = None
    ) -> None:
        net = NETWORKS[self.network]
        height, position = place.block_height, place.position
        coinbase = tx.is_coinbase
        spent: list[int | None] = []
        for vin, txin in enumerate(tx.inputs):
            prev = prevouts[vin] if prevouts else None
            if coinbase:
                address, source, value, multisig = None, None, 0, False
                prev_txid, prev_vout = None, None
            else:
                spend = infer_spend(txin.script_sig, txin.witness, net)
                multisig = spend.multisig or (prev is not None and prev.script_type == "multisig")
                if prev is not None:
                    address, source, value = prev.address, "prevout", prev.value
                else:
                    address, value = spend.address, None
                    source = "script" if address else None
                prev_txid, prev_vout = txin.prev_txid, txin.prev_vout
            spent.append(value)
            self._row(
                "inputs", txid=tx.txid, block_height=height, position=position, vin=vin,
                prev_txid=prev_txid, prev_vout=prev_vout, address=address, value=value,
                address_source=source, multisig=multisig, sequence=txin.sequence,
            )  # fmt: skip
        total = 0
        for vout, out in enumerate(tx.outputs):
            kind, address = classify(out.script_pubkey, net)
            total += out.value
            self._row(
                "outputs", txid=tx.txid, block_height=height, position=position, vout=vout,
                address=address, value=out.value, script_type=kind,
                script_pubkey=out.script_pubkey.hex(),
            )  # fmt: skip
        fee = None
        if coinbase:
            fee = 0
        elif all(v is not None for v in spent):
            fee = sum(v for v in spent if v is not None) - total
        self._row(
            "transactions", txid=tx.txid, wtxid=tx.wtxid, block_hash=place.block_hash,
            block_height=height, position=position, version=tx.version, locktime=tx.locktime,
            is_coinbase=coinbase, n_inputs=len(tx.inputs), n_outputs=len(tx.outputs),
            output_value=total, fee=fee, size=tx.size, vsize=tx.vsize, weight=tx.weight,
        )  # fmt: skip
        self.txids.append(tx.txid)

    def tables(self) -> dict[str, pa.Table]:
        return {
            name: pa.Table.from_pydict(self.columns[name], schema=schema)
            for name, schema in SCHEMAS.items()
        }
