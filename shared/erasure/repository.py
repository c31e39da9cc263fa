"""Deletion records (receipts), token revocation markers and the receipts' keyed hash.

| item               | pk                    | sk         | notes                                          |
|--------------------|-----------------------|------------|------------------------------------------------|
| deletion record    | DELETIONS             | <deletion_id> | user_id only until erasure completes; then |
|                    |                       |            | the receipt keeps user_hash, times, counts; TTL |
| revocation marker  | REVOKED#<sha256(id)>  | REVOKED    | lives as long as an access token can (TTL)     |

Integrations: DynamoDB (TransactWriteItems, GetItem, UpdateItem, Query on the expiry index),
KMS (GenerateMac with an HMAC key).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from shared import resources
from shared.core.dynamodb import from_item, key, ser, to_item
from shared.core.expiry_index import due_attrs

DELETIONS_PK = "DELETIONS"  # one partition: receipts are listed by Query when re-applied after a restore
REVOKED_SK = "REVOKED"
# Longest life of an access token (plus clock skew): a revoked account's tokens are all dead by then.
REVOCATION_SECONDS = resources.USER_POOL.access_token_minutes * 60 + 300
# An erasure not completed this long after it was requested is restarted by the retention job.
ERASURE_STUCK_AFTER = timedelta(minutes=30)


def deletion_key(deletion_id: str) -> dict[str, Any]:
    return key(DELETIONS_PK, deletion_id)


def revoked_pk(user_id: str) -> str:
    """Keyed by a digest of the id, so even this short-lived marker names no user."""
    return f"REVOKED#{hashlib.sha256(user_id.encode()).hexdigest()}"


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
        marker = {
            "pk": revoked_pk(user_id),
            "sk": REVOKED_SK,
            "expires_at": int((now + timedelta(seconds=REVOCATION_SECONDS)).timestamp()),
        }
        try:
            self._db.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self._table, "Item": to_item(record)}},
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_item(marker),
                            "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                            "ExpressionAttributeValues": {":now": ser(int(now.timestamp()))},
                        }
                    },
                ]
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                raise AlreadyScheduled() from None
            raise

    def get(self, deletion_id: str) -> dict[str, Any] | None:
        response = self._db.get_item(TableName=self._table, Key=deletion_key(deletion_id), ConsistentRead=True)
        item = response.get("Item")
        return from_item(item) if item else None

    def record_inventory(self, deletion_id: str, counts: dict[str, int]) -> None:
        """What the account held when erasure began; written once, so a resumed run keeps it."""
        try:
            self._db.update_item(
                TableName=self._table,
                Key=deletion_key(deletion_id),
                UpdateExpression="SET #counts = :counts, #status = :running",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(#counts)",
                ExpressionAttributeNames={"#counts": "counts", "#status": "status"},
                ExpressionAttributeValues={":counts": ser(counts), ":running": ser("running")},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

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
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": ser(DELETIONS_PK)},
        }
        while True:
            response = self._db.query(**params)
            yield from (from_item(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def is_revoked(self, user_id: str, now: datetime) -> bool:
        response = self._db.get_item(
            TableName=self._table, Key=key(revoked_pk(user_id), REVOKED_SK), ConsistentRead=True
        )
        item = response.get("Item")
        # TTL deletes lazily: an expired marker is read as absent.
        return bool(item) and int(item["expires_at"]["N"]) > now.timestamp()


class ReceiptHasher:
    """HMAC-SHA256 of a user id under a KMS HMAC key: stable (so receipts can be re-applied after
    a restore) but not reversible, and useless without the key."""

    def __init__(self, kms: Any, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id

    def __call__(self, user_id: str) -> str:
        response = self._kms.generate_mac(KeyId=self._key_id, Message=user_id.encode(), MacAlgorithm="HMAC_SHA_256")
        return base64.urlsafe_b64encode(response["Mac"]).decode().rstrip("=")
