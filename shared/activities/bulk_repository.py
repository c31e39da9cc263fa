"""Finding and changing one kind of activity across a user's whole partition (the Privacy
Center's "delete one kind": every check-in location, every activity from call or SMS logs).

Key design: activities are ``ACT#<lead_id>#<ulid>`` in the user's partition (shared/leads/children.py);
the kind is an attribute (``source``: call_log, sms_log; a location is ``lat``/``lng``/``accuracy_m``
on a check-in), so finding them is one Query of the ``ACT#`` range with a filter.

Access patterns (calls per request):
1. activities of one source .. Query begins_with(sk, "ACT#"), filter source = :s, keys only ... 1/page
2. located check-ins ......... Query begins_with(sk, "ACT#"), filter attribute_exists(lat) ..... 1/page
3. delete activities ......... BatchWriteItem: each activity's tombstone, then the activity ... 2n/25
4. delete a location ......... UpdateItem REMOVE lat, lng, accuracy_m; version + 1, new change
                               stamp (devices pull the check-in without its place) ............ n

Integrations: DynamoDB (Query, BatchWriteItem, UpdateItem).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from shared.core.dynamodb import batch_write, conditional, query, ser, to_item
from shared.core.ids import child_id
from shared.core.layout import ACTIVITY_PREFIX, user_pk
from shared.sync.changes import CHANGE_ATTR, change_stamp, tombstone_item

LOCATION_ATTRS = ("lat", "lng", "accuracy_m")
UPDATE_THREADS = 8


def _activity_id(sk: str) -> str:
    lead_id, own_id = sk.removeprefix(ACTIVITY_PREFIX).split("#", 1)
    return child_id(lead_id, own_id)


class ActivityBulkRepository:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def _activities(self, user_id: str, condition: str, values: dict[str, Any], names: dict[str, str]) -> Iterator[str]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "FilterExpression": condition,
            "ProjectionExpression": "sk",
            "ExpressionAttributeValues": {":pk": ser(user_pk(user_id)), ":prefix": ser(ACTIVITY_PREFIX)} | values,
            "ConsistentRead": True,
        }
        if names:
            params["ExpressionAttributeNames"] = names
        return (item["sk"]["S"] for item in query(self._db, **params))

    def from_source(self, user_id: str, source: str) -> Iterator[str]:
        """Sort keys of the user's activities created from ``source`` (call_log, sms_log)."""
        return self._activities(user_id, "#source = :source", {":source": ser(source)}, {"#source": "source"})

    def located_check_ins(self, user_id: str) -> Iterator[str]:
        """Sort keys of the user's activities that carry a location."""
        return self._activities(user_id, "attribute_exists(lat)", {}, {})

    def delete(self, user_id: str, sort_keys: Sequence[str]) -> int:
        """Delete these activities, each with its tombstone (written first: a crash never leaves
        a deletion no device can learn of). Deleting what is gone already is harmless."""
        pk = user_pk(user_id)
        tombstones = [
            {"PutRequest": {"Item": to_item(tombstone_item(user_id, "activity", _activity_id(sk)))}} for sk in sort_keys
        ]
        deletes = [{"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}} for sk in sort_keys]
        batch_write(self._db, self._table, tombstones + deletes)
        return len(deletes)

    def remove_locations(self, user_id: str, sort_keys: Sequence[str]) -> int:
        """Remove the location of each of these check-ins; returns how many still had one."""

        def remove(sk: str) -> bool:
            return conditional(
                self._db.update_item,
                TableName=self._table,
                Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": sk}},
                UpdateExpression=f"REMOVE {', '.join(LOCATION_ATTRS)} SET {CHANGE_ATTR} = :changed ADD version :one",
                ConditionExpression="attribute_exists(lat)",
                ExpressionAttributeValues={":changed": {"N": str(change_stamp())}, ":one": {"N": "1"}},
            ).applied

        if not sort_keys:
            return 0
        with ThreadPoolExecutor(max_workers=min(UPDATE_THREADS, len(sort_keys))) as pool:
            return sum(pool.map(remove, sort_keys))
