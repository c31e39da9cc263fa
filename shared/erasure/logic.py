"""Account termination: "request the deletion of Your Data and Service account".

:func:`schedule_erasure` runs inside ``DELETE /v1/me``: after re-checking the password it records
the deletion and revokes the account at once (a marker every API call checks, the Cognito user
disabled and signed out everywhere), then starts the erasure workflow. :func:`erase_account` is
the workflow's work: a planned traversal of every store that holds the user's data —

1. the user's DynamoDB partition (profile-side items, preferences, devices, leads, activities
   with their locations, file records, imports): Query + BatchWriteItem, 25 keys a call;
2. every S3 object version and delete marker under ``users/<user_id>/``: DeleteObjects, 1,000 a call;
3. the Cognito user (contact information and consent record);
4. finally the deletion record becomes a receipt without personal data.

Every step is idempotent and the only progress marker is the record itself, so a crash after any
AWS call leaves a state from which running it again finishes the job (the test injects a failure
at every call index of a small account). Never a Scan: cost follows this user's data only.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from shared import resources
from shared.accounts.cognito import Accounts
from shared.accounts.models import DeletionScheduled, DeletionStatus, Tokens
from shared.core import table as keys
from shared.core.dynamodb import batch_delete, query_partition
from shared.core.errors import NotFound, Unauthenticated
from shared.core.object_store import ObjectStore
from shared.erasure.repository import AlreadyScheduled, DeletionRepository
from shared.privacy import get_logger

logger = get_logger()

# What each kind of item is called in a receipt, by sort-key prefix.
ITEM_KINDS = (
    (keys.LEAD_PREFIX, "leads"),
    (keys.ACTIVITY_PREFIX, "activities"),
    (keys.FILE_PREFIX, "file_records"),
    (keys.DEVICE_PREFIX, "devices"),
    (keys.PREFS_SK, "preferences"),
    ("IMPORTTOKEN#", "import_tokens"),
    ("IMPORT#", "imports"),
)


def _kind(sk: str) -> str:
    return next((kind for prefix, kind in ITEM_KINDS if sk.startswith(prefix)), "other_items")


@dataclass
class ErasureStores:
    """Every store erasure must visit; tests pass clients that fail at a chosen call."""

    dynamodb: Any
    table: str
    uploads: ObjectStore
    cognito: Any
    user_pool_id: str
    deletions: DeletionRepository


def new_deletion_id() -> str:
    return secrets.token_urlsafe(24)


def schedule_erasure(
    accounts: Accounts,
    deletions: DeletionRepository,
    hash_user: Callable[[str], str],
    start_workflow: Callable[[str], None],
    user_id: str,
    password: str,
    now: datetime | None = None,
) -> DeletionScheduled:
    """Re-authenticate, revoke, and start erasure. From the moment this returns the account can
    neither log in nor call the API."""
    now = now or datetime.now(UTC)
    accounts.verify_password(user_id, password)
    deletion_id = new_deletion_id()
    try:
        deletions.schedule(deletion_id, user_id, hash_user(user_id), now)
    except AlreadyScheduled:
        raise Unauthenticated("This account is being deleted.", "account_deleted") from None
    accounts.disable(user_id)
    try:
        start_workflow(deletion_id)
    except ClientError as exc:
        # The account is already revoked; the daily retention job restarts erasures not completed.
        logger.warning("erasure workflow not started", extra={"error_code": exc.response["Error"]["Code"]})
    logger.info("account deletion scheduled", extra={"deletion_id": deletion_id})
    return DeletionScheduled(deletion_id=deletion_id, status="scheduled")


def refuse_tokens_of_deleted_accounts(deletions: DeletionRepository, tokens: Tokens) -> Tokens:
    """Login and refresh must not hand out tokens for an account being deleted, whatever the
    identity provider still allows (a refresh token issued before the deletion, for instance).
    The id token comes straight from Cognito over TLS; only its subject is read here."""
    payload = tokens.id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if deletions.is_revoked(str(claims["sub"]), datetime.now(UTC)):
        raise Unauthenticated("This account has been deleted.", "account_deleted")
    return tokens


def _inventory(stores: ErasureStores, user_id: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for item in query_partition(stores.dynamodb, stores.table, keys.user_pk(user_id), "pk, sk, lat, oauth_state"):
        counts[_kind(item["sk"]["S"])] += 1
        if "lat" in item:
            counts["locations"] += 1
    counts["stored_objects"] = stores.uploads.count_everything_under(keys.user_prefix(user_id))
    return dict(counts)


def erase_account(stores: ErasureStores, deletion_id: str, now: datetime | None = None) -> bool:
    """Erase everything of the account behind ``deletion_id``; True once the receipt is final.

    AWS calls for an account of I items and O stored objects: 1 GetItem + inventory (Query pages
    + ListObjectVersions pages + 1 UpdateItem) + Query pages + ceil(I/25) BatchWriteItem +
    ListObjectVersions pages + ceil(O/1000) DeleteObjects + sweep Query pages + 1 AdminDeleteUser
    + 1 UpdateItem.
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
    stores.uploads.delete_everything_under(keys.user_prefix(user_id))
    # Once more: an import chunk that was writing when erasure began (it checks the revocation
    # marker before writing, so only one already past that check can land) is caught here.
    _delete_partition(stores, user_id)
    try:
        stores.cognito.admin_delete_user(UserPoolId=stores.user_pool_id, Username=user_id)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "UserNotFoundException":
            raise
    stores.deletions.complete(deletion_id, now or datetime.now(UTC))
    logger.info("account erased", extra={"deletion_id": deletion_id})
    return True


def _delete_partition(stores: ErasureStores, user_id: str) -> None:
    """Every item of the user's partition, and the OAuth states its import jobs point to (they
    live outside the partition, keyed by the state's hash)."""
    items = query_partition(stores.dynamodb, stores.table, keys.user_pk(user_id), "pk, sk, oauth_state")
    for page in _pages(items, 1000):
        doomed = [{"pk": item["pk"], "sk": item["sk"]} for item in page]
        doomed += [
            {"pk": {"S": keys.oauth_state_pk(item["oauth_state"]["S"])}, "sk": {"S": keys.OAUTH_STATE_SK}}
            for item in page
            if "oauth_state" in item
        ]
        batch_delete(stores.dynamodb, stores.table, doomed)


def _pages(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    page: list[dict[str, Any]] = []
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def deletion_status(deletions: DeletionRepository, deletion_id: str, now: datetime | None = None) -> DeletionStatus:
    """What ``GET /v1/deletions/{id}`` tells: when erasure completed and when backups are gone."""
    record = deletions.get(deletion_id) if 16 <= len(deletion_id) <= 64 else None
    now = now or datetime.now(UTC)
    if record is None or ("expires_at" in record and int(record["expires_at"]) <= now.timestamp()):
        raise NotFound("No such deletion.", "deletion_not_found")
    completed = datetime.fromisoformat(record["completed_at"]) if "completed_at" in record else None
    return DeletionStatus(
        deletion_id=deletion_id,
        status="completed" if completed else "in_progress",
        requested_at=datetime.fromisoformat(record["requested_at"]),
        completed_at=completed,
        backups_expire_by=completed + timedelta(days=resources.BACKUP_RETENTION_DAYS) if completed else None,
        counts={k: int(v) for k, v in (record.get("counts") or {}).items()},
    )
