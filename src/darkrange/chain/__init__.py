"""Chain analytics: ingestion, clustering, tracing and attribution."""
