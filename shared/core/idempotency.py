"""Creates that a flaky network cannot duplicate: the ``Idempotency-Key`` header.

Semantics of the IETF draft "The Idempotency-Key HTTP Header Field": the same key with the same
payload within 24 hours replays the first response (its status and ids, ``Idempotent-Replayed:
true``); the same key with another payload is refused, ``422 idempotency_key_reused``; the same
key while the first request still runs, ``409 request_in_progress`` (retry after a second). Keys
are the caller's own: another user's identical key is another key. A create that fails keeps
nothing, so its retry runs again.

Built on Powertools' idempotency utility with DynamoDB persistence, with one change: its records
live in the caller's own partition (``pk = USER#<sub>``, ``sk = IDEMPOTENCY#<hash>``), so account
erasure finds and deletes them like everything else of the account, and they expire with the
table's TTL 24 hours later. What a record keeps is as little as possible: a hash of the route
and the key, a hash of the body (to tell a reused key), the status, the expiry, and the created
object's id — never the body. A replay reads the object again (shared logic's ``replay``), so it
answers with the object as it is now, under the same id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig
from aws_lambda_powertools.utilities.idempotency.base import IdempotencyHandler
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import resources
from shared.core import aws
from shared.core.errors import Conflict, DomainError, InvalidInput
from shared.core.layout import IDEMPOTENCY_PREFIX, user_pk
from shared.core.settings import settings

EXPIRES_AFTER_S = 24 * 3600
IDEMPOTENCY_HEADER = "Idempotency-Key"
# A structured-field string ("…") or a bare token, of visible ASCII: what a client generates (a UUID).
_KEY = re.compile(r'^"?([\x21\x23-\x7e]{1,255})"?$')
T = TypeVar("T")

_caller: ContextVar[str] = ContextVar("idempotency_caller")


class InvalidIdempotencyKey(DomainError):
    status = 400
    code = "invalid_idempotency_key"
    message = "Idempotency-Key takes 1 to 255 visible ASCII characters, e.g. a UUID."


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was used for another request; use a new key for a new request."


class RequestInProgress(Conflict):
    code = "request_in_progress"
    message = "A request with this Idempotency-Key is still running; retry in a moment."


class CallerPartitionedStore(DynamoDBPersistenceLayer):
    """Powertools' DynamoDB persistence, keyed into the caller's own partition."""

    def __init__(self, client: Any, table: str) -> None:
        super().__init__(
            table_name=table,
            key_attr="pk",
            sort_key_attr="sk",
            expiry_attr=resources.TABLE.ttl_attribute,
            in_progress_expiry_attr="in_progress_expires_ms",
            status_attr="idempotency_status",
            data_attr="created",
            validation_key_attr="payload_hash",
            boto3_client=client,
        )

    def _get_key(self, idempotency_key: str) -> dict[str, Any]:
        return {"pk": {"S": user_pk(_caller.get())}, "sk": {"S": f"{IDEMPOTENCY_PREFIX}{idempotency_key}"}}


@cache
def idempotency_store() -> CallerPartitionedStore:
    return CallerPartitionedStore(aws.dynamodb(), settings().table_name)


def idempotency_key(header: str | None) -> str | None:
    if header is None:
        return None
    match = _KEY.match(header.strip())
    if match is None:
        raise InvalidIdempotencyKey()
    return match.group(1)


@dataclass(frozen=True)
class Created(Generic[T]):
    """What a create answered: the object, and whether it is a replay of an earlier request."""

    value: T
    replayed: bool = False


def create_once(
    store: DynamoDBPersistenceLayer,
    context: LambdaContext | None,
    *,
    user_id: str,
    key_header: str | None,
    operation: str,
    payload: dict[str, Any],
    create: Callable[[], T],
    identify: Callable[[T], str],
    replay: Callable[[str], T],
) -> Created[T]:
    """Run ``create`` once per (caller, key); a repeat gets ``replay(id)``, and the same key sent
    to another ``operation`` or with another payload is refused.

    ``payload`` is the request as the client sent it (its JSON body and path ids): a repeat must
    send the same. Without an ``Idempotency-Key`` header, ``create`` simply runs."""
    key = idempotency_key(key_header)
    if key is None:
        return Created(create())
    config = IdempotencyConfig(
        # The key alone names the request (one key, one request, whatever the route); what it
        # was sent with — route and payload — must match for a replay.
        event_key_jmespath="key",
        payload_validation_jmespath="[operation, payload]",
        expires_after_seconds=EXPIRES_AFTER_S,
        hash_function="sha256",
        raise_on_no_idempotency_key=True,
    )
    if context is not None:  # an interrupted request's lock lasts only as long as its invocation
        config.register_lambda_context(context)
    made: list[T] = []

    def first_time(request: dict[str, Any]) -> dict[str, str]:
        made.append(create())
        return {"id": identify(made[0])}

    token = _caller.set(user_id)
    try:
        request = {"operation": operation, "key": key, "payload": payload}
        answer = IdempotencyHandler(
            function=first_time,
            function_payload=request,
            config=config,
            persistence_store=store,
            key_prefix="create",
            function_args=(),
            function_kwargs={"request": request},
        ).handle()
    except IdempotencyValidationError:
        raise IdempotencyKeyReused() from None
    except IdempotencyAlreadyInProgressError:
        raise RequestInProgress(headers={"Retry-After": "1"}) from None
    finally:
        _caller.reset(token)
    if made:
        return Created(made[0])
    return Created(replay(str(answer["id"])), replayed=True)
