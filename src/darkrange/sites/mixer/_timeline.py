"""The mixer's week as its site shows it: status, fees and delays, reserve, and its fate.

Real mixers changed their terms as they went: fees raised or cut for a promotion, delays
stretched during "maintenance" or high load, a reserve figure to look trustworthy, and in the
end a seizure banner (Helix, Bitcoin Fog, ChipMixer) or an exit. Each week's terms are drawn
from the world's seed, the site and the week, so every worker and every run shows the same; the
order form accepts exactly the fees and delays of the week. The site's fate and opening come
from sites.json (`fate`, `fate_week`, `opened_week`), as for markets.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from darkrange.world.rand import derive_seed

BASE_FEES = (Decimal("0.5"), Decimal("3.0"))
BASE_DELAYS = (1, 72)
# (status, notice, lowest fee, shortest delay); week 0 is always the first, "online" one
TERMS = (
    ("online", "", Decimal("0.5"), 1),
    ("online", "", Decimal("0.5"), 1),
    ("online", "Promotion: fees from 0.4% this week.", Decimal("0.4"), 1),
    ("online", "Network fees are high: the minimum service fee is 0.8%.", Decimal("0.8"), 1),
    ("high load", "High load: payouts take at least 6 hours.", Decimal("0.5"), 6),
    (
        "maintenance",
        "Maintenance: new orders are paid out after at least 12 hours.",
        Decimal("1.0"),
        12,
    ),
)


@dataclass(frozen=True)
class MixerWeek:
    """The terms the mixer publishes for one week."""

    week: int
    status: str  # online, high load, maintenance
    notice: str
    fees: tuple[Decimal, Decimal]  # lowest and highest service fee in percent
    delays: tuple[int, int]  # shortest and longest delay in hours
    reserve_btc: str


def mixer_week(seed: int, site_id: str, week: int) -> MixerWeek:
    """The mixer's published terms in `week` (deterministic)."""
    digest = derive_seed(seed, "mixer-week", site_id, str(week))
    status, notice, fee, delay = TERMS[0 if week <= 0 else digest[0] % len(TERMS)]
    reserve = 180 + int.from_bytes(digest[1:4], "big") % 320_000 / 1000  # 180-500 BTC
    return MixerWeek(
        week,
        status,
        notice,
        (fee, BASE_FEES[1]),
        (delay, BASE_DELAYS[1]),
        f"{reserve:.3f}",
    )


def fate_at(fate: str, fate_week: int | None, opened_week: int, week: int) -> str | None:
    """What replaces every page at `week`: "closed" before opening, the fate from its week."""
    if week < opened_week:
        return "closed"
    if fate in ("seizure", "exit_scam") and fate_week is not None and week >= fate_week:
        return fate
    return None
