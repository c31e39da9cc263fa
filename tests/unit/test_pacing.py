"""Bulk writes keep to their pace: a burst, then waits that hold the average to the rate."""

from __future__ import annotations

from typing import Any

from shared.core.dynamodb import batch_write
from shared.core.pacing import Pace, pace_or_none


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


def test_a_burst_passes_then_each_take_waits_for_its_units() -> None:
    clock = Clock()
    pace = Pace(100, clock=lambda: clock.now, sleep=clock.sleep)
    pace.take(100)
    assert clock.waits == []
    pace.take(25)
    pace.take(25)
    assert clock.waits == [0.25, 0.25]
    clock.now += 10  # idle time refills the bucket, but never beyond the burst
    pace.take(100)
    pace.take(50)
    assert clock.waits == [0.25, 0.25, 0.5]
    assert pace.waited_s == 1.0


def test_zero_means_unpaced() -> None:
    assert pace_or_none(0) is None
    paced = pace_or_none(600)
    assert paced is not None
    assert (paced.rate, paced.burst) == (600, 600)


class RecordingClient:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        ((_, requests),) = RequestItems.items()
        self.calls.append(len(requests))
        return {}


def test_batch_write_takes_a_unit_per_item_before_each_call() -> None:
    clock, client = Clock(), RecordingClient()
    pace = Pace(50, clock=lambda: clock.now, sleep=clock.sleep)
    requests = [{"PutRequest": {"Item": {"pk": {"S": str(i)}}}} for i in range(110)]
    batch_write(client, "table", requests, pace=pace)
    assert client.calls == [25, 25, 25, 25, 10]
    assert clock.waits == [0.5, 0.5, 0.2]  # the burst covers two calls; then 25, 25 and 10 units at 50/s
