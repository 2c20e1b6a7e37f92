"""A tiny world generated once per test session (per xdist worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from darkrange.world.generate import generate


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("worlds") / "tiny"
    generate(11, "tiny", out)
    return out


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("worlds") / "small"
    generate(5, "small", out)
    return out
