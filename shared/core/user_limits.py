"""Per-user limits on the expensive routes: a counter per user, route and time window in the
user's own partition, so one account cannot spend what the stage's shared buckets hold for all.

Key design: ``pk = USER#<user_id>``, ``sk = LIMIT#<limit name>#<window number>`` (the window is
``epoch seconds // window_s``), attribute ``n`` the requests counted in it and ``expires_at`` (TTL)
the window's end plus a minute. One conditional UpdateItem a request (``ADD n 1`` unless ``n``
already reached the limit): atomic across concurrent Lambdas, no read first. A fixed window lets
up to twice the limit through around a window's edge; the limits are sized with that in mind.
Erasure deletes these items with the rest of the partition, and the TTL removes them anyway.

Limits are sized from docs/usage-profile.md: a few times what the busiest real user needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from shared.core import aws
from shared.core.clock import utcnow
from shared.core.dynamodb import conditional, key
from shared.core.errors import TooManyRequests
from shared.core.layout import LIMIT_PREFIX, user_pk
from shared.core.settings import settings

EXPIRY_MARGIN_S = 60


@dataclass(frozen=True)
class UserLimit:
    """At most ``requests`` per user in each ``window_s``-second window."""

    name: str
    requests: int
    window_s: int


# docs/usage-profile.md ("Per-user limits") explains each figure.
IMPORT_START_LIMIT = UserLimit("import_start", requests=5, window_s=600)
EXPORT_LIMIT = UserLimit("export", requests=60, window_s=60)
DEVICE_LOG_SYNC_LIMIT = UserLimit("device_log_sync", requests=10, window_s=60)
SYNC_LIMIT = UserLimit("sync", requests=300, window_s=60)
USER_LIMITS = (IMPORT_START_LIMIT, EXPORT_LIMIT, DEVICE_LOG_SYNC_LIMIT, SYNC_LIMIT)


class LimitCounter(Protocol):
    def count(self, user_id: str, limit: UserLimit, now: datetime) -> int | None:
        """Counts one request: ``None`` if within the limit, else the seconds until the window ends."""


def limit_sk(limit: UserLimit, window: int) -> str:
    return f"{LIMIT_PREFIX}{limit.name}#{window}"


class DynamoDbLimitCounter:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def count(self, user_id: str, limit: UserLimit, now: datetime) -> int | None:
        epoch = now.timestamp()
        window = int(epoch // limit.window_s)
        window_end = (window + 1) * limit.window_s
        written = conditional(
            self._client.update_item,
            TableName=self._table,
            Key=key(user_pk(user_id), limit_sk(limit, window)),
            UpdateExpression="ADD #n :one SET expires_at = if_not_exists(expires_at, :expires)",
            ConditionExpression="attribute_not_exists(#n) OR #n < :max",
            ExpressionAttributeNames={"#n": "n"},
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":max": {"N": str(limit.requests)},
                ":expires": {"N": str(window_end + EXPIRY_MARGIN_S)},
            },
        )
        return None if written else max(1, math.ceil(window_end - epoch))


def enforce(counter: LimitCounter, user_id: str, limit: UserLimit, now: datetime | None = None) -> None:
    """Counts the request, or refuses it: 429 ``too_many_requests`` with Retry-After."""
    wait_s = counter.count(user_id, limit, now or utcnow())
    if wait_s is not None:
        raise TooManyRequests(headers={"Retry-After": str(wait_s)})


@cache
def limit_counter() -> DynamoDbLimitCounter:
    return DynamoDbLimitCounter(aws.dynamodb(), settings().table_name)
