"""Identity resolution: accounts (site, handle) grouped into the people behind them, each link
with its evidence and a calibrated score; people confirm or reject links (LED Art. 11)."""

from darkrange.analyze.link._authorship import (
    authorship_matches,
    authorship_scores,
    authorship_vectors,
    calibrate_authorship,
    title_shape,
)
from darkrange.analyze.link._cli import register_link
from darkrange.analyze.link._decisions import (
    Decision,
    append_decision,
    latest_decisions,
    parse_account,
    read_decisions,
)
from darkrange.analyze.link._handles import core, handle_similarity, skeleton
from darkrange.analyze.link._model import LinkModel, default_model, load_model
from darkrange.analyze.link._pgp import KeyFacts, read_key
from darkrange.analyze.link._prepare import Prepared, prepare
from darkrange.analyze.link._records import check_records, first_pointer, read_kind, when
from darkrange.analyze.link._run import LinkResult, link_records, read_clusters, resolve

__all__ = [
    "Decision",
    "KeyFacts",
    "LinkModel",
    "LinkResult",
    "Prepared",
    "append_decision",
    "authorship_matches",
    "authorship_scores",
    "authorship_vectors",
    "calibrate_authorship",
    "check_records",
    "core",
    "default_model",
    "first_pointer",
    "handle_similarity",
    "latest_decisions",
    "link_records",
    "load_model",
    "parse_account",
    "prepare",
    "read_clusters",
    "read_decisions",
    "read_key",
    "read_kind",
    "register_link",
    "resolve",
    "skeleton",
    "title_shape",
    "when",
]
