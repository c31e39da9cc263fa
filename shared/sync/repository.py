"""A user's changes in the order of their stamp: the ``by_change`` local secondary index.

Access pattern: Query ``by_change``: pk = USER#caller AND changed_ms > :from, ascending,
strongly consistent, from the previous page's last key ................................ 1/page

It asks for one item more than a page: the extra one says whether more follow, so a pull of C
changes makes exactly ceil(C / page) Queries (never one more to learn the end).

The index is sparse: only synced items (leads, activities, file records, devices, preferences)
and tombstones carry ``changed_ms`` (shared/sync/changes.py), so a pull reads changes, never the
rest of the account (imports, idempotency records, …).

Integrations: DynamoDB (Query on a local secondary index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared import resources
from shared.core.dynamodb import ser
from shared.core.layout import user_pk
from shared.sync.changes import CHANGE_ATTR

CHANGE_INDEX = next(index.name for index in resources.TABLE.local_indexes if index.sort_key == CHANGE_ATTR)


@dataclass(frozen=True)
class ChangePage:
    items: list[dict[str, Any]]  # DynamoDB items, as stored
    last_key: dict[str, Any] | None  # where the next page starts, or None: nothing more now


class ChangeRepository:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def changes(self, user_id: str, after_ms: int, start: dict[str, Any] | None, limit: int) -> ChangePage:
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": CHANGE_INDEX,
            "KeyConditionExpression": f"pk = :pk AND {CHANGE_ATTR} > :after",
            "ExpressionAttributeValues": {":pk": ser(user_pk(user_id)), ":after": {"N": str(after_ms)}},
            "ConsistentRead": True,
            "ScanIndexForward": True,
            "Limit": limit + 1,
        }
        if start:
            params["ExclusiveStartKey"] = start
        response = self._db.query(**params)
        items = response.get("Items", [])
        if len(items) > limit:  # more follow: the next page starts after this page's last item
            last = items[limit - 1]
            return ChangePage(items[:limit], {"pk": last["pk"], "sk": last["sk"], CHANGE_ATTR: last[CHANGE_ATTR]})
        # A page cut short by DynamoDB's 1 MB limit still says where to go on.
        return ChangePage(items, response.get("LastEvaluatedKey"))
