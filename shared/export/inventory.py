"""``GET /v1/me/inventory``: what is held about the caller, by kind, with counts and no values.

One strongly consistent Query walks the caller's partition (the same one export and erasure
walk), reading only the few attributes that sort an item into its kind — never a name, a phone,
a note or a coordinate — so the answer costs ceil(partition size / 1 MB) Queries and stays a
few hundred bytes whatever the account's size. Items past their TTL that DynamoDB has not yet
removed are not counted (they are no longer served anywhere). Contact information and consent
live in Cognito: ``GET /v1/me``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from shared import resources
from shared.core.clock import utcnow
from shared.core.dynamodb import deser, query, ser
from shared.core.layout import item_kind, user_pk
from shared.export.models import (
    ActivityCounts,
    FileCounts,
    ImportCounts,
    Inventory,
    RetentionPromises,
    TechnicalCounts,
)
from shared.sync.changes import TOMBSTONE_DAYS

# sk and the attributes that say what an item is; names, since source, status and size are
# DynamoDB reserved words.
_PROJECTION = "sk, #source, lat, #status, #size, expires_at"
_NAMES = {"#source": "source", "#status": "status", "#size": "size"}


def retention_promises() -> RetentionPromises:
    deleted_files = min(
        rule.noncurrent_expiration_days
        for rule in resources.UPLOADS_BUCKET.lifecycle
        if rule.noncurrent_expiration_days is not None
    )
    return RetentionPromises(
        backups_days=resources.BACKUP_RETENTION_DAYS,
        logs_days=resources.LOG_RETENTION_DAYS,
        deleted_files_days=deleted_files,
        sync_tombstones_days=TOMBSTONE_DAYS,
        deletion_receipt_days=resources.RECEIPT_RETENTION_DAYS,
    )


def take_inventory(client: Any, table: str, user_id: str, now: datetime | None = None) -> Inventory:
    now = now or utcnow()
    kinds: Counter[str] = Counter()
    activities = ActivityCounts()
    files = FileCounts()
    imports: Counter[str] = Counter()
    items = query(
        client,
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": ser(user_pk(user_id))},
        ProjectionExpression=_PROJECTION,
        ExpressionAttributeNames=_NAMES,
        ConsistentRead=True,
    )
    for raw in items:
        item = {name: deser(value) for name, value in raw.items()}
        if "expires_at" in item and int(item["expires_at"]) <= now.timestamp():
            continue
        kind = item_kind(item["sk"])
        kinds[kind] += 1
        if kind == "activities":
            _count_activity(activities, item)
        elif kind == "file_records":
            _count_file(files, item)
        elif kind == "imports":
            imports[str(item.get("status", "unknown"))] += 1
    known = {"leads", "activities", "file_records", "devices", "preferences", "imports"}
    technical = {"tombstones", "idempotency_records", "import_tokens", "contacts", "import_leases", "limit_counters"}
    return Inventory(
        leads=kinds["leads"],
        activities=activities,
        files=files,
        devices=kinds["devices"],
        imports=ImportCounts(total=kinds["imports"], by_status=dict(sorted(imports.items()))),
        preferences_saved=kinds["preferences"] > 0,
        technical=TechnicalCounts(
            sync_tombstones=kinds["tombstones"],
            idempotency_records=kinds["idempotency_records"],
            import_tokens=kinds["import_tokens"],
            contact_index=kinds["contacts"],
            import_leases=kinds["import_leases"],
            limit_counters=kinds["limit_counters"],
            other=sum(n for kind, n in kinds.items() if kind not in known | technical),
        ),
        retention=retention_promises(),
        counted_at=now,
    )


def _count_activity(counts: ActivityCounts, item: dict[str, Any]) -> None:
    counts.total += 1
    source = item.get("source")
    if source == "call_log":
        counts.from_call_logs += 1
    elif source == "sms_log":
        counts.from_sms_logs += 1
    elif source == "check_in":
        counts.check_ins += 1
    else:
        counts.manual += 1
    if "lat" in item:
        counts.check_ins_with_location += 1


def _count_file(counts: FileCounts, item: dict[str, Any]) -> None:
    counts.total += 1
    status = item.get("status")
    if status == "ready":
        counts.stored += 1
        counts.stored_bytes += int(item.get("size", 0))
    elif status == "pending":
        counts.pending += 1
    elif status == "rejected":
        counts.rejected += 1
