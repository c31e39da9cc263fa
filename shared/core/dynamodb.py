"""Low-level DynamoDB helpers every repository shares: (de)serialization, paging, batch deletes.

Batch deletes are the unit of every cascade (lead deletion now, account erasure later): 25 keys
per BatchWriteItem, unprocessed keys retried with exponential backoff and jitter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

BATCH_WRITE_MAX = 25
BATCH_GET_MAX = 100
MAX_UNPROCESSED_RETRIES = 8

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class UnprocessedItems(RuntimeError):
    """DynamoDB kept refusing part of a batch; the caller's operation is safe to re-run."""


def ser(value: Any) -> dict[str, Any]:
    return _serializer.serialize(value)


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {k: ser(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _backoff(attempt: int) -> None:
    time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not crypto


def batch_write(client: Any, table: str, requests: list[dict[str, Any]]) -> int:
    """Write (put or delete) requests 25 per call; returns the number of BatchWriteItem calls."""
    calls = 0
    for batch in chunks(requests, BATCH_WRITE_MAX):
        pending: dict[str, Any] = {table: batch}
        for attempt in range(MAX_UNPROCESSED_RETRIES + 1):
            response = client.batch_write_item(RequestItems=pending)
            calls += 1
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                break
            if attempt == MAX_UNPROCESSED_RETRIES:
                raise UnprocessedItems("batch write did not complete")
            _backoff(attempt)
    return calls


def batch_delete(client: Any, table: str, keys: list[dict[str, Any]]) -> int:
    return batch_write(client, table, [{"DeleteRequest": {"Key": k}} for k in keys])


def batch_get(client: Any, table: str, keys: list[dict[str, Any]], projection: str = "pk, sk") -> list[dict[str, Any]]:
    """Items for ``keys`` (100 per call, unprocessed keys retried); missing keys are skipped."""
    found: list[dict[str, Any]] = []
    for batch in chunks(keys, BATCH_GET_MAX):
        pending: dict[str, Any] = {table: {"Keys": batch, "ProjectionExpression": projection, "ConsistentRead": True}}
        for attempt in range(MAX_UNPROCESSED_RETRIES + 1):
            response = client.batch_get_item(RequestItems=pending)
            found += response.get("Responses", {}).get(table, [])
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
            if attempt == MAX_UNPROCESSED_RETRIES:
                raise UnprocessedItems("batch get did not complete")
            _backoff(attempt)
    return found


def query_keys(client: Any, table: str, pk: str, sk_prefix: str) -> Iterable[dict[str, Any]]:
    """Every key under ``pk`` whose sort key starts with ``sk_prefix`` (strongly consistent)."""
    return query_partition(client, table, pk, "pk, sk", sk_prefix)


def query_partition(
    client: Any, table: str, pk: str, projection: str, sk_prefix: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every item under ``pk`` (optionally only sort keys starting with ``sk_prefix``), page by
    page, strongly consistent, with only the ``projection`` attributes."""
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": ser(pk)},
        "ProjectionExpression": projection,
        "ConsistentRead": True,
    }
    if sk_prefix is not None:
        params["KeyConditionExpression"] += " AND begins_with(sk, :prefix)"
        params["ExpressionAttributeValues"][":prefix"] = ser(sk_prefix)
    while True:
        response = client.query(**params)
        yield from response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
