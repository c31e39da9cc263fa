"""Preferences and devices of a user (key design: keys.py, patterns 10 and 11).

Integrations: DynamoDB (GetItem, PutItem, UpdateItem, DeleteItem, Query).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.core import table as keys
from shared.core.dynamodb import from_item, key, ser, to_item


class StaleVersion(Exception):
    """Another device saved the document since this one read it."""


class PreferencesRepository:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def get(self, user_id: str) -> dict[str, Any] | None:
        response = self._db.get_item(TableName=self._table, Key=key(keys.user_pk(user_id), keys.PREFS_SK))
        item = response.get("Item")
        return from_stored(from_item(item)) if item else None

    def put(self, user_id: str, document: dict[str, Any], expected_version: int, now: datetime) -> dict[str, Any]:
        """Write version ``expected_version + 1`` if the stored one is ``expected_version``."""
        values = document | {"version": expected_version + 1, "updated_at": now.isoformat()}
        # Free-form settings are stored as JSON text: any JSON number or key survives unchanged
        # (DynamoDB maps refuse floats and empty keys).
        stored = {k: v for k, v in values.items() if k != "settings"}
        stored["settings_json"] = json.dumps(values.get("settings") or {}, separators=(",", ":"))
        params: dict[str, Any] = {
            "TableName": self._table,
            "Item": to_item({"pk": keys.user_pk(user_id), "sk": keys.PREFS_SK} | stored),
        }
        if expected_version == 0:
            params["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            params["ConditionExpression"] = "version = :v"
            params["ExpressionAttributeValues"] = {":v": ser(expected_version)}
        try:
            self._db.put_item(**params)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise StaleVersion() from None
            raise
        return values


def from_stored(item: dict[str, Any]) -> dict[str, Any]:
    """A stored preferences item with its settings parsed back."""
    plain = dict(item)
    plain["settings"] = json.loads(plain.pop("settings_json", None) or "{}")
    return plain


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
            Key=key(keys.user_pk(user_id), keys.device_sk(device_id)),
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
        return _device(response["Attributes"])

    def list(self, user_id: str) -> list[dict[str, Any]]:
        response = self._db.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": ser(keys.user_pk(user_id)), ":prefix": ser(keys.DEVICE_PREFIX)},
        )
        return [_device(item) for item in response.get("Items", [])]

    def delete(self, user_id: str, device_id: str) -> bool:
        try:
            self._db.delete_item(
                TableName=self._table,
                Key=key(keys.user_pk(user_id), keys.device_sk(device_id)),
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _device(item: dict[str, Any]) -> dict[str, Any]:
    plain = from_item(item)
    plain["device_id"] = plain["sk"].removeprefix(keys.DEVICE_PREFIX)
    return plain
