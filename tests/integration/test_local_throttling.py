"""The local gateway throttles per client (production: WAF rate-based rules per IP, per-user limits):
a token bucket per (signed-in user or source IP, route key) with the spec's limits, answering
``429 {"message":"Too Many Requests"}`` with Retry-After once a bucket is empty."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from local.gateway import Gateway
from local.stack import LocalStack
from local.throttle import DEFAULT_THROTTLE_SETTING, THROTTLE_ENV, Throttle, ip_client, user_client
from shared.resources import (
    CLIENT_THROTTLE,
    HEALTH_FUNCTION,
    LEADS_FUNCTION,
    PUBLIC_CLIENT_THROTTLE,
    RouteSpec,
    ThrottleSpec,
    all_routes,
)
from tests.support import TestUser

TINY = ThrottleSpec(rate_per_second=2, burst=3)
HEALTH = HEALTH_FUNCTION.routes[0]
LIST_LEADS = next(route for route in LEADS_FUNCTION.routes if route.route_key == "GET /v1/leads")


class FakeClock:
    """Time that moves only when the test says so: the refill is exact, not a race."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ok(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": "{}"}


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def gateway(local_stack: LocalStack, clock: FakeClock) -> Iterator[Gateway]:
    """A second gateway on the suite's stack, every route limited to ``TINY``."""
    server = Gateway(
        jwks_url=local_stack.jwks_url,
        issuer=local_stack.issuer,
        client_ids=[local_stack.client_id],
        resolver=lambda function, route: ok,
        throttle=Throttle(lambda route: TINY, clock=clock),
    )
    server.start()
    yield server
    server.stop()


