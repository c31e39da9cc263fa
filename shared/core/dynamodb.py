"""The one DynamoDB toolkit every repository uses: (de)serialization, keys, conditional writes that
say whether they applied, batches that retry what DynamoDB leaves unprocessed, paginated Query.

Low-level client calls throughout (not the resource API): every request stays visible and
countable (docs/request-counts.md is checked against them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shared.core.pacing import Pace
from shared.core.retry import Backoff

BATCH_WRITE_MAX = 25
BATCH_GET_MAX = 100
CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
T = TypeVar("T")


class UnprocessedItems(RuntimeError):
    """DynamoDB kept refusing part of a batch (throttling); the caller's operation is safe to re-run."""


def ser(value: Any) -> dict[str, Any]:
    return _serializer.serialize(value)


def deser(value: dict[str, Any]) -> Any:
    return _deserializer.deserialize(value)


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """A plain dict as a DynamoDB item; ``None`` values are left out."""
    return {k: ser(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: deser(v) for k, v in item.items()}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class Written(NamedTuple):
    """What a conditional write did: ``applied``, the response when it did, and (where asked with
    ``ReturnValuesOnConditionCheckFailure=ALL_OLD``) the item that failed the condition."""

    applied: bool
    response: dict[str, Any]
    old_item: dict[str, Any] | None = None

    def __bool__(self) -> bool:
        return self.applied


def conditional(operation: Callable[..., dict[str, Any]], **params: Any) -> Written:
    """Run a conditional PutItem/UpdateItem/DeleteItem; a condition that did not hold is an
    answer (``applied=False``), not an error."""
    try:
        return Written(True, operation(**params))
    except ClientError as exc:
        if error_code(exc) != CONDITION_FAILED:
            raise
        return Written(False, {}, exc.response.get("Item"))


# Cancellation reasons that say nothing about the items: another write to one of them was in
# flight, or the partition was throttled. A cancelled transaction wrote nothing, so it can be sent
# again (as a new call, with a new ClientRequestToken). boto3 retries throttled calls, not these.
TRANSIENT_CANCELLATIONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
TRANSACTION_BACKOFF = Backoff(base_s=0.025, cap_s=0.5, max_attempts=4)


def cancelled_transiently(exc: ClientError) -> bool:
    """Whether a TransactWriteItems was cancelled only for :data:`TRANSIENT_CANCELLATIONS`."""
    if error_code(exc) != TRANSACTION_CANCELLED:
        return False
    codes = {reason.get("Code") for reason in exc.response.get("CancellationReasons") or []} - {None, "None"}
    return bool(codes) and codes <= TRANSIENT_CANCELLATIONS


def transact_write(client: Any, items: Sequence[dict[str, Any]], backoff: Backoff = TRANSACTION_BACKOFF) -> None:
    """TransactWriteItems, sent again while it is cancelled only transiently (a concurrent write
    to one of its items: two devices editing one lead). A failed condition, or the last transient
    cancellation, is raised for the caller to map."""
    for attempt in range(backoff.max_attempts):
        try:
            client.transact_write_items(TransactItems=list(items))
            return
        except ClientError as exc:
            if not cancelled_transiently(exc) or not backoff.can_retry(attempt):
                raise
        backoff.pause(attempt)


def cancelled_by_condition(exc: ClientError, index: int | None = None) -> bool:
    """Whether a TransactWriteItems was cancelled because a condition failed (at ``index``, or
    at any position when ``index`` is None)."""
    if error_code(exc) != TRANSACTION_CANCELLED:
        return False
    reasons = [reason.get("Code") for reason in exc.response.get("CancellationReasons") or []]
    if index is None:
        return "ConditionalCheckFailed" in reasons
    return index < len(reasons) and reasons[index] == "ConditionalCheckFailed"


@dataclass
class BatchStats:
    calls: int = 0
    retried_items: int = 0


DEFAULT_BACKOFF = Backoff()


def batch_write(
    client: Any,
    table: str,
    requests: Iterable[dict[str, Any]],
    backoff: Backoff = DEFAULT_BACKOFF,
    in_flight: int = 1,
    pace: Pace | None = None,
) -> BatchStats:
    """Put/delete requests, 25 per BatchWriteItem, ``in_flight`` calls at once; unprocessed ones
    are sent again after a backoff, and still unprocessed after the last attempt raise
    :class:`UnprocessedItems`. ``pace``: every call first takes a unit per item from it.

    ``requests`` may be a generator: batches are taken from it only as calls go out, so a caller
    that builds its items lazily holds ``in_flight`` batches of them at a time, not all."""
    batches = _batches_of(requests, BATCH_WRITE_MAX)
    if in_flight <= 1:
        return _sum_stats(_write_batch(client, table, batch, backoff, pace) for batch in batches)
    total = BatchStats()
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        running: set[Future[BatchStats]] = set()
        try:
            for batch in batches:
                if len(running) >= in_flight:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    total = _sum_stats([total, *(future.result() for future in done)])
                running.add(pool.submit(_write_batch, client, table, batch, backoff, pace))
            return _sum_stats([total, *(future.result() for future in running)])
        finally:
            for future in running:
                future.cancel()


def _batches_of(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items taken from ``items`` as they are asked for."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _sum_stats(parts: Iterable[BatchStats]) -> BatchStats:
    total = BatchStats()
    for part in parts:
        total.calls += part.calls
        total.retried_items += part.retried_items
    return total


def _write_batch(
    client: Any, table: str, batch: Sequence[dict[str, Any]], backoff: Backoff, pace: Pace | None
) -> BatchStats:
    stats = BatchStats()
    pending: list[dict[str, Any]] = list(batch)
    attempt = 0
    while True:
        if pace is not None:
            pace.take(len(pending))
        response = client.batch_write_item(RequestItems={table: pending})
        stats.calls += 1
        pending = (response.get("UnprocessedItems") or {}).get(table, [])
        if not pending:
            return stats
        if not backoff.can_retry(attempt):
            raise UnprocessedItems("batch write did not complete")
        stats.retried_items += len(pending)
        backoff.pause(attempt)
        attempt += 1


def batch_delete(
    client: Any, table: str, keys: Sequence[dict[str, Any]], backoff: Backoff = DEFAULT_BACKOFF
) -> BatchStats:
    return batch_write(client, table, [{"DeleteRequest": {"Key": k}} for k in keys], backoff)


def batch_get(
    client: Any,
    table: str,
    keys: Sequence[dict[str, Any]],
    projection: str = "pk, sk",
    backoff: Backoff = DEFAULT_BACKOFF,
    in_flight: int = 1,
) -> list[dict[str, Any]]:
    """Items for ``keys``, strongly consistent, 100 per BatchGetItem, unprocessed keys retried;
    missing keys are simply absent from the result. ``in_flight``: BatchGetItem calls made at once
    (the import looks up a block's contacts with several, as it writes them)."""

    def get_batch(batch: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        request: dict[str, Any] = {"Keys": list(batch), "ProjectionExpression": projection, "ConsistentRead": True}
        got: list[dict[str, Any]] = []
        attempt = 0
        while True:
            response = client.batch_get_item(RequestItems={table: request})
            got += response.get("Responses", {}).get(table, [])
            unprocessed = (response.get("UnprocessedKeys") or {}).get(table)
            if not unprocessed:
                return got
            if not backoff.can_retry(attempt):
                raise UnprocessedItems("batch get did not complete")
            request = unprocessed
            backoff.pause(attempt)
            attempt += 1

    batches = list(chunks(keys, BATCH_GET_MAX))
    if in_flight <= 1 or len(batches) <= 1:
        return [item for batch in batches for item in get_batch(batch)]
    with ThreadPoolExecutor(max_workers=min(in_flight, len(batches))) as pool:
        return [item for got in pool.map(get_batch, batches) for item in got]


def query(client: Any, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item a Query returns, page after page (one request per page)."""
    while True:
        response = client.query(**params)
        yield from response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def query_partition(
    client: Any, table: str, pk: str, projection: str, sk_prefix: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every item under ``pk`` (optionally only sort keys starting with ``sk_prefix``), strongly
    consistent, with only the ``projection`` attributes."""
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
    return query(client, **params)


def partition_holds_items(client: Any, table: str, pk: str) -> bool:
    """Whether any item is stored under ``pk``: one strongly consistent Query of at most one key."""
    response = client.query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": ser(pk)},
        ProjectionExpression="pk",
        ConsistentRead=True,
        Limit=1,
    )
    return bool(response.get("Items"))


def query_keys(client: Any, table: str, pk: str, sk_prefix: str) -> Iterator[dict[str, Any]]:
    """Every key under ``pk`` whose sort key starts with ``sk_prefix`` (strongly consistent)."""
    return query_partition(client, table, pk, "pk, sk", sk_prefix)


def in_pages(items: Iterator[T], size: int) -> Iterator[list[T]]:
    """Group a stream into lists of at most ``size`` (a page to delete at once, say)."""
    page: list[T] = []
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page
