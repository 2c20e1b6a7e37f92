"""Sharing: STIX 2.1, MISP, GraphML and CSV exports, imports from partners, court reports.

Every exporter reads a `CaseSnapshot` (built by `darkrange.case`); every importer returns one.
Victims and other parties are pseudonymised in every export by default (R6); suggested
identities never leave as fact (R7). This package never imports `darkrange.case` nor the
world. Formats: docs/formats/exports.md; guide: docs/sharing.md.
"""

from darkrange.share._codec import snapshot_from_json, snapshot_to_json
from darkrange.share._graph import ENTITY_COLUMNS, LINK_COLUMNS, link_chart, to_csv, to_graphml
from darkrange.share._misp import from_misp, to_misp
from darkrange.share._pseudonym import pseudonym, pseudonymise
from darkrange.share._report import court_report, pdf_renderer, render_html
from darkrange.share._snapshot import (
    Account,
    CaseInfo,
    CaseSnapshot,
    CustodyEntry,
    Evaluation,
    EvidenceItem,
    Hop,
    Identity,
    IdentityEvidence,
    Listing,
    Method,
    Note,
    Person,
    Provenance,
    Selector,
    Site,
    Trace,
    Wallet,
)
from darkrange.share._stix_export import to_stix
from darkrange.share._stix_import import from_stix
from darkrange.share._stix_validate import check_stix, validate_stix

__all__ = [
    "ENTITY_COLUMNS",
    "LINK_COLUMNS",
    "Account",
    "CaseInfo",
    "CaseSnapshot",
    "CustodyEntry",
    "Evaluation",
    "EvidenceItem",
    "Hop",
    "Identity",
    "IdentityEvidence",
    "Listing",
    "Method",
    "Note",
    "Person",
    "Provenance",
    "Selector",
    "Site",
    "Trace",
    "Wallet",
    "check_stix",
    "court_report",
    "from_misp",
    "from_stix",
    "link_chart",
    "pdf_renderer",
    "pseudonym",
    "pseudonymise",
    "render_html",
    "snapshot_from_json",
    "snapshot_to_json",
    "to_csv",
    "to_graphml",
    "to_misp",
    "to_stix",
    "validate_stix",
]
