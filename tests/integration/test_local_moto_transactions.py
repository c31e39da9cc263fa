"""The local stack's moto backs a table up once per TransactWriteItems (local/moto_transactions.py),
and a transaction that fails still leaves the table exactly as it was."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models.table import Table
from ulid import ULID

from local import moto_transactions


def _puts(table: str, pk: str, count: int) -> list[dict[str, Any]]:
    return [{"Put": {"TableName": table, "Item": {"pk": {"S": pk}, "sk": {"S": f"T#{i:03d}"}}}} for i in range(count)]


def test_a_transaction_of_many_items_copies_the_table_once(local_stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    copies: list[str] = []
    real = copy.deepcopy

    def counting(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Table):
            copies.append(value.name)
        return real(value, memo)

    monkeypatch.setattr(moto_transactions.copy, "deepcopy", counting)
    client, table = local_stack.client("dynamodb"), local_stack.table_name
    client.transact_write_items(TransactItems=_puts(table, f"TXTEST#{ULID()}", 100))
    assert copies == [table]  # moto alone: 100, one per item


def test_a_failed_transaction_still_rolls_back_everything(local_stack: Any) -> None:
    client, table = local_stack.client("dynamodb"), local_stack.table_name
    pk = f"TXTEST#{ULID()}"
    client.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "T#999"}, "n": {"N": "1"}})
    items = _puts(table, pk, 40)
    items.append(
        {
            "ConditionCheck": {
                "TableName": table,
                "Key": {"pk": {"S": pk}, "sk": {"S": "T#999"}},
                "ConditionExpression": "n = :two",
                "ExpressionAttributeValues": {":two": {"N": "2"}},
            }
        }
    )
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=items)
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    left = client.query(
        TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}}
    )["Items"]
    assert [item["sk"]["S"] for item in left] == ["T#999"]
