"""Deletion records: the erasure's progress, then its receipt.

| item            | pk        | sk            | notes                                              |
|-----------------|-----------|---------------|----------------------------------------------------|
| deletion record | DELETIONS | <deletion_id> | user_id only until erasure completes; then the     |
|                 |           |               | receipt keeps user_hash, times, counts; TTL        |

Scheduling writes the record and the account's revocation marker (shared/core/identity.py) in one
transaction: from that moment no token of the account is accepted.

Access patterns (calls per request):
1. schedule ......... TransactWriteItems: Put record + Put marker (unless one is live) ..... 1
2. read ............. GetItem, strongly consistent .......................................... 1
3. progress ......... UpdateItem (inventory once, completion, postponement) ................ 1
4. receipts ......... Query pk = DELETIONS (after a restore: re-apply every deletion) ...... 1/page
5. stuck erasures ... the expiry index (shared/core/expiry_index.py) ........................ 1/day

Integrations: DynamoDB (TransactWriteItems, GetItem, UpdateItem, Query).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from shared import resources
from shared.core.dynamodb import (
    cancelled_by_condition,
    conditional,
    from_item,
    key,
    query,
    ser,
    to_item,
    transact_write,
)
from shared.core.expiry_index import due_attrs
from shared.core.identity import revocation_marker

DELETIONS_PK = "DELETIONS"  # one partition: receipts are listed by Query when re-applied after a restore
# An erasure not completed this long after it was requested is restarted by the retention job.
ERASURE_STUCK_AFTER = timedelta(minutes=30)


def deletion_key(deletion_id: str) -> dict[str, Any]:
    return key(DELETIONS_PK, deletion_id)


class AlreadyScheduled(Exception):
    """The account already has a pending deletion (its tokens are revoked)."""


class DeletionRepository:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def schedule(self, deletion_id: str, user_id: str, user_hash: str, now: datetime) -> None:
        """Record the deletion and revoke the user's tokens in one transaction."""
        record = {
            "pk": DELETIONS_PK,
            "sk": deletion_id,
            "status": "scheduled",
            "user_id": user_id,
            "user_hash": user_hash,
            "requested_at": now.isoformat(),
        } | due_attrs(now + ERASURE_STUCK_AFTER)
        marker = revocation_marker(user_id, now)
        try:
            transact_write(
                self._db,
                [
                    {"Put": {"TableName": self._table, "Item": to_item(record)}},
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_item(marker),
                            "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                            "ExpressionAttributeValues": {":now": ser(int(now.timestamp()))},
                        }
                    },
                ],
            )
        except ClientError as exc:
            if cancelled_by_condition(exc):
                raise AlreadyScheduled() from None
            raise

    def get(self, deletion_id: str) -> dict[str, Any] | None:
        response = self._db.get_item(TableName=self._table, Key=deletion_key(deletion_id), ConsistentRead=True)
        item = response.get("Item")
        return from_item(item) if item else None

    def record_inventory(self, deletion_id: str, counts: dict[str, int]) -> None:
        """What the account held when erasure began; written once, so a resumed run keeps it."""
        conditional(
            self._db.update_item,
            TableName=self._table,
            Key=deletion_key(deletion_id),
            UpdateExpression="SET #counts = :counts, #status = :running",
            ConditionExpression="attribute_exists(pk) AND attribute_not_exists(#counts)",
            ExpressionAttributeNames={"#counts": "counts", "#status": "status"},
            ExpressionAttributeValues={":counts": ser(counts), ":running": ser("running")},
        )

    def complete(self, deletion_id: str, now: datetime) -> None:
        """Keep the receipt without personal data: the user id goes, the keyed hash stays."""
        self._db.update_item(
            TableName=self._table,
            Key=deletion_key(deletion_id),
            UpdateExpression=(
                "SET #status = :done, completed_at = :now, expires_at = :expires REMOVE user_id, due_pk, due_sk"
            ),
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":done": ser("completed"),
                ":now": ser(now.isoformat()),
                ":expires": ser(int((now + timedelta(days=resources.RECEIPT_RETENTION_DAYS)).timestamp())),
            },
        )

    def postpone(self, deletion_id: str, now: datetime) -> None:
        """Move a stuck erasure's next check forward (the retention job restarted it)."""
        attrs = due_attrs(now + ERASURE_STUCK_AFTER)
        self._db.update_item(
            TableName=self._table,
            Key=deletion_key(deletion_id),
            UpdateExpression="SET due_pk = :p, due_sk = :s",
            ConditionExpression="attribute_exists(user_id)",
            ExpressionAttributeValues={":p": ser(attrs["due_pk"]), ":s": ser(attrs["due_sk"])},
        )

    def receipts(self) -> Iterator[dict[str, Any]]:
        """Every deletion record (receipts and pending ones): one Query per page."""
        items = query(
            self._db,
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": ser(DELETIONS_PK)},
        )
        return (from_item(item) for item in items)
