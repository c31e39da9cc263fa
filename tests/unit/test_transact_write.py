"""``transact_write`` (shared/core/dynamodb.py): a transaction cancelled only because another write
to one of its items was in flight is sent again; a failed condition is the caller's answer at once."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from shared.core.dynamodb import cancelled_by_condition, transact_write
from shared.core.retry import Backoff

NO_WAIT = Backoff(base_s=0, cap_s=0, max_attempts=4, sleep=lambda _s: None)


def cancelled(*codes: str) -> ClientError:
    reasons = [{"Code": code} for code in codes]
    return ClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}, "CancellationReasons": reasons},
        "TransactWriteItems",
    )


class Table:
    """TransactWriteItems that raises the given errors in turn, then writes."""

    def __init__(self, *errors: ClientError) -> None:
        self.errors = list(errors)
        self.calls: list[list[dict[str, Any]]] = []
        self.written: list[dict[str, Any]] = []

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(TransactItems)
        if self.errors:
            raise self.errors.pop(0)
        self.written.extend(TransactItems)
        return {}


ITEMS = [{"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}}}}, {"Delete": {"TableName": "t", "Key": {}}}]


def test_a_transaction_conflict_is_sent_again_until_it_goes_through() -> None:
    table = Table(cancelled("None", "TransactionConflict"), cancelled("TransactionConflict", "None"))
    transact_write(table, ITEMS, NO_WAIT)
    assert len(table.calls) == 3
    assert table.written == ITEMS


def test_a_failed_condition_is_raised_at_once() -> None:
    table = Table(cancelled("ConditionalCheckFailed", "TransactionConflict"))
    with pytest.raises(ClientError) as refused:
        transact_write(table, ITEMS, NO_WAIT)
    assert cancelled_by_condition(refused.value, 0)
    assert len(table.calls) == 1
    assert table.written == []


def test_a_conflict_that_outlasts_the_attempts_is_raised() -> None:
    table = Table(*(cancelled("TransactionConflict") for _ in range(NO_WAIT.max_attempts)))
    with pytest.raises(ClientError):
        transact_write(table, ITEMS, NO_WAIT)
    assert len(table.calls) == NO_WAIT.max_attempts
    assert table.written == []


def test_other_errors_are_not_retried_here() -> None:
    invalid = ClientError({"Error": {"Code": "ValidationException", "Message": "bad"}}, "TransactWriteItems")
    table = Table(invalid)
    with pytest.raises(ClientError):
        transact_write(table, ITEMS, NO_WAIT)
    assert len(table.calls) == 1
