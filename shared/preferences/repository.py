"""The preferences document of a user, one item synced across devices.

Key design (the table's layout: shared/core/layout.py): ``pk = USER#<user_id>``, ``sk = PREFS``,
with ``version`` (0 until first saved, then one more with each save) for optimistic concurrency
and ``changed_ms`` for delta sync. Free-form settings are stored as JSON text (``settings_json``):
any JSON number or key survives unchanged (DynamoDB maps refuse floats and empty keys).

Access patterns (calls per request):
0. start ...... PutItem at registration (condition: none yet), version 0 ........ 1
1. read ....... GetItem PREFS ................................................. 1
2. save ....... UpdateItem: SET the given fields, ADD version 1, condition on the version read
               (If-Match or the body's version) when one is given; ALL_NEW .............. 1

Integrations: DynamoDB (GetItem, UpdateItem).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shared.core.dynamodb import conditional, from_item, key, ser, to_item
from shared.core.layout import PREFS_SK, user_pk
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.sync.changes import CHANGE_ATTR, change_stamp


class PreferencesRepository:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def get(self, user_id: str) -> dict[str, Any] | None:
        item = self._db.get_item(TableName=self._table, Key=key(user_pk(user_id), PREFS_SK)).get("Item")
        return from_stored(from_item(item)) if item else None

    def initialize(self, user_id: str, document: dict[str, Any], now: datetime) -> bool:
        """The document a new account starts with, still version 0 (the user has saved nothing);
        False if the account has preferences already."""
        item = {"pk": user_pk(user_id), "sk": PREFS_SK, "version": 0, "updated_at": now.isoformat()}
        item |= {CHANGE_ATTR: change_stamp(), **document}
        return conditional(
            self._db.put_item,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        ).applied

    def save(
        self, user_id: str, changes: dict[str, Any], now: datetime, expected: Precondition = NO_PRECONDITION
    ) -> dict[str, Any]:
        """Set the fields in ``changes`` (``None`` removes one), keep the others; the stored
        document after the write. VersionMismatch when ``expected`` does not allow the current
        version (0 for a document never saved)."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {
            ":now": ser(now.isoformat()),
            ":changed": {"N": str(change_stamp())},
            ":one": {"N": "1"},
        }
        sets, removes = ["updated_at = :now", f"{CHANGE_ATTR} = :changed"], []
        for i, (name, value) in enumerate(changes.items()):
            attr = "settings_json" if name == "settings" else name
            names[f"#f{i}"] = attr
            if value is None:
                removes.append(f"#f{i}")
            else:
                stored = json.dumps(value, separators=(",", ":")) if name == "settings" else value
                values[f":f{i}"] = ser(stored)
                sets.append(f"#f{i} = :f{i}")
        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        expression += " ADD version :one"
        params: dict[str, Any] = {
            "TableName": self._table,
            "Key": key(user_pk(user_id), PREFS_SK),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": values,
            "ReturnValues": "ALL_NEW",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if names:
            params["ExpressionAttributeNames"] = names
        if expected.versions is not None:
            allowed = [f":v{i}" for i in range(len(expected.versions))]
            values |= {name: {"N": str(v)} for name, v in zip(allowed, sorted(expected.versions), strict=True)}
            condition = f"version IN ({', '.join(allowed)})"
            if 0 in expected.versions:  # "never saved" is version 0: no item yet, or the one at sign-up
                condition = f"attribute_not_exists(pk) OR {condition}"
            params["ConditionExpression"] = condition
        written = conditional(self._db.update_item, **params)
        if not written:
            raise VersionMismatch(int(written.old_item["version"]["N"]) if written.old_item else 0)
        return from_stored(from_item(written.response["Attributes"]))


def from_stored(item: dict[str, Any]) -> dict[str, Any]:
    """A stored preferences item with its settings parsed back."""
    plain = dict(item)
    plain["settings"] = json.loads(plain.pop("settings_json", None) or "{}")
    return plain
