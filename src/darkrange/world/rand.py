"""Deterministic randomness: every part of the world draws from its own named stream, so adding
a feature to one part does not reshuffle every other part."""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, *labels: str) -> bytes:
    """32 bytes derived from the world seed and a path of labels (keys, sub-streams)."""
    text = ":".join([str(seed), *labels]).encode("utf-8")
    return hashlib.sha256(b"darkrange-world\0" + text).digest()


def stream(seed: int, *labels: str) -> random.Random:
    """A random.Random of its own for one part of the world."""
    return random.Random(int.from_bytes(derive_seed(seed, *labels), "big"))
