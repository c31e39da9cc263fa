"""Per-client rate limits in front of the routes: what production's AWS WAF rate-based rules (per
source IP, at CloudFront) and the per-user limits do, so one client cannot starve the others.

A bucket per (client, route key) with the route's per-client limits (``RouteSpec.client_throttle``,
from which production's WAF rules are derived; WAF counts a client across all routes, the local
buckets per route): the client is the signed-in user (the token's ``sub``) when the request
carries a valid token, else the source IP. So 120 unauthenticated requests empty their own
bucket, not the one of the next signed-in user.

One developer's test suite registers hundreds of users a minute from 127.0.0.1, and `make load`
runs 20 clients flat out. So by default
the local buckets are the spec's x100: the mechanism is always in the request path (and answers
429 with Retry-After when exceeded) without throttling the suite or the load run.
LOCAL_THROTTLE=spec gives production's exact limits, =off none, =<number> another factor.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from shared.resources import RouteSpec, ThrottleSpec

THROTTLE_ENV = "LOCAL_THROTTLE"
DEFAULT_THROTTLE_SETTING = "100"
MAX_BUCKETS = 10_000  # past this, buckets that refilled completely are forgotten (they hold no state)

RouteLimits = Callable[[RouteSpec], ThrottleSpec]


class _TokenBucket:
    def __init__(self, limits: ThrottleSpec, now: float) -> None:
        self.rate = limits.rate_per_second
        self.burst = float(limits.burst)
        self.tokens = self.burst
        self.updated = now

    def refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now

    def take(self, now: float) -> int | None:
        """``None`` when a token was taken, else the whole seconds until one is back (≥ 1)."""
        self.refill(now)
        if self.tokens < 1:
            return max(1, math.ceil((1 - self.tokens) / self.rate))
        self.tokens -= 1
        return None


def user_client(sub: str) -> str:
    return f"user:{sub}"


def ip_client(source_ip: str) -> str:
    return f"ip:{source_ip}"


class Throttle:
    """One token bucket per (client, route key).

    A bucket holds ``burst`` tokens and refills at ``rate_per_second``; a request takes one or is
    refused with 429 and Retry-After. ``limits`` maps a route to its bucket (by default
    ``RouteSpec.client_throttle``).
    """

    def __init__(self, limits: RouteLimits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits: RouteLimits = limits or (lambda route: route.client_throttle)
        self._clock = clock
        self._buckets: dict[tuple[str, str], _TokenBucket] = {}
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
        return cls(lambda route: route.client_throttle.scaled(factor))

    def retry_after(self, route: RouteSpec, client: str) -> int | None:
        """Takes a token from the client's bucket for the route: ``None`` if admitted, else the
        Retry-After seconds of the 429."""
        now = self._clock()
        key = (client, route.route_key)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._forget_full_buckets(now)
                bucket = self._buckets[key] = _TokenBucket(self.limits(route), now)
            return bucket.take(now)

    def allow(self, route: RouteSpec, client: str) -> bool:
        return self.retry_after(route, client) is None

    def _forget_full_buckets(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            bucket.refill(now)
            if bucket.tokens >= bucket.burst:
                del self._buckets[key]
