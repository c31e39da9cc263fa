"""The app installations of a user: what the app reports about itself, no more.

Key design (the table's layout: shared/core/layout.py): ``pk = USER#<user_id>``,
``sk = DEVICE#<device_id>`` (the installation's own random id).

Access patterns (calls per request):
1. register or refresh ... UpdateItem DEVICE#id (first_seen kept), ALL_NEW ........ 1
2. list .................. Query begins_with(sk, "DEVICE#") ........................ 1/page
3. forget ................ DeleteItem, condition attribute_exists(pk) .............. 1

Integrations: DynamoDB (UpdateItem, Query, DeleteItem).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.core.dynamodb import conditional, from_item, key, query, ser
from shared.core.layout import DEVICE_PREFIX, user_pk


def device_sk(device_id: str) -> str:
    return f"{DEVICE_PREFIX}{device_id}"


class DeviceRepository:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def upsert(self, user_id: str, device_id: str, attrs: dict[str, str], now: datetime) -> dict[str, Any]:
        names = {f"#{name}": name for name in attrs}
        values = {f":{name}": ser(value) for name, value in attrs.items()} | {":now": ser(now.isoformat())}
        sets = [f"#{name} = :{name}" for name in attrs] + [
            "last_seen = :now",
            "first_seen = if_not_exists(first_seen, :now)",
        ]
        response = self._db.update_item(
            TableName=self._table,
            Key=key(user_pk(user_id), device_sk(device_id)),
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
        return device_record(response["Attributes"])

    def list(self, user_id: str) -> list[dict[str, Any]]:
        items = query(
            self._db,
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": ser(user_pk(user_id)), ":prefix": ser(DEVICE_PREFIX)},
        )
        return [device_record(item) for item in items]

    def delete(self, user_id: str, device_id: str) -> bool:
        return conditional(
            self._db.delete_item,
            TableName=self._table,
            Key=key(user_pk(user_id), device_sk(device_id)),
            ConditionExpression="attribute_exists(pk)",
        ).applied


def device_record(item: dict[str, Any]) -> dict[str, Any]:
    """A stored device item as plain values, with its id."""
    plain = from_item(item)
    plain["device_id"] = plain["sk"].removeprefix(DEVICE_PREFIX)
    return plain
