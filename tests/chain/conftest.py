"""Fixtures of the chain tests: the real block, parsed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from darkrange.chain import Block, parse_block

BLOCK_HASH = "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069"


@pytest.fixture(scope="session")
def raw_block_file(shared_data: Path) -> Path:
    return shared_data / "chain" / "block413567.raw"


@pytest.fixture(scope="session")
def real_block(raw_block_file: Path) -> Block:
    return parse_block(raw_block_file.read_bytes())
