"""Activities and file records: the items that live under a lead, in the owner's partition.

Key design (the table's layout: shared/core/layout.py): ``sk = ACT#<lead_id>#<ulid>`` for an
activity, ``FILE#<lead_id>#<ulid>`` for a file record. An activity's own ULID carries the time it
happened (``at``), so a Query on ``ACT#<lead_id>#`` returns them by event time. A check-in's
location lives inside its activity item: deleting the activity deletes the location. The API id
of either is ``<lead_id><own ulid>`` (shared.core.ids.child_id): it names the item's full key.
Both carry ``version`` (1 when created; each update adds one) and ``changed_ms``; a deletion
leaves a tombstone (shared/sync/changes.py) written with it.

Access patterns (calls per request):
1. children of a lead .... Query begins_with ACT#<lead_id># (or FILE#), newest first ...... 1/page
2. one activity / file ... GetItem by the composite id's full key ...................... 1
3. delete one ............ TransactWriteItems: Delete (condition: exists [, version]) + Put tombstone 1
4. create under a lead ... TransactWriteItems: ConditionCheck lead exists + Put child ...... 1
5. lead delete cascade ... Query ACT#/FILE# keys of the lead; BatchWriteItem deletes and
                           tombstones ................................................... 2 + 2n/25
6. log sync dedupe ....... BatchGetItem of the entries' deterministic keys ............... n/100
7. children of a lead-id range (an import's undo): Query sk BETWEEN <PREFIX><first># and
                           <PREFIX><last>#~, per kind ......................................... 2/page

Integrations: DynamoDB (Query, GetItem, DeleteItem, TransactWriteItems, BatchGetItem,
BatchWriteItem).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.core.dynamodb import (
    BatchStats,
    batch_get,
    batch_write,
    cancelled_by_condition,
    conditional,
    from_item,
    key,
    query_keys,
    ser,
    to_item,
    transact_write,
)
from shared.core.ids import child_id
from shared.core.layout import ACTIVITY_PREFIX, FILE_PREFIX, user_pk
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.leads.repository import lead_key, version_condition
from shared.sync.changes import CHANGE_ATTR, Kind, change_stamp, tombstone_item

KIND_BY_PREFIX: dict[str, Kind] = {ACTIVITY_PREFIX: "activity", FILE_PREFIX: "file"}


class LeadMissing(Exception):
    """The lead a child item was meant for does not exist (for this user)."""


class ChildRepository:
    """Items keyed ``<PREFIX><lead_id>#<own id>`` in the owner's partition."""

    def __init__(self, client: Any, table: str, prefix: str) -> None:
        self._db = client
        self._table = table
        self._prefix = prefix
        self._kind = KIND_BY_PREFIX[prefix]

    def sk(self, lead_id: str, own_id: str = "") -> str:
        return f"{self._prefix}{lead_id}#{own_id}"

    def _key(self, user_id: str, lead_id: str, own_id: str) -> dict[str, Any]:
        return key(user_pk(user_id), self.sk(lead_id, own_id))

    def create(self, user_id: str, lead_id: str, own_id: str, attrs: dict[str, Any]) -> None:
        """Put the item only if its lead exists, in one transaction (no orphan can be written
        after the lead's deletion has begun)."""
        stamped = {"version": 1, CHANGE_ATTR: change_stamp()}
        item = to_item({"pk": user_pk(user_id), "sk": self.sk(lead_id, own_id)} | attrs | stamped)
        try:
            transact_write(
                self._db,
                [
                    {
                        "ConditionCheck": {
                            "TableName": self._table,
                            "Key": lead_key(user_id, lead_id),
                            "ConditionExpression": "attribute_exists(pk)",
                        }
                    },
                    {"Put": {"TableName": self._table, "Item": item}},
                ],
            )
        except ClientError as exc:
            if cancelled_by_condition(exc, 0):
                raise LeadMissing() from None
            raise

    def get(self, user_id: str, lead_id: str, own_id: str) -> dict[str, Any] | None:
        item = self._db.get_item(TableName=self._table, Key=self._key(user_id, lead_id, own_id)).get("Item")
        return from_item(item) if item else None

    def update(
        self,
        user_id: str,
        lead_id: str,
        own_id: str,
        changes: dict[str, Any],
        condition: str,
        condition_values: dict[str, Any],
        remove: tuple[str, ...] = (),
    ) -> bool:
        names = {f"#{name}": name for name in (*changes, *remove)}
        values = {f":{name}": ser(value) for name, value in changes.items()}
        values |= {k: ser(v) for k, v in condition_values.items()}
        values |= {":changed": {"N": str(change_stamp())}, ":one": {"N": "1"}}
        expression = "SET " + ", ".join([*(f"#{name} = :{name}" for name in changes), f"{CHANGE_ATTR} = :changed"])
        if remove:
            expression += " REMOVE " + ", ".join(f"#{name}" for name in remove)
        expression += " ADD version :one"
        return conditional(
            self._db.update_item,
            TableName=self._table,
            Key=self._key(user_id, lead_id, own_id),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        ).applied

    def delete(self, user_id: str, lead_id: str, own_id: str, expected: Precondition = NO_PRECONDITION) -> bool:
        """The item and its tombstone in one transaction. False when the item does not exist;
        VersionMismatch when ``expected`` does not allow its version."""
        values: dict[str, Any] = {}
        delete: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._key(user_id, lead_id, own_id),
            "ConditionExpression": "attribute_exists(pk)" + version_condition(expected, values),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            delete["ExpressionAttributeValues"] = values
        tombstone = to_item(tombstone_item(user_id, self._kind, child_id(lead_id, own_id)))
        try:
            transact_write(self._db, [{"Delete": delete}, {"Put": {"TableName": self._table, "Item": tombstone}}])
        except ClientError as exc:
            if not cancelled_by_condition(exc, 0):
                raise
            old = (exc.response.get("CancellationReasons") or [{}])[0].get("Item")
            if not old:
                return False
            raise VersionMismatch(int(old.get("version", {}).get("N", "1"))) from None
        return True

    def page(
        self, user_id: str, lead_id: str, limit: int, after: str | None, newest_first: bool = True
    ) -> tuple[list[dict[str, Any]], str | None]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": ser(user_pk(user_id)), ":prefix": ser(self.sk(lead_id))},
            "ScanIndexForward": not newest_first,
            "Limit": limit,
        }
        if after:
            params["ExclusiveStartKey"] = self._key(user_id, lead_id, after)
        response = self._db.query(**params)
        items = [from_item(item) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return items, (last["sk"]["S"].rsplit("#", 1)[-1] if last else None)

    def existing(self, user_id: str, lead_and_own_ids: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (lead_id, own_id) items exist already (BatchGetItem, 100 per call)."""
        keys = [self._key(user_id, lead, own) for lead, own in lead_and_own_ids]
        result = set()
        for item in batch_get(self._db, self._table, keys):
            lead, own = item["sk"]["S"].removeprefix(self._prefix).split("#", 1)
            result.add((lead, own))
        return result

    def put_many(self, user_id: str, items: list[tuple[str, str, dict[str, Any]]]) -> BatchStats:
        """Unconditional puts of deterministic keys (re-running writes the same items)."""
        pk = user_pk(user_id)
        stamped = {"version": 1, CHANGE_ATTR: change_stamp()}
        requests = [
            {"PutRequest": {"Item": to_item({"pk": pk, "sk": self.sk(lead, own)} | attrs | stamped)}}
            for lead, own, attrs in items
        ]
        return batch_write(self._db, self._table, requests)


CHILD_PREFIXES = (ACTIVITY_PREFIX, FILE_PREFIX)


def delete_children(client: Any, table: str, user_id: str, lead_id: str) -> int:
    """Delete every activity and file record of a lead, each with its tombstone: one key Query
    per kind, then BatchWriteItem 25 requests per call (tombstones go in first, so a crash never
    leaves a deletion that no device can learn of). Returns how many items were deleted."""
    pk = user_pk(user_id)
    found = [key for prefix in CHILD_PREFIXES for key in query_keys(client, table, pk, f"{prefix}{lead_id}#")]
    return delete_child_keys(client, table, user_id, found)


def child_keys_in_range(client: Any, table: str, user_id: str, first_lead: str, last_lead: str) -> list[dict[str, Any]]:
    """The keys of every activity and file record of the leads with ids from ``first_lead`` to
    ``last_lead`` (strongly consistent; one Query per kind and page)."""
    found: list[dict[str, Any]] = []
    for prefix in CHILD_PREFIXES:
        params: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": {
                ":pk": ser(user_pk(user_id)),
                ":low": ser(f"{prefix}{first_lead}#"),
                ":high": ser(f"{prefix}{last_lead}#~"),  # "~" sorts after every ULID character
            },
            "ProjectionExpression": "pk, sk",
            "ConsistentRead": True,
        }
        while True:
            response = client.query(**params)
            found += response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                break
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return found


def lead_of_child(child_key: dict[str, Any]) -> str:
    """The lead id in a child's sort key (``ACT#<lead_id>#<own>`` or ``FILE#<lead_id>#<own>``)."""
    return str(child_key["sk"]["S"]).split("#")[1]


def is_file_record(child_key: dict[str, Any]) -> bool:
    return str(child_key["sk"]["S"]).startswith(FILE_PREFIX)


def delete_child_keys(client: Any, table: str, user_id: str, keys: list[dict[str, Any]]) -> int:
    """Delete these activities and file records, each with its tombstone (written first)."""
    tombstones: list[dict[str, Any]] = []
    deletes: list[dict[str, Any]] = []
    for found in keys:
        sk = found["sk"]["S"]
        prefix = next(p for p in CHILD_PREFIXES if sk.startswith(p))
        lead_id, own_id = sk.removeprefix(prefix).split("#", 1)
        tombstone = tombstone_item(user_id, KIND_BY_PREFIX[prefix], child_id(lead_id, own_id))
        tombstones.append({"PutRequest": {"Item": to_item(tombstone)}})
        deletes.append({"DeleteRequest": {"Key": {"pk": found["pk"], "sk": found["sk"]}}})
    batch_write(client, table, tombstones + deletes)
    return len(deletes)


class LeadChildren:
    """The activities and file records of a range of leads, for a bulk cascade (an import's undo).

    Integrations: DynamoDB (Query, BatchWriteItem)."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def in_range(self, user_id: str, first_lead: str, last_lead: str) -> list[dict[str, Any]]:
        return child_keys_in_range(self._db, self._table, user_id, first_lead, last_lead)

    def delete(self, user_id: str, keys: list[dict[str, Any]]) -> int:
        return delete_child_keys(self._db, self._table, user_id, keys)
