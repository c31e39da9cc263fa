"""The preferences document of a user, one item synced across devices.

Key design (the table's layout: shared/core/layout.py): ``pk = USER#<user_id>``, ``sk = PREFS``,
with a ``version`` number for optimistic concurrency. Free-form settings are stored as JSON text
(``settings_json``): any JSON number or key survives unchanged (DynamoDB maps refuse floats and
empty keys).

Access patterns (calls per request):
1. read ....... GetItem PREFS ................................................. 1
2. save ....... PutItem with a condition on the version read (optimistic) ....... 1

Integrations: DynamoDB (GetItem, PutItem).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shared.core.dynamodb import conditional, from_item, key, ser, to_item
from shared.core.layout import PREFS_SK, user_pk


class StaleVersion(Exception):
    """Another device saved the document since this one read it."""


class PreferencesRepository:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def get(self, user_id: str) -> dict[str, Any] | None:
        item = self._db.get_item(TableName=self._table, Key=key(user_pk(user_id), PREFS_SK)).get("Item")
        return from_stored(from_item(item)) if item else None

    def put(self, user_id: str, document: dict[str, Any], expected_version: int, now: datetime) -> dict[str, Any]:
        """Write version ``expected_version + 1`` if the stored one is ``expected_version``."""
        values = document | {"version": expected_version + 1, "updated_at": now.isoformat()}
        stored = {k: v for k, v in values.items() if k != "settings"}
        stored["settings_json"] = json.dumps(values.get("settings") or {}, separators=(",", ":"))
        params: dict[str, Any] = {
            "TableName": self._table,
            "Item": to_item({"pk": user_pk(user_id), "sk": PREFS_SK} | stored),
        }
        if expected_version == 0:
            params["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            params["ConditionExpression"] = "version = :v"
            params["ExpressionAttributeValues"] = {":v": ser(expected_version)}
        if not conditional(self._db.put_item, **params):
            raise StaleVersion()
        return values


def from_stored(item: dict[str, Any]) -> dict[str, Any]:
    """A stored preferences item with its settings parsed back."""
    plain = dict(item)
    plain["settings"] = json.loads(plain.pop("settings_json", None) or "{}")
    return plain
