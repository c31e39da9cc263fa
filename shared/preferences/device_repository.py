"""The app installations of a user: what the app reports about itself, no more.

Key design (the table's layout: shared/core/layout.py): ``pk = USER#<user_id>``,
``sk = DEVICE#<device_id>`` (the installation's own random id).

Every write stamps ``changed_ms`` and forgetting a device leaves a tombstone (delta sync,
shared/sync/changes.py).

Access patterns (calls per request):
1. register or refresh ... UpdateItem DEVICE#id (first_seen kept), ALL_NEW ........ 1
2. list .................. Query begins_with(sk, "DEVICE#") ........................ 1/page
3. forget ................ TransactWriteItems: Delete (condition exists) + Put tombstone 1

Integrations: DynamoDB (UpdateItem, Query, TransactWriteItems).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.core.dynamodb import cancelled_by_condition, from_item, key, query, ser, to_item, transact_write
from shared.core.layout import DEVICE_PREFIX, user_pk
from shared.sync.changes import CHANGE_ATTR, change_stamp, tombstone_item


def device_sk(device_id: str) -> str:
    return f"{DEVICE_PREFIX}{device_id}"


class DeviceRepository:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def upsert(self, user_id: str, device_id: str, attrs: dict[str, str], now: datetime) -> dict[str, Any]:
        names = {f"#{name}": name for name in attrs}
        values = {f":{name}": ser(value) for name, value in attrs.items()} | {
            ":now": ser(now.isoformat()),
            ":changed": {"N": str(change_stamp())},
        }
        sets = [f"#{name} = :{name}" for name in attrs] + [
            "last_seen = :now",
            "first_seen = if_not_exists(first_seen, :now)",
            f"{CHANGE_ATTR} = :changed",
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
        """The device and its tombstone in one transaction; False if there was no such device."""
        delete = {
            "TableName": self._table,
            "Key": key(user_pk(user_id), device_sk(device_id)),
            "ConditionExpression": "attribute_exists(pk)",
        }
        tombstone = {"TableName": self._table, "Item": to_item(tombstone_item(user_id, "device", device_id))}
        try:
            transact_write(self._db, [{"Delete": delete}, {"Put": tombstone}])
        except ClientError as exc:
            if cancelled_by_condition(exc, 0):
                return False
            raise
        return True


def device_record(item: dict[str, Any]) -> dict[str, Any]:
    """A stored device item as plain values, with its id."""
    plain = from_item(item)
    plain["device_id"] = plain["sk"].removeprefix(DEVICE_PREFIX)
    return plain
