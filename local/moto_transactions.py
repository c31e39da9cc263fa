"""moto's TransactWriteItems, made to back a table up once per transaction, not once per item.

moto keeps a copy of each table a transaction writes, to put it back if the transaction fails; it
makes that copy (``copy.deepcopy`` of the whole table) once for every item of the transaction. An
import's undo removes 25 leads per transaction (100 items), and since contact items every lead
create is a transaction too: on the suite's shared table, which holds tens of thousands of items
by the end, each such call copied the table up to 100 times, one request took seconds while
holding moto's lock (local/moto_server.py), and API calls queued behind it went past their
functions' timeouts. All copies of one table within one call are of the same state (nothing is
written before the backup loop ends), so one is enough: same rollback, same answers.
"""

from __future__ import annotations

import copy
import threading
from functools import wraps
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models.table import Table

_state = threading.local()


class _CopyOncePerCall:
    """Stands in for the ``copy`` module inside moto's DynamoDB models: during a transaction,
    ``deepcopy`` of the same table returns the copy it made first (the table lives all along, so
    its id cannot be reused)."""

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        made: dict[int, Any] | None = getattr(_state, "copies", None)
        if made is None or memo is not None or not isinstance(value, Table):  # an item: as moto does
            return copy.deepcopy(value, memo)
        if id(value) not in made:
            made[id(value)] = copy.deepcopy(value)
        return made[id(value)]

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def install() -> None:
    """Patch moto once per process (idempotent)."""
    backend = dynamodb_models.DynamoDBBackend
    if getattr(backend.transact_write_items, "_copies_once", False):
        return
    original = backend.transact_write_items

    @wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        _state.copies = {}
        try:
            original(self, transact_items)
        finally:
            _state.copies = None

    transact_write_items._copies_once = True  # type: ignore[attr-defined]
    dynamodb_models.copy = _CopyOncePerCall()  # type: ignore[assignment]
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]
