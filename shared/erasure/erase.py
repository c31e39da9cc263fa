"""The erasure workflow's work (shared/erasure/workflow.py runs it until it reports done): a
planned traversal of every store that holds the user's data —

1. the user's DynamoDB partition (profile-side items, preferences, devices, leads, activities
   with their locations, file records, imports): Query + BatchWriteItem, 25 keys a call;
2. every S3 object version and delete marker under ``users/<user_id>/``: DeleteObjects, 1,000 a call;
3. the Cognito user (contact information and consent record);
4. proof: each store is read back — no item under the user's partition key, no object version or
   delete marker under ``users/<user_id>/``, no Cognito user — and anything left raises
   :class:`ErasureIncomplete` (the workflow retries the task, which deletes again);
5. only then the deletion record becomes a receipt without personal data.

Every step is idempotent and the only progress marker is the record itself, so a crash after any
AWS call leaves a state from which running it again finishes the job (the test injects a failure
at every call index of a small account). Never a Scan: cost follows this user's data only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.core.clock import utcnow
from shared.core.dynamodb import batch_delete, error_code, in_pages, key, partition_holds_items, query_partition
from shared.core.errors import NotFound
from shared.core.layout import (
    IMPORT_PREFIX,
    IMPORT_REF_SK,
    OAUTH_STATE_SK,
    import_ref_pk,
    item_kind,
    oauth_state_pk,
    user_pk,
    user_prefix,
)
from shared.core.object_store import ObjectStore
from shared.erasure.repository import DeletionRepository
from shared.privacy import get_logger

logger = get_logger()


class ErasureIncomplete(Exception):
    """A store still holds the account's data after erasure deleted it: no receipt is written,
    and the workflow retries the task. The message names the stores, never the data."""

    def __init__(self, stores: list[str]) -> None:
        super().__init__("still holding the account's data: " + ", ".join(stores))
        self.stores = stores


@dataclass
class ErasureStores:
    """Every store erasure must visit; tests pass clients that fail at a chosen call."""

    dynamodb: Any
    table: str
    uploads: ObjectStore
    cognito: Any
    user_pool_id: str
    deletions: DeletionRepository


def _inventory(stores: ErasureStores, user_id: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for item in query_partition(stores.dynamodb, stores.table, user_pk(user_id), "pk, sk, lat, oauth_state"):
        counts[item_kind(item["sk"]["S"])] += 1
        if "lat" in item:
            counts["locations"] += 1
    counts["stored_objects"] = stores.uploads.count_everything_under(user_prefix(user_id))
    return dict(counts)


def erase_account(stores: ErasureStores, deletion_id: str, now: datetime | None = None) -> bool:
    """Erase everything of the account behind ``deletion_id``; True once the receipt is final.

    AWS calls for an account of I items and O stored objects: 1 GetItem + inventory (Query pages
    + ListObjectVersions pages + 1 UpdateItem) + Query pages + ceil(I/25) BatchWriteItem +
    ceil(O/1000) ListObjectVersions (at least one) + ceil(O/1000) DeleteObjects + sweep Query
    pages + 1 AdminDeleteUser + the proof (1 Query, 1 ListObjectVersions, 1 AdminGetUser) +
    1 UpdateItem.
    """
    record = stores.deletions.get(deletion_id)
    if record is None:
        raise NotFound("No such deletion.", "deletion_not_found")
    if record["status"] == "completed":
        return True
    user_id = record["user_id"]
    if "counts" not in record:
        stores.deletions.record_inventory(deletion_id, _inventory(stores, user_id))

    _delete_partition(stores, user_id)
    stores.uploads.delete_everything_under(user_prefix(user_id))
    # Once more: an import chunk that was writing when erasure began (it checks the revocation
    # marker before writing, so only one already past that check can land) is caught here.
    _delete_partition(stores, user_id)
    try:
        stores.cognito.admin_delete_user(UserPoolId=stores.user_pool_id, Username=user_id)
    except ClientError as exc:
        if error_code(exc) != "UserNotFoundException":
            raise
    left = _stores_still_holding(stores, user_id)
    if left:
        logger.warning("erasure incomplete", extra={"deletion_id": deletion_id, "stores": left})
        raise ErasureIncomplete(left)
    stores.deletions.complete(deletion_id, now or utcnow())
    logger.info("account erased", extra={"deletion_id": deletion_id})
    return True


def is_import_job(item: dict[str, Any]) -> bool:
    return str(item["sk"]["S"]).startswith(IMPORT_PREFIX)


def _delete_partition(stores: ErasureStores, user_id: str) -> None:
    """Every item of the user's partition, and what its import jobs point to outside it: the
    OAuth states (keyed by the state's hash) and the workflows' references (by the import id)."""
    items = query_partition(stores.dynamodb, stores.table, user_pk(user_id), "pk, sk, oauth_state")
    for page in in_pages(items, 1000):
        doomed = [{"pk": item["pk"], "sk": item["sk"]} for item in page]
        doomed += [
            {"pk": {"S": oauth_state_pk(item["oauth_state"]["S"])}, "sk": {"S": OAUTH_STATE_SK}}
            for item in page
            if "oauth_state" in item
        ]
        doomed += [
            key(import_ref_pk(item["sk"]["S"].removeprefix(IMPORT_PREFIX)), IMPORT_REF_SK)
            for item in page
            if is_import_job(item)
        ]
        batch_delete(stores.dynamodb, stores.table, doomed)


def _stores_still_holding(stores: ErasureStores, user_id: str) -> list[str]:
    """Each store read back after the deletions: the names of those still holding anything."""
    left = []
    if partition_holds_items(stores.dynamodb, stores.table, user_pk(user_id)):
        left.append("dynamodb")
    if stores.uploads.holds_anything_under(user_prefix(user_id)):
        left.append("s3")
    try:
        stores.cognito.admin_get_user(UserPoolId=stores.user_pool_id, Username=user_id)
        left.append("cognito")
    except ClientError as exc:
        if error_code(exc) != "UserNotFoundException":
            raise
    return left
