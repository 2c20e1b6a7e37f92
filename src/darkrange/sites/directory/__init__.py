"""The range's link directory (hidden-wiki style), phishing clones listed as mirrors.

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

__all__ = ["CATEGORIES", "DirectorySite", "Link", "build_app", "directory_app", "load_links"]
