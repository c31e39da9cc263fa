"""API Gateway's route throttling: a token bucket per route key, limits from the spec.

The spec's limits are per route for ALL callers of a deployment; one developer's test suite
registers hundreds of users a minute through POST /v1/auth/register, and `make load` runs 20
clients flat out. So by default the local buckets are the spec's x100: the mechanism is always in
the request path (and answers 429 when exceeded) without throttling the suite or the load run.
LOCAL_THROTTLE=spec gives production's exact limits, =off none, =<number> another factor.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from shared.resources import RouteSpec, ThrottleSpec

THROTTLE_ENV = "LOCAL_THROTTLE"
DEFAULT_THROTTLE_SETTING = "100"

RouteLimits = Callable[[RouteSpec], ThrottleSpec]


class _TokenBucket:
    def __init__(self, limits: ThrottleSpec, now: float) -> None:
        self.rate = limits.rate_per_second
        self.burst = float(limits.burst)
        self.tokens = self.burst
        self.updated = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Throttle:
    """One token bucket per route key, shared by all callers.

    A bucket holds ``burst`` tokens and refills at ``rate_per_second``; a request takes one or is
    refused with 429. ``limits`` maps a route to its bucket (by default ``RouteSpec.throttle``).
    """

    def __init__(self, limits: RouteLimits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits: RouteLimits = limits or (lambda route: route.throttle)
        self._clock = clock
        self._buckets: dict[str, _TokenBucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_setting(cls, setting: str | None) -> Throttle | None:
        """``off``, ``spec`` (production's limits) or a factor applied to them; ``None`` → default."""
        value = (setting or DEFAULT_THROTTLE_SETTING).strip().lower()
        if value == "off":
            return None
        if value == "spec":
            return cls()
        try:
            factor = float(value)
        except ValueError:
            factor = 0.0
        if not factor > 0 or factor == float("inf"):
            raise ValueError(f"{THROTTLE_ENV} must be off, spec or a positive factor")
        return cls(lambda route: route.throttle.scaled(factor))

    def allow(self, route: RouteSpec) -> bool:
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(route.route_key)
            if bucket is None:
                bucket = self._buckets[route.route_key] = _TokenBucket(self.limits(route), now)
            return bucket.take(now)
