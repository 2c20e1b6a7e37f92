"""Sign-in throttling with a clock the test moves (no waiting)."""

from __future__ import annotations

from darkrange.web._throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_lockout_per_user_and_per_address_then_expiry() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_user=3, max_ip=5, lockout_seconds=600, now=clock)
    for _ in range(3):
        assert throttle.refusal("tom", "10.0.0.1") is None
        throttle.failed("tom", "10.0.0.1")
    refusal = throttle.refusal("tom", "10.0.0.2")
    assert refusal == "too many failed sign-ins for tom: try again in 10 minutes"
    assert throttle.refusal("tess", "10.0.0.1") is None  # the address has 3 of 5
    throttle.failed("tess", "10.0.0.1")
    throttle.failed("theo", "10.0.0.1")
    assert throttle.refusal("ana", "10.0.0.1") == (
        "too many failed sign-ins from your address: try again in 10 minutes"
    )
    clock.t += 601
    assert throttle.refusal("tom", "10.0.0.1") is None


def test_success_clears_the_users_count() -> None:
    throttle = LoginThrottle(max_user=2, max_ip=50, lockout_seconds=600, now=Clock())
    throttle.failed("tom", "ip")
    throttle.succeeded("tom")
    throttle.failed("tom", "ip")
    assert throttle.refusal("tom", "ip") is None


def test_expired_entries_are_pruned() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_user=5, max_ip=10**9, lockout_seconds=60, now=clock)
    for i in range(20):
        throttle.failed(f"user{i}", "ip")
    clock.t += 61
    throttle._prune(limit=10)
    throttle.failed("last", "ip")
    assert throttle.refusal("user0", "ip") is None
    assert len(throttle._users) <= 2
