"""Extraction: selectors from text and records from pages."""
