"""The local stack's moto rolls a failed TransactWriteItems back item by item, never by copying a
table, and honours ClientRequestToken as DynamoDB does (local/moto_transactions.py)."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models.table import Table
from ulid import ULID

from local import moto_transactions


def _puts(table: str, pk: str, count: int) -> list[dict[str, Any]]:
    return [{"Put": {"TableName": table, "Item": {"pk": {"S": pk}, "sk": {"S": f"T#{i:03d}"}}}} for i in range(count)]


def _sks(client: Any, table: str, pk: str) -> list[str]:
    items = client.query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}}
    )["Items"]
    return [item["sk"]["S"] for item in items]


def _check(table: str, pk: str, n: int) -> dict[str, Any]:
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": {"pk": {"S": pk}, "sk": {"S": "T#999"}},
            "ConditionExpression": "n = :n",
            "ExpressionAttributeValues": {":n": {"N": str(n)}},
        }
    }


def test_a_transaction_copies_no_table(local_stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    copies: list[str] = []
    real = copy.deepcopy

    def counting(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Table):
            copies.append(value.name)
        return real(value, memo)

    monkeypatch.setattr(moto_transactions.copy, "deepcopy", counting)
    client, table = local_stack.client("dynamodb"), local_stack.table_name
    pk = f"TXTEST#{ULID()}"
    client.transact_write_items(TransactItems=_puts(table, pk, 100))
    assert copies == []  # moto alone: 100, one per item
    assert len(_sks(client, table, pk)) == 100


def test_a_failed_transaction_still_rolls_back_everything(local_stack: Any) -> None:
    client, table = local_stack.client("dynamodb"), local_stack.table_name
    pk = f"TXTEST#{ULID()}"
    client.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "T#999"}, "n": {"N": "1"}})
    client.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "T#000"}, "kept": {"S": "before"}})
    items = _puts(table, pk, 40)  # overwrites T#000, adds T#001..T#039
    items.append(
        {
            "Update": {
                "TableName": table,
                "Key": {"pk": {"S": pk}, "sk": {"S": "T#998"}},
                "UpdateExpression": "SET n = :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }
    )
    items.append(_check(table, pk, 2))
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=items)
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _sks(client, table, pk) == ["T#000", "T#999"]
    kept = client.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": "T#000"}})["Item"]
    assert kept["kept"] == {"S": "before"}


def test_a_retry_with_the_token_of_a_transaction_that_succeeded_writes_nothing(local_stack: Any) -> None:
    client, table = local_stack.client("dynamodb"), local_stack.table_name
    pk = f"TXTEST#{ULID()}"
    create = [
        {
            "Put": {
                "TableName": table,
                "Item": {"pk": {"S": pk}, "sk": {"S": "T#000"}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
    ]
    token = str(uuid.uuid4())
    client.transact_write_items(TransactItems=create, ClientRequestToken=token)
    client.transact_write_items(TransactItems=create, ClientRequestToken=token)  # the retry: no condition failure
    assert _sks(client, table, pk) == ["T#000"]
    # Without the token, the same call is a new transaction, and its condition fails.
    with pytest.raises(ClientError) as again:
        client.transact_write_items(TransactItems=create, ClientRequestToken=str(uuid.uuid4()))
    assert again.value.response["Error"]["Code"] == "TransactionCanceledException"


def test_a_token_reused_with_other_parameters_is_refused(local_stack: Any) -> None:
    client, table = local_stack.client("dynamodb"), local_stack.table_name
    pk = f"TXTEST#{ULID()}"
    token = str(uuid.uuid4())
    client.transact_write_items(TransactItems=_puts(table, pk, 1), ClientRequestToken=token)
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=_puts(table, pk, 2), ClientRequestToken=token)
    assert refused.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert _sks(client, table, pk) == ["T#000"]
