"""Taint models: how much of a transaction's tainted input reaches each output (and back).

- poison: any tainted input taints every output in full (the widest net: nothing is missed,
  much is over-counted).
- haircut: taint spreads over the outputs in proportion to their value (taint is diluted,
  never lost but for the fee).
- fifo: coins keep their order: the inputs, laid end to end in input order, pay the outputs
  laid end to end in output order, the fee last; the tainted part of an input is its first
  satoshis. Anderson et al. (2013) and the UK case law on mixed funds (Clayton's case).

Backward, the same rules run with the roles swapped: which inputs funded the tainted part
of the outputs.
"""

from __future__ import annotations

from collections.abc import Sequence

MODELS = ("poison", "haircut", "fifo")


def fifo_map(values: Sequence[int], taints: Sequence[float], targets: Sequence[int]) -> list[float]:
    """Tainted satoshis each target receives when `values` (tainted first `taints`) pay them."""
    out = [0.0] * len(targets)
    # tainted intervals on the line of source satoshis
    spans: list[tuple[float, float]] = []
    pos = 0.0
    for value, taint in zip(values, taints, strict=True):
        if taint > 0:
            spans.append((pos, pos + min(float(taint), float(value))))
        pos += max(value, 0)
    if not spans:
        return out
    start = 0.0
    k = 0
    for j, target in enumerate(targets):
        end = start + max(target, 0)
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        m = k
        while m < len(spans) and spans[m][0] < end:
            lo, hi = max(spans[m][0], start), min(spans[m][1], end)
            out[j] += max(0.0, hi - lo)
            m += 1
        start = end
    return out


def spread(
    model: str, values: Sequence[int], taints: Sequence[float], targets: Sequence[int]
) -> list[float]:
    """Taint of each target (output forward, input backward) under `model`."""
    total_taint = sum(taints)
    if total_taint <= 0:
        return [0.0] * len(targets)
    if model == "poison":
        return [float(max(t, 0)) for t in targets]
    if model == "haircut":
        total = sum(max(v, 0) for v in values)
        if total <= 0:
            total = sum(max(t, 0) for t in targets)
        share = min(1.0, total_taint / total) if total > 0 else 0.0
        return [max(t, 0) * share for t in targets]
    if model == "fifo":
        return fifo_map(values, taints, targets)
    raise ValueError(f"unknown taint model {model!r}")
