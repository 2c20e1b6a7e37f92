"""The world's ground truth (DIR/truth/): who is who, who owns what, and what the plots were.

Read only by the range (to serve) and the course (to score); the toolkit never imports this.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from darkrange.errors import InputError
from darkrange.world.store import write_csv, write_json

if TYPE_CHECKING:
    from darkrange.world.chain.spec import ChainResult
    from darkrange.world.generate._state import WorldState

TRUTH_FILES = (
    "persons.csv",
    "accounts.csv",
    "pgp_keys.csv",
    "addresses.csv",
    "listings.csv",
    "sites.csv",
    "exchange_accounts.csv",
    "payments.csv",
    "plots.json",
)


def write_truth(
    state: WorldState, out: Path, result: ChainResult, plots: list[dict[str, Any]]
) -> None:
    truth = out / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    onion = {s.site_id: s.onion for s in state.sites}
    write_csv(
        truth / "persons.csv",
        ("person_id", "role", "country", "city", "language", "utc_offset", "crew", "group"),
        (
            (p.person_id, p.role, p.country, p.city, p.language, p.utc_offset, p.crew, p.group)
            for p in state.persons
        ),
    )
    write_csv(
        truth / "accounts.csv",
        (
            "site",
            "handle",
            "person_id",
            "site_id",
            "role",
            "joined_week",
            "left_week",
            "handle_mode",
            "pgp_fingerprints",
        ),
        (
            (
                onion[a.site_id],
                a.handle,
                a.person_id,
                a.site_id,
                a.role,
                a.joined_week,
                a.left_week,
                a.handle_mode,
                ";".join(fp for _, fp in a.pgp_history),
            )
            for a in state.accounts
        ),
    )
    write_csv(
        truth / "pgp_keys.csv",
        ("fingerprint", "person_id", "key_id", "created", "certified_by"),
        (
            (
                fp,
                owner,
                state.pgp_keys[fp].key_id,
                state.pgp_keys[fp].created,
                state.pgp_keys[fp].certified_by,
            )
            for fp in sorted(state.key_owners)
            for owner in state.key_owners[fp]
        ),
    )
    write_csv(
        truth / "addresses.csv",
        ("address", "owner_id", "owner_kind", "purpose", "script_type"),
        (
            (r.address, r.owner_id, r.owner_kind, r.purpose, r.script_type)
            for r in sorted(result.addresses, key=lambda r: r.address)
        ),
    )
    write_csv(
        truth / "listings.csv",
        (
            "site",
            "listing_id",
            "title",
            "category",
            "language",
            "vendor_handle",
            "person_id",
            "subcategory",
            "price_usd",
            "posted_week",
            "removed_week",
        ),
        (
            (
                onion[li.site_id],
                li.listing_id,
                li.title,
                li.category,
                li.language,
                li.vendor_handle,
                li.person_id,
                li.subcategory,
                li.price_usd,
                li.posted_week,
                li.removed_week,
            )
            for li in state.listings
        ),
    )
    write_csv(
        truth / "sites.csv",
        ("site", "site_id", "kind", "name", "operator", "fate", "fate_week", "clone_of", "mirrors"),
        (
            (
                s.onion,
                s.site_id,
                s.kind,
                s.name,
                s.operator,
                s.fate,
                s.fate_week,
                onion[s.clone_of] if s.clone_of else None,
                ";".join(s.mirrors),
            )
            for s in state.sites
        ),
    )
    write_csv(
        truth / "exchange_accounts.csv",
        ("account_id", "person_id", "name", "email"),
        ((e.account_id, e.person_id, e.name, e.email) for e in state.exchange_accounts),
    )
    write_csv(
        truth / "payments.csv",
        (
            "payment_id",
            "time",
            "payer",
            "payee",
            "amount_sat",
            "route",
            "via",
            "purpose",
            "plot",
            "txids",
        ),
        (
            (
                p.payment_id,
                p.time,
                p.payer,
                p.payee,
                p.amount_sat,
                p.route,
                p.via,
                p.purpose,
                p.plot,
                ";".join(result.payment_txids.get(p.payment_id, [])),
            )
            for p in state.payments
        ),
    )
    write_json(truth / "plots.json", plots)


def read_csv(world: Path, name: str) -> list[dict[str, str]]:
    """Rows of one truth CSV as dicts (for the course and the tests)."""
    path = world / "truth" / name
    if not path.is_file():
        raise InputError(f"{world} has no truth file {name} (is it a darkrange world?)")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_plots(world: Path) -> list[dict[str, Any]]:
    path = world / "truth" / "plots.json"
    if not path.is_file():
        raise InputError(f"{world} has no truth/plots.json (is it a darkrange world?)")
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data
