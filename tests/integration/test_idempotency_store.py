"""The idempotency records: in the caller's own partition (so erasure takes them), keeping ids and
hashes only, expiring with the table's TTL; a key whose first request still runs is refused."""

from __future__ import annotations

import time
from typing import Any

import pytest
from ulid import ULID

from shared.core.idempotency import EXPIRES_AFTER_S, CallerPartitionedStore, RequestInProgress, create_once


class Invocation:
    """The one thing of a Lambda context the idempotency lock needs: how long the request may run."""

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


@pytest.fixture
def store(local_stack: Any) -> CallerPartitionedStore:
    return CallerPartitionedStore(local_stack.client("dynamodb"), local_stack.table_name)


def _records(local_stack: Any, user_id: str) -> list[dict[str, Any]]:
    response = local_stack.client("dynamodb").query(
        TableName=local_stack.table_name,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}, ":prefix": {"S": "IDEMPOTENCY#"}},
        ConsistentRead=True,
    )
    return list(response["Items"])


def _create_thing(store: CallerPartitionedStore, user: str, key: str, payload: dict[str, Any], thing: str) -> Any:
    return create_once(
        store,
        Invocation(),  # type: ignore[arg-type]
        user_id=user,
        key_header=key,
        operation="POST /v1/things",
        payload=payload,
        create=lambda: thing,
        identify=lambda made: made,
        replay=lambda thing_id: f"replayed {thing_id}",
    )


def test_a_record_lives_in_the_callers_partition_and_keeps_no_body(
    store: CallerPartitionedStore, local_stack: Any
) -> None:
    user, secret = f"user-{ULID()}", "Canary Secretname +919800000001"
    made = _create_thing(store, user, "key-1", {"name": secret}, "thing-1")
    assert (made.value, made.replayed) == ("thing-1", False)
    (record,) = _records(local_stack, user)
    assert set(record) == {
        "pk", "sk", "expires_at", "in_progress_expires_ms", "idempotency_status", "created", "payload_hash"
    }  # fmt: skip
    assert secret not in str(record)
    assert record["created"]["S"] == '{"id": "thing-1"}'
    assert abs(int(record["expires_at"]["N"]) - (time.time() + EXPIRES_AFTER_S)) < 120
    again = _create_thing(store, user, "key-1", {"name": secret}, "thing-2")
    assert (again.value, again.replayed) == ("replayed thing-1", True)


def test_the_same_key_while_the_first_request_runs_is_409_with_retry_after(store: CallerPartitionedStore) -> None:
    user = f"user-{ULID()}"

    def attempt(create: Any) -> Any:
        return create_once(
            store,
            Invocation(),  # type: ignore[arg-type]
            user_id=user,
            key_header="in-flight",
            operation="POST /v1/things",
            payload={},
            create=create,
            identify=str,
            replay=str,
        )

    with pytest.raises(RequestInProgress) as refused:
        attempt(lambda: attempt(lambda: "inner"))  # the retry arrives while the first one runs
    assert refused.value.headers == {"Retry-After": "1"}
    assert attempt(lambda: "after").value == "after"  # the failed first request kept nothing
