"""Bad specs are refused with one clear InputError, before anything is written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from darkrange.errors import InputError
from darkrange.world.chain import (
    AddressRequest,
    ChainSpec,
    Entity,
    Payment,
    WalletProfile,
    simulate,
)

T0 = 1_700_000_000


def _spec(**changes: object) -> ChainSpec:
    spec = ChainSpec(
        seed=1,
        start_time=T0,
        end_time=T0 + 86_400,
        target_transactions=300,
        entities=[Entity("a", "person"), Entity("b", "person"), Entity("m", "market")],
        payments=[Payment("p", T0 + 100, "a", "b", 100_000)],
        address_requests=[AddressRequest("r", "b", "published")],
    )
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_time": T0}, "end_time"),
        ({"target_transactions": -1}, "target_transactions"),
        ({"entities": [Entity("a", "person"), Entity("a", "person")]}, "repeated"),
        ({"entities": [Entity("bg-1", "person")]}, "background"),
        ({"entities": [Entity("a", "person", WalletProfile(fee_rate=0))]}, "fee rate"),
        ({"entities": [Entity("a", "person", WalletProfile(version=3))]}, "version"),
        ({"address_requests": [AddressRequest("r", "zed", "published")]}, "unknown owner"),
        ({"payments": [Payment("p", T0, "a", "zed", 100_000)]}, "unknown payee"),
        ({"payments": [Payment("p", T0, "a", "b", 100_000, "escrow")]}, "needs `via`"),
        ({"payments": [Payment("p", T0, "a", "b", 10)]}, "amount"),
        ({"payments": [Payment("p", T0 - 1, "a", "b", 100_000)]}, "time outside"),
        ({"payments": [Payment("p", T0, "a", "b", 100_000, to_request="nope")]}, "request"),
        ({"payments": [Payment("p", T0, "b", "a", 100_000, to_request="r")]}, "neither"),
    ],
)
def test_bad_specs_are_refused(changes: dict[str, object], message: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=message):
        simulate(_spec(**changes), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_world_shorter_than_a_block_still_gets_one(tmp_path: Path) -> None:
    spec = _spec(end_time=T0 + 60, payments=[replace(_spec().payments[0], time=T0 + 30)])
    result = simulate(spec, tmp_path / "out")
    assert result.blocks == 2
    assert len(result.payment_txids["p"]) == 1


def test_rewriting_replaces_files_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = simulate(_spec(), out)
    second = simulate(_spec(), out)
    assert first.payment_txids == second.payment_txids
    assert sorted(p.name for p in out.iterdir()) == [
        "blocks.parquet",
        "inputs.parquet",
        "outputs.parquet",
        "transactions.parquet",
    ]
