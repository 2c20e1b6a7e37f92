"""Generate a world from a seed and a size: `generate(seed, size, out)`.

The same seed and size give byte-identical files. Steps run in a fixed order, each drawing from
its own random stream (darkrange.world.rand), and the folder is built beside its destination and
moved into place only when complete, so a killed run leaves nothing half-written.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from darkrange import __version__
from darkrange.errors import StateError
from darkrange.world.chain import simulate
from darkrange.world.chain.spec import ChainSpec
from darkrange.world.generate import _accounts, _economy, _forum, _market, _people, _plots
from darkrange.world.generate._facts import build_plots
from darkrange.world.generate._sites import build_sites
from darkrange.world.generate._state import EPOCH, WorldState
from darkrange.world.sizes import get_size
from darkrange.world.store import FORMAT, write_content, write_json, write_sites
from darkrange.world.truth import write_truth

Progress = Callable[[str, int, int], None]

__all__ = ["Progress", "build_state", "generate"]


def _noop(phase: str, done: int, total: int) -> None:
    return None


def build_state(seed: int, size_name: str) -> tuple[WorldState, dict[str, Any]]:
    """Everything but the chain: sites, people, accounts, content and the economy."""
    state = WorldState(seed=seed, size=get_size(size_name))
    build_sites(state)
    maker = _people.PeopleMaker(state)
    _people.build_vendors(state, maker)
    _accounts.place_vendors(state, maker)
    actors = _plots.prepare(state, maker)
    buyers = _accounts.build_buyers(state, maker)
    _accounts.build_staff(state, maker)
    _accounts.build_forum_members(state, maker)
    cell = _accounts.build_cell(state, maker)
    _accounts.build_exchange_customers(state, maker, cell, buyers)
    _accounts.build_bystanders(state, maker)
    _market.build_listings(state)
    _market.build_orders(state)
    donation_requests = _forum.cell_donation_requests(state)
    _forum.build_forum(state, donation_requests)
    _forum.build_pastes_and_directory(state)
    _forum.build_canaries(state)
    _economy.build_entities(state)
    donations = _economy.build_donations(state, donation_requests)
    realised = _plots.realise(state, actors)
    _economy.build_exchange_flows(state)
    return state, {
        "actors": actors,
        "realised": realised,
        "donation_requests": donation_requests,
        "donations": donations,
    }


def _prepare_out(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise StateError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise StateError(f"{out} is not empty; use --force to replace the world in it")
        if not (out / "world.json").is_file():
            raise StateError(
                f"{out} is not empty and holds no darkrange world; refusing to replace it"
            )


def generate(
    seed: int, size_name: str, out: Path, force: bool = False, progress: Progress = _noop
) -> dict[str, Any]:
    """Build the world and write it to `out`; returns the manifest (world.json)."""
    size = get_size(size_name)
    _prepare_out(out, force)
    progress("people and sites", 0, 4)
    state, plot_data = build_state(seed, size_name)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        progress("chain", 1, 4)
        spec = ChainSpec(
            seed=seed,
            start_time=EPOCH,
            end_time=state.week_start(size.weeks),
            target_transactions=size.transactions,
            entities=sorted(state.entities.values(), key=lambda e: e.entity_id),
            payments=state.payments,
            address_requests=state.address_requests,
        )
        (tmp / "chain").mkdir()
        result = simulate(spec, tmp / "chain", progress=lambda d, t: progress("chain", d, t))
        state.requested = result.requested
        progress("content", 2, 4)
        write_sites(state, tmp)
        write_content(state, tmp)
        plots = build_plots(
            state,
            plot_data["actors"],
            plot_data["realised"],
            plot_data["donation_requests"],
            plot_data["donations"],
            result,
        )
        write_truth(state, tmp, result, plots)
        manifest = _manifest(state, result.blocks, result.transactions)
        write_json(tmp / "world.json", manifest)
        progress("done", 4, 4)
        _swap(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return manifest


def _swap(tmp: Path, out: Path) -> None:
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old)
    else:
        tmp.rename(out)
    out.chmod(0o755)


def _manifest(state: WorldState, blocks: int, transactions: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "generator": f"darkrange {__version__}",
        "seed": state.seed,
        "size": state.size.name,
        "start": EPOCH,
        "weeks": state.size.weeks,
        "counts": {
            "sites": len(state.sites),
            "onion_addresses": len(state.onion_keys),
            "persons": len(state.persons),
            "accounts": len(state.accounts),
            "pgp_keys": len(state.pgp_keys),
            "listings": len(state.listings),
            "reviews": len(state.reviews),
            "threads": len(state.threads),
            "posts": len(state.posts),
            "pastes": len(state.pastes),
            "payments": len(state.payments),
            "blocks": blocks,
            "transactions": transactions,
        },
    }


def read_manifest(world: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((world / "world.json").read_text(encoding="utf-8"))
    return data
