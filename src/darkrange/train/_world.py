"""One trainee's world as the course sees it: truth, plots, public sites, content and chain.

Only the course reads truth (to score); everything is loaded lazily and cached per world.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from darkrange.errors import InputError
from darkrange.world.truth import TRUTH_FILES, read_csv, read_plots

# Truth CSVs by their stem (accounts, sites, ...), the names queries start with.
TRUTH_TABLES = tuple(name.removesuffix(".csv") for name in TRUTH_FILES if name.endswith(".csv"))
CONTENT_TABLES = ("accounts", "listings", "reviews", "threads", "posts", "pastes", "pgp_keys")


class WorldView:
    """Read-only access to a generated world folder for answer resolution."""

    def __init__(self, root: Path) -> None:
        if not (root / "world.json").is_file():
            raise InputError(f"{root} holds no darkrange world (world.json missing)")
        self.root = root
        self._truth: dict[str, list[dict[str, Any]]] = {}
        self._content: dict[str, list[dict[str, Any]]] = {}

    @cached_property
    def manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / "world.json").read_text(encoding="utf-8"))
        return data

    @property
    def seed(self) -> int:
        return int(self.manifest["seed"])

    @cached_property
    def plots(self) -> list[dict[str, Any]]:
        return read_plots(self.root)

    @cached_property
    def sites_json(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(
            (self.root / "sites.json").read_text(encoding="utf-8")
        )
        return data

    def plot(self, name: str) -> dict[str, Any]:
        for plot in self.plots:
            if plot.get("plot") == name:
                return plot
        raise InputError(f"world {self.root} has no plot {name!r}")

    def truth(self, table: str) -> list[dict[str, Any]]:
        """Rows of truth/<table>.csv (strings, as written)."""
        if table not in TRUTH_TABLES:
            raise InputError(f"unknown truth table {table!r} (one of {', '.join(TRUTH_TABLES)})")
        if table not in self._truth:
            self._truth[table] = [dict(r) for r in read_csv(self.root, f"{table}.csv")]
        return self._truth[table]

    def content(self, table: str) -> list[dict[str, Any]]:
        """Rows of content/<table>.parquet: what the sites show."""
        if table not in CONTENT_TABLES:
            raise InputError(f"unknown content table {table!r}")
        if table not in self._content:
            import pyarrow.parquet as pq

            path = self.root / "content" / f"{table}.parquet"
            self._content[table] = pq.read_table(path).to_pylist() if path.is_file() else []
        return self._content[table]

    def onion(self, site_id: str) -> str:
        for site in self.sites_json:
            if site["site_id"] == site_id:
                return str(site["onion"])
        raise InputError(f"world {self.root} has no site {site_id!r}")

    def site_id(self, onion: str) -> str:
        for site in self.sites_json:
            if site["onion"] == onion:
                return str(site["site_id"])
        raise InputError(f"world {self.root} has no site at {onion}")

    def received_sat(self, address: str) -> int:
        """Satoshis the public chain paid to `address` (every output, spent or not)."""
        import duckdb

        path = self.root / "chain" / "outputs.parquet"
        con = duckdb.connect()
        try:
            row = con.execute(
                "SELECT coalesce(sum(value), 0) FROM read_parquet(?) WHERE address = ?",
                [str(path), address],
            ).fetchone()
        finally:
            con.close()
        return int(row[0]) if row else 0
