"""Page records: listings, vendors, reviews, forum threads and posts, pastes and directory links
read from captured pages, one parser per site family plus generic heuristics (docs/records.md).

`parse_page(html, url)` reads one page; `write_records(warc_folder, out)` reads a crawl's WARC
files and writes deduplicated Parquet tables (docs/formats/records.md).
"""

from darkrange.extract.records._dispatch import FAMILIES, parse_page, recognise
from darkrange.extract.records._html import flatten, load_html
from darkrange.extract.records._merge import Merged, merge, site_aliases
from darkrange.extract.records._model import (
    Contact,
    Link,
    Listing,
    MirrorList,
    PageRecords,
    Paste,
    Post,
    Price,
    Record,
    Review,
    Thread,
    Vendor,
    WarcPointer,
)
from darkrange.extract.records._parquet import TABLES, schema_of
from darkrange.extract.records._run import ParseSummary, parse_folder, write_records
from darkrange.extract.records._text import find_prices, parse_amount

__all__ = [
    "FAMILIES",
    "TABLES",
    "Contact",
    "Link",
    "Listing",
    "Merged",
    "MirrorList",
    "PageRecords",
    "ParseSummary",
    "Paste",
    "Post",
    "Price",
    "Record",
    "Review",
    "Thread",
    "Vendor",
    "WarcPointer",
    "find_prices",
    "flatten",
    "load_html",
    "merge",
    "parse_amount",
    "parse_folder",
    "parse_page",
    "recognise",
    "schema_of",
    "site_aliases",
    "write_records",
]
