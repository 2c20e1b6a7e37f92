"""Chain analytics: ingestion into a columnar store, summaries, multi-input clustering,
tracing (through services too), attribution tags, exposure and paths.

Sources: raw blocks (Bitcoin's wire format), a world's chain Parquet, Bitcoin Core JSON-RPC and
Esplora. The store is documented in docs/formats/store.md.
"""

from darkrange.chain._cluster import ClusterReport, cluster_addresses
from darkrange.chain._esplora import (
    EsploraClient,
    ingest_esplora_address,
    ingest_esplora_blocks,
    ingest_esplora_tx,
    tx_from_esplora,
)
from darkrange.chain._exposure import Attribution, Exposure, exposure
from darkrange.chain._incremental import load_merges, write_clusters
from darkrange.chain._ingest import IngestReport, ingest_raw_blocks, ingest_world_chain
from darkrange.chain._linked import (
    LinkGuard,
    LinkReport,
    link_change,
    linked_table,
    write_linked_clusters,
)
from darkrange.chain._path import ClusterEdges, Path, cluster_edges, find_paths
from darkrange.chain._quality import PairScores, pair_scores, wallet_shares
from darkrange.chain._rows import Batch, Placement, Prevout
from darkrange.chain._rpc import RpcClient, block_from_rpc, btc_to_sat, ingest_rpc
from darkrange.chain._script import NETWORKS, SCRIPT_TYPES, Network, Spend, classify, infer_spend
from darkrange.chain._service import ServiceHop, Services
from darkrange.chain._spark_exposure import exposure_spark, tag_addresses_spark
from darkrange.chain._store import ChainStore
from darkrange.chain._summary import Summary, summarize
from darkrange.chain._tags import TagImport, import_tags, load_tags, read_tag_files
from darkrange.chain._wire import (
    Block,
    BlockHeader,
    Tx,
    TxIn,
    TxOut,
    build_tx,
    merkle_root,
    parse_block,
    parse_tx,
    parse_tx_hex,
    serialize_tx,
    split_block_file,
)

__all__ = [
    "NETWORKS",
    "SCRIPT_TYPES",
    "Attribution",
    "Batch",
    "Block",
    "BlockHeader",
    "ChainStore",
    "ClusterEdges",
    "ClusterReport",
    "EsploraClient",
    "Exposure",
    "IngestReport",
    "LinkGuard",
    "LinkReport",
    "Network",
    "PairScores",
    "Path",
    "Placement",
    "Prevout",
    "RpcClient",
    "ServiceHop",
    "Services",
    "Spend",
    "Summary",
    "TagImport",
    "Tx",
    "TxIn",
    "TxOut",
    "block_from_rpc",
    "btc_to_sat",
    "build_tx",
    "classify",
    "cluster_addresses",
    "cluster_edges",
    "exposure",
    "exposure_spark",
    "find_paths",
    "import_tags",
    "infer_spend",
    "ingest_esplora_address",
    "ingest_esplora_blocks",
    "ingest_esplora_tx",
    "ingest_raw_blocks",
    "ingest_rpc",
    "ingest_world_chain",
    "link_change",
    "linked_table",
    "load_merges",
    "load_tags",
    "merkle_root",
    "pair_scores",
    "parse_block",
    "parse_tx",
    "parse_tx_hex",
    "read_tag_files",
    "serialize_tx",
    "split_block_file",
    "summarize",
    "tag_addresses_spark",
    "tx_from_esplora",
    "wallet_shares",
    "write_clusters",
    "write_linked_clusters",
]
