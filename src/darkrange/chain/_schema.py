"""The store's four tables (docs/formats/store.md): Arrow schemas, one per table."""

from __future__ import annotations

import pyarrow as pa

BLOCKS = pa.schema(
    [
        ("hash", pa.string()),
        ("height", pa.int32()),  # null when the block does not say (pre-BIP34 raw blocks)
        ("prev_hash", pa.string()),
        ("time", pa.int64()),
        ("n_tx", pa.int32()),
        ("merkle_root", pa.string()),
        ("version", pa.int32()),
        ("bits", pa.int64()),
        ("nonce", pa.int64()),
        ("size", pa.int32()),
        ("weight", pa.int32()),
        ("network", pa.string()),
    ]
)

TRANSACTIONS = pa.schema(
    [
        ("txid", pa.string()),
        ("wtxid", pa.string()),
        ("block_hash", pa.string()),
        ("block_height", pa.int32()),
        ("position", pa.int32()),  # null for a transaction fetched alone (Esplora /tx)
        ("version", pa.int32()),
        ("locktime", pa.int64()),
        ("is_coinbase", pa.bool_()),
        ("n_inputs", pa.int32()),
        ("n_outputs", pa.int32()),
        ("output_value", pa.int64()),
        ("fee", pa.int64()),  # null unless every spent output's value was known at ingest
        ("size", pa.int32()),
        ("vsize", pa.int32()),
        ("weight", pa.int32()),
    ]
)

INPUTS = pa.schema(
    [
        ("txid", pa.string()),
        ("block_height", pa.int32()),
        ("position", pa.int32()),
        ("vin", pa.int32()),
        ("prev_txid", pa.string()),  # null for a coinbase input
        ("prev_vout", pa.int32()),
        ("address", pa.string()),
        ("value", pa.int64()),  # 0 for a coinbase input; null when not known at ingest
        ("address_source", pa.string()),  # prevout | script | null
        ("multisig", pa.bool_()),
        ("sequence", pa.int64()),
    ]
)

OUTPUTS = pa.schema(
    [
        ("txid", pa.string()),
        ("block_height", pa.int32()),
        ("position", pa.int32()),
        ("vout", pa.int32()),
        ("address", pa.string()),
        ("value", pa.int64()),
        ("script_type", pa.string()),
        ("script_pubkey", pa.string()),  # hex; null when the source has none (world chains)
    ]
)

SCHEMAS = {
    "blocks": BLOCKS,
    "transactions": TRANSACTIONS,
    "inputs": INPUTS,
    "outputs": OUTPUTS,
}
TABLES = tuple(SCHEMAS)
