"""Pacing bulk writes below a rate, so a user's own requests still find room.

DynamoDB takes about 1,000 write units a second per partition key, and every item of a user
shares one (shared/core/layout.py). A bulk writer that takes all of them makes the user's
interactive writes throttle; paced at a share of it, the rest stays free for them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pace:
    """A token bucket: ``rate`` units a second on average, up to ``burst`` at once; thread-safe
    (the writes it paces run several in flight)."""

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else rate
        self._clock, self._sleep = clock, sleep
        self._tokens = self.burst
        self._at = clock()
        self._lock = threading.Lock()
        self.waited_s = 0.0  # total time spent waiting, for the logs and the benchmark

    def take(self, units: float) -> None:
        """Wait until ``units`` may be spent, then spend them."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            self._tokens -= units
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
            self.waited_s += wait
        if wait > 0:
            self._sleep(wait)


def pace_or_none(units_per_second: int) -> Pace | None:
    """The pace for a configured rate; 0 means unpaced."""
    return Pace(units_per_second) if units_per_second > 0 else None