def _get(gateway: Gateway, path: str, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(gateway.url + path, headers=headers, timeout=10)


def test_requests_beyond_the_burst_get_429_until_the_bucket_refills(gateway: Gateway, clock: FakeClock) -> None:
    clock.now += 3600
    statuses = [_get(gateway, "/v1/health").status_code for _ in range(TINY.burst + 2)]
    assert statuses == [200] * TINY.burst + [429, 429]

    throttled = _get(gateway, "/v1/health")
    assert throttled.status_code == 429
    assert throttled.json() == {"message": "Too Many Requests"}
    assert throttled.headers["content-type"] == "application/json"
    assert throttled.headers["retry-after"] == "1"  # a token is back within 1 / 2 s

    clock.now += 1 / TINY.rate_per_second  # one token back
    assert _get(gateway, "/v1/health").status_code == 200
    assert _get(gateway, "/v1/health").status_code == 429

    clock.now += 3600  # refilled to the burst, never beyond it
    statuses = [_get(gateway, "/v1/health").status_code for _ in range(TINY.burst + 1)]
    assert statuses == [200] * TINY.burst + [429]


def test_each_route_has_its_own_bucket_and_throttling_precedes_the_authorizer(
    gateway: Gateway, clock: FakeClock
) -> None:
    clock.now += 3600
    assert _get(gateway, "/v1/health").status_code == 200  # another route's bucket is untouched…
    # … and GET /v1/leads without a token is refused by the authorizer until its bucket is empty.
    statuses = [_get(gateway, "/v1/leads").status_code for _ in range(TINY.burst + 1)]
    assert statuses == [401] * TINY.burst + [429]


def test_a_flood_without_valid_tokens_does_not_starve_a_signed_in_user(
    gateway: Gateway, clock: FakeClock, user: TestUser
) -> None:
    """120 unauthenticated requests to GET /v1/leads empty their IP's bucket, not the user's,
    though both come from 127.0.0.1; forged tokens count as the IP's too."""
    clock.now += 3600
    flood = [_get(gateway, "/v1/leads").status_code for _ in range(120)]
    assert flood == [401] * TINY.burst + [429] * (120 - TINY.burst)
    assert _get(gateway, "/v1/leads", token="forged.token.value").status_code == 429

    token = user.tokens["access_token"]
    statuses = [_get(gateway, "/v1/leads", token=token).status_code for _ in range(TINY.burst + 1)]
    assert statuses == [200] * TINY.burst + [429]  # the user has a bucket of their own…
    throttled = _get(gateway, "/v1/leads", token=token)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1  # …and is told when to come back


def test_one_users_bucket_is_not_anothers(
    gateway: Gateway, clock: FakeClock, make_user: Callable[[], TestUser]
) -> None:
    clock.now += 3600
    first, second = make_user(), make_user()
    for _ in range(TINY.burst):
        assert _get(gateway, "/v1/leads", token=first.tokens["access_token"]).status_code == 200
    assert _get(gateway, "/v1/leads", token=first.tokens["access_token"]).status_code == 429
    assert _get(gateway, "/v1/leads", token=second.tokens["access_token"]).status_code == 200


def test_buckets_are_keyed_by_client_and_route() -> None:
    clock = FakeClock()
    throttle = Throttle(lambda route: TINY, clock=clock)
    for _ in range(TINY.burst):
        assert throttle.retry_after(LIST_LEADS, ip_client("203.0.113.7")) is None
    assert throttle.retry_after(LIST_LEADS, ip_client("203.0.113.7")) == 1
    assert throttle.retry_after(LIST_LEADS, ip_client("203.0.113.8")) is None
    assert throttle.retry_after(LIST_LEADS, user_client("203.0.113.7")) is None
    assert throttle.retry_after(HEALTH, ip_client("203.0.113.7")) is None
    slow = Throttle(lambda route: ThrottleSpec(rate_per_second=0.1, burst=1), clock=clock)
    assert slow.retry_after(LIST_LEADS, "c") is None
    assert slow.retry_after(LIST_LEADS, "c") == 10  # a token is 10 s away


def test_unknown_paths_are_not_throttled(gateway: Gateway) -> None:
    statuses = {_get(gateway, "/v1/nothing-here").status_code for _ in range(TINY.burst + 2)}
    assert statuses == {404}


def test_throttle_limits_come_from_the_spec() -> None:
    """``spec`` is production's per-client limits: tighter on every public route."""
    throttle = Throttle.from_setting("spec")
    assert throttle is not None
    for _, route in all_routes():
        expected = PUBLIC_CLIENT_THROTTLE if route.public else CLIENT_THROTTLE
        assert throttle.limits(route) == expected, route.route_key
    assert throttle.limits(HEALTH) == PUBLIC_CLIENT_THROTTLE
    assert throttle.limits(LIST_LEADS) == CLIENT_THROTTLE


def test_a_spec_bucket_refuses_the_request_after_its_burst() -> None:
    clock = FakeClock()
    throttle = Throttle.from_setting("spec")
    assert throttle is not None
    throttle = Throttle(throttle.limits, clock=clock)
    register = RouteSpec("POST", "/v1/auth/register", public=True)
    allowed = [throttle.allow(register, ip_client("198.51.100.1")) for _ in range(PUBLIC_CLIENT_THROTTLE.burst + 1)]
    assert allowed == [True] * PUBLIC_CLIENT_THROTTLE.burst + [False]


def test_local_throttle_setting() -> None:
    assert Throttle.from_setting("off") is None
    scaled = Throttle.from_setting("4")
    assert scaled is not None
    assert scaled.limits(HEALTH) == ThrottleSpec(
        PUBLIC_CLIENT_THROTTLE.rate_per_second * 4, PUBLIC_CLIENT_THROTTLE.burst * 4
    )
    default = Throttle.from_setting(None)
    assert default is not None
    factor = float(DEFAULT_THROTTLE_SETTING)
    assert default.limits(HEALTH) == PUBLIC_CLIENT_THROTTLE.scaled(factor)
    for bad in ("0", "-1", "fast", "inf", "nan"):
        with pytest.raises(ValueError, match="LOCAL_THROTTLE"):
            Throttle.from_setting(bad)


def test_the_suite_stack_applies_the_local_throttle_setting(local_stack: LocalStack) -> None:
    """Unless LOCAL_THROTTLE says otherwise, the stack runs with the spec's limits x100, not none."""
    assert local_stack.gateway is not None
    throttle = local_stack.gateway.throttle
    setting = os.environ.get(THROTTLE_ENV)
    if setting is None:
        assert throttle is not None
        assert throttle.limits(HEALTH) == PUBLIC_CLIENT_THROTTLE.scaled(float(DEFAULT_THROTTLE_SETTING))
        assert throttle.limits(LIST_LEADS) == CLIENT_THROTTLE.scaled(float(DEFAULT_THROTTLE_SETTING))
    else:
        expected = Throttle.from_setting(setting)
        assert (throttle is None) is (expected is None)
