"""moto's TransactWriteItems, made to cost what the transaction writes and to honour its
ClientRequestToken, as DynamoDB does.

**Rollback without copying the table.** To put a table back when a transaction fails, moto keeps
a ``copy.deepcopy`` of every table the transaction writes: the whole table, about 35 µs an item
(1 s at 30,000 items, measured), held under moto's lock (local/moto_server.py). By the end of the
suite the shared table holds well over 100,000 items; a lead create (one transaction) then took
past boto3's 8 s read timeout, boto3 sent it again, and the second attempt found the lead the first
had written (a 500 on ``POST /v1/leads``, a 404 on a delete). Here a transaction remembers only the
items it names, as they were, and puts those back if it fails: the same rollback, since a
transaction writes nothing else.

**ClientRequestToken.** DynamoDB makes a TransactWriteItems idempotent by its token for 10 minutes:
a second call with the token of one that succeeded succeeds and writes nothing; the same token with
other parameters is refused (IdempotentParameterMismatchException). boto3 fills in a token for every
call and its retries reuse it, so a retry after a timeout is safe on AWS; moto ignores the token.
Only a call that succeeded is remembered here (AWS does not say what a cancelled one leaves): a
retry of a cancelled call runs again and meets its conditions again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.exceptions import DynamodbException
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

TOKEN_WINDOW_S = 600.0  # DynamoDB's idempotency window for a ClientRequestToken

_state = threading.local()
# token -> (fingerprint of the request, when it succeeded, what it answered); under moto's lock.
_tokens: dict[str, tuple[str, float, Any]] = {}


class IdempotentParameterMismatch(DynamodbException):
    def __init__(self) -> None:
        super().__init__(
            "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
            "The ClientRequestToken was used before with different parameters.",
        )


class _NoTableCopy:
    """Stands in for the ``copy`` module inside moto's DynamoDB models: during a transaction,
    ``deepcopy`` of a table gives the table itself (moto's own rollback then puts back the same
    object: nothing), since the wrapper below rolls back the items instead."""

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if getattr(_state, "in_transaction", False) and memo is None and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _key_of(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    return {name: op["Item"][name] for name in names}


def _items_before(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], Any]]:
    """(table, key, the item's attributes or None) for every item the transaction names."""
    before = []
    for entry in transact_items:
        try:
            op_type, op = next(iter(entry.items()))
            key = _key_of(backend, op_type, op)
            current = backend.get_item(op["TableName"], key)
        except (KeyError, StopIteration, JsonRESTError):  # malformed: moto refuses it before writing
            continue
        before.append((op["TableName"], key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
    return before


def _put_back(backend: Any, before: list[tuple[str, dict[str, Any], Any]]) -> None:
    for table_name, key, attributes in reversed(before):
        table = backend.get_table(table_name)
        if attributes is None:
            hash_value, range_value = backend.get_keys_value(table, key)
            if table.get_item(hash_value, range_value) is not None:
                table.delete_item(hash_value, range_value)
        else:
            table.put_item(attributes)


def _rolls_back_items(original: Callable[..., None]) -> Callable[..., None]:
    @wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        before = _items_before(self, transact_items)
        _state.in_transaction = True
        try:
            original(self, transact_items)
        except BaseException:
            _put_back(self, before)
            raise
        finally:
            _state.in_transaction = False

    return transact_write_items


def _honours_token(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def transact_write_items(self: Any) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return original(self)
        fingerprint = hashlib.sha256(json.dumps(self.body["TransactItems"], sort_keys=True).encode()).hexdigest()
        now = time.monotonic()
        for stale in [t for t, (_, at, _) in _tokens.items() if now - at > TOKEN_WINDOW_S]:
            del _tokens[stale]
        if token in _tokens:
            seen, _, answer = _tokens[token]
            if seen != fingerprint:
                raise IdempotentParameterMismatch
            return answer
        answer = original(self)
        _tokens[token] = (fingerprint, now, answer)
        return answer

    return transact_write_items


def install() -> None:
    """Patch moto once per process (idempotent)."""
    backend = dynamodb_models.DynamoDBBackend
    if getattr(backend.transact_write_items, "_rolls_back_items", False):
        return
    backend.transact_write_items = _rolls_back_items(backend.transact_write_items)  # type: ignore[method-assign]
    backend.transact_write_items._rolls_back_items = True  # type: ignore[attr-defined]
    dynamodb_models.copy = _NoTableCopy()  # type: ignore[assignment]
    DynamoHandler.transact_write_items = _honours_token(DynamoHandler.transact_write_items)  # type: ignore[method-assign]
