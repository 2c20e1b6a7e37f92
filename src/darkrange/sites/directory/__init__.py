"""The range's link directory (hidden-wiki style), phishing clones listed as mirrors, following
the world's timeline at the range clock (new sites, dead markets, last-seen dates).

`build_app(context)` is the site factory for kind "directory".
"""

from darkrange.sites.directory._app import (
    CATEGORIES,
    DirectorySite,
    Link,
    build_app,
    directory_app,
    load_links,
)
from darkrange.sites.directory._timeline import (
    DEAD_WEEKS,
    FATES,
    Entry,
    Listed,
    listed_at,
    load_entries,
)

__all__ = [
    "CATEGORIES",
    "DEAD_WEEKS",
    "FATES",
    "DirectorySite",
    "Entry",
    "Link",
    "Listed",
    "build_app",
    "directory_app",
    "listed_at",
    "load_entries",
    "load_links",
]
