"""The range's block explorer: the Esplora REST API and a small HTML view over a world's chain.

`build_app(context)` is the site factory the range uses for sites of kind "explorer";
`explorer_app(folder, clock, start)` serves any chain folder laid out as docs/formats/chain.md
says, the whole chain or (with a range clock) the blocks mined by the end of the clock's day.
"""

from darkrange.sites.explorer._api import Answer, EsploraApi, HttpError
from darkrange.sites.explorer._app import ExplorerApp, build_app, explorer_app, world_start
from darkrange.sites.explorer._cache import AnswerCache
from darkrange.sites.explorer._index import ChainIndex, load_chain
from darkrange.sites.explorer._script import AddressError, OutputScript, output_script
from darkrange.sites.explorer._shapes import ChainShapes

__all__ = [
    "AddressError",
    "Answer",
    "AnswerCache",
    "ChainIndex",
    "ChainShapes",
    "EsploraApi",
    "ExplorerApp",
    "HttpError",
    "OutputScript",
    "build_app",
    "explorer_app",
    "load_chain",
    "output_script",
    "world_start",
]
