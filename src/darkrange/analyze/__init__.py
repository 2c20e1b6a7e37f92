"""Analysis: classification, identity linking, watchlists and search."""
