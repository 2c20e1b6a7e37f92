"""Sharing: STIX, MISP, GraphML and CSV exports, evidence packages and reports."""
