"""The range's deliberately hostile site: huge pages, a gzip bomb, redirect loops, a slow drip,
malformed and deeply nested HTML, binary junk, a wrong Content-Length and endless link mazes.

`build_app(context)` is the site factory for kind "hostile".
"""

from darkrange.sites.hostile._app import TRAPS, HostileSite, build_app, hostile_app
from darkrange.sites.hostile._bomb import bomb_size, crc32_combine, gzip_bomb, zeros_crc

__all__ = [
    "TRAPS",
    "HostileSite",
    "bomb_size",
    "build_app",
    "crc32_combine",
    "gzip_bomb",
    "hostile_app",
    "zeros_crc",
]
