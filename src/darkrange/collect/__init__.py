"""Collection: the crawler, its frontier and sessions, and WARC evidence capture."""
