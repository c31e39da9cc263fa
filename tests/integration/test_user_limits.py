"""Per-user limits on the expensive routes (import start, export, device-log sync, sync): a counter
per user, route and window in the user's partition; over the limit → 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from local.fake_google import DEMO_SPREADSHEET_ID
from shared.core.errors import TooManyRequests
from shared.core.layout import item_kind, user_pk
from shared.core.user_limits import (
    DEVICE_LOG_SYNC_LIMIT,
    EXPORT_LIMIT,
    IMPORT_START_LIMIT,
    SYNC_LIMIT,
    DynamoDbLimitCounter,
    UserLimit,
    enforce,
    limit_sk,
)
from tests.support import TestUser

TINY = UserLimit("test_tiny", requests=3, window_s=60)
WINDOW_START = datetime(2026, 5, 7, 13, 0, 0, tzinfo=UTC)  # a multiple of 60 s since the epoch


@pytest.fixture
def counter(local_stack: Any) -> DynamoDbLimitCounter:
    return DynamoDbLimitCounter(local_stack.client("dynamodb"), local_stack.table_name)


def test_the_request_over_the_limit_waits_for_the_window_to_end(counter: DynamoDbLimitCounter) -> None:
    user = f"limits-{datetime.now(UTC).timestamp()}"
    now = WINDOW_START + timedelta(seconds=15)
    assert [counter.count(user, TINY, now) for _ in range(TINY.requests)] == [None] * TINY.requests
    assert counter.count(user, TINY, now) == 45  # the window ends 45 s later
    assert counter.count(user, TINY, now + timedelta(seconds=44.5)) == 1  # never 0: rounded up
    assert counter.count(user, TINY, WINDOW_START + timedelta(seconds=60)) is None  # a new window

    with pytest.raises(TooManyRequests) as refused:
        enforce(counter, user, TINY, now)
    assert refused.value.status == 429
    assert refused.value.headers == {"Retry-After": "45"}


def test_users_and_limits_count_separately(counter: DynamoDbLimitCounter) -> None:
    first, second = (f"limits-{n}-{datetime.now(UTC).timestamp()}" for n in (1, 2))
    for _ in range(TINY.requests):
        counter.count(first, TINY, WINDOW_START)
    assert counter.count(first, TINY, WINDOW_START) is not None
    assert counter.count(second, TINY, WINDOW_START) is None
    other = UserLimit("test_other", requests=1, window_s=60)
    assert counter.count(first, other, WINDOW_START) is None


def test_the_counter_lives_in_the_users_partition_and_expires(counter: DynamoDbLimitCounter, local_stack: Any) -> None:
    user = f"limits-ttl-{datetime.now(UTC).timestamp()}"
    counter.count(user, TINY, WINDOW_START)
    window = int(WINDOW_START.timestamp()) // TINY.window_s
    item = local_stack.client("dynamodb").get_item(
        TableName=local_stack.table_name,
        Key={"pk": {"S": user_pk(user)}, "sk": {"S": limit_sk(TINY, window)}},
        ConsistentRead=True,
    )["Item"]
    assert item["n"] == {"N": "1"}
    assert int(item["expires_at"]["N"]) == int(WINDOW_START.timestamp()) + TINY.window_s + 60
    assert item_kind(item["sk"]["S"]) == "limit_counters"  # erasure counts (and deletes) it
    assert set(item) == {"pk", "sk", "n", "expires_at"}  # no personal value


def _exhaust(local_stack: Any, user_id: str, limit: UserLimit) -> None:
    """The counter of this window and the next already at the limit: the next request is refused,
    even when the window turns over meanwhile."""
    window = int(datetime.now(UTC).timestamp()) // limit.window_s
    for w in (window, window + 1):
        local_stack.client("dynamodb").put_item(
            TableName=local_stack.table_name,
            Item={
                "pk": {"S": user_pk(user_id)},
                "sk": {"S": limit_sk(limit, w)},
                "n": {"N": str(limit.requests)},
                "expires_at": {"N": str((w + 2) * limit.window_s)},
            },
        )


ROUTES: dict[str, tuple[UserLimit, Callable[[TestUser], requests.Response]]] = {
    "GET /v1/sync": (SYNC_LIMIT, lambda u: u.api.get("/v1/sync")),
    "GET /v1/me/export": (EXPORT_LIMIT, lambda u: u.api.get("/v1/me/export")),
    "POST /v1/device-logs/sync": (
        DEVICE_LOG_SYNC_LIMIT,
        lambda u: u.api.post("/v1/device-logs/sync", json={"device_id": "limits-phone", "calls": []}),
    ),
    "POST /v1/imports/google-sheets": (
        IMPORT_START_LIMIT,
        lambda u: u.api.post(
            "/v1/imports/google-sheets", json={"spreadsheet": DEMO_SPREADSHEET_ID, "on_duplicate": "skip"}
        ),
    ),
}


@pytest.mark.parametrize("route_key", ROUTES)
def test_an_expensive_route_answers_429_with_retry_after_over_the_users_limit(
    route_key: str, local_stack: Any, make_user: Callable[[], TestUser]
) -> None:
    limit, call = ROUTES[route_key]
    limited, other = make_user(), make_user()
    assert call(limited).status_code < 400, route_key  # within the limit: served

    _exhaust(local_stack, limited.user_id, limit)
    refused = call(limited)
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= limit.window_s
    assert call(other).status_code < 400  # another user is not limited


def test_requests_are_counted_until_the_limit(make_user: Callable[[], TestUser]) -> None:
    """No seeding: the device-log sync's own requests fill the counter (a window turning over
    in between only resets it, so the test retries once)."""
    user = make_user()
    body = {"device_id": "limits-count", "calls": []}
    for _attempt in range(2):
        statuses = [
            user.api.post("/v1/device-logs/sync", json=body).status_code
            for _ in range(DEVICE_LOG_SYNC_LIMIT.requests + 1)
        ]
        if statuses.count(429) == 1:
            break
    assert statuses == [200] * DEVICE_LOG_SYNC_LIMIT.requests + [429]
