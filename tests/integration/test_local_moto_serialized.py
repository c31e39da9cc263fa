"""moto is not thread-safe (its backends are plain dicts and lists, mutated without locks), and the
local stack serves many requests at once: 20 load clients made TransactWriteItems fail with
"dictionary changed size during iteration" now and then. So the stack lets one request at a time
into moto's backends (local/moto_server.py), and in-process access takes the same lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from moto.dynamodb.models import dynamodb_backends

from local.context import ACCOUNT_ID
from local.moto_server import serialized
from local.stack import LocalStack

CLIENTS = 8


class Occupancy:
    """How many calls are inside a function at once, at most."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.inside = 0
        self.most = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.inside += 1
                self.most = max(self.most, self.inside)
            try:
                time.sleep(0.05)  # holds the backend long enough for any other request to arrive
                return function(*args, **kwargs)
            finally:
                with self._lock:
                    self.inside -= 1

        return counted


def _dynamodb(stack: LocalStack) -> Any:
    return boto3.client("dynamodb", endpoint_url=stack.moto_url, region_name=stack.region)


def _in_parallel(clients: int, call: Callable[[int], None]) -> list[BaseException]:
    """``call(i)`` on ``clients`` threads released together; the exceptions they raised."""
    start = threading.Barrier(clients)
    failures: list[BaseException] = []

    def run(index: int) -> None:
        start.wait()
        try:
            call(index)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_requests_enter_moto_one_at_a_time(local_stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = dynamodb_backends[ACCOUNT_ID][local_stack.region]
    occupancy = Occupancy()
    monkeypatch.setattr(backend, "get_item", occupancy.wrap(backend.get_item))
    clients = [_dynamodb(local_stack) for _ in range(CLIENTS)]
    key = {"pk": {"S": "USER#serialized"}, "sk": {"S": "PREFS"}}

    failures = _in_parallel(CLIENTS, lambda i: clients[i].get_item(TableName=local_stack.table_name, Key=key))

    assert failures == []
    assert occupancy.most == 1


def test_in_process_backend_access_waits_for_the_same_lock(local_stack: LocalStack) -> None:
    client = _dynamodb(local_stack)
    answered = threading.Event()

    def read() -> None:
        client.get_item(TableName=local_stack.table_name, Key={"pk": {"S": "USER#x"}, "sk": {"S": "PREFS"}})
        answered.set()

    with serialized():
        reader = threading.Thread(target=read)
        reader.start()
        assert not answered.wait(0.5)  # the request is parked while the lock is held…
    reader.join()
    assert answered.is_set()  # …and served once it is released


def test_concurrent_transactions_on_one_partition_all_succeed(local_stack: LocalStack) -> None:
    """What the load run hit: transactions writing into a partition while queries iterate it, from
    20 threads at once (before the lock: a few 500s from moto in every run of this test)."""
    client = _dynamodb(local_stack)
    table = "moto-race"  # keys only, so moto's queries stay quick
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    clients = [_dynamodb(local_stack) for _ in range(20)]
    pk = {"S": "USER#moto-race"}
    rounds = 8

    def work(index: int) -> None:
        for n in range(rounds):
            clients[index].transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": table, "Item": {"pk": pk, "sk": {"S": f"ACT#{index:02d}#{n:03d}"}}}},
                    {"Put": {"TableName": table, "Item": {"pk": pk, "sk": {"S": f"TOMB#{index:02d}#{n:03d}"}}}},
                ]
            )
            clients[index].query(
                TableName=table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": pk},
                Select="COUNT",
            )

    try:
        failures = _in_parallel(len(clients), work)
        assert [type(error).__name__ for error in failures] == []
        stored = client.query(
            TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": pk}, Select="COUNT"
        )
        assert stored["Count"] == len(clients) * rounds * 2
    finally:
        client.delete_table(TableName=table)
