"""Delta sync: everything of the caller that changed after a checkpoint, page by page.

Ordering guarantee (README "Delta sync"): every write is stamped with its writer's clock right
before its request (``changed_ms``); a pull lists changes by stamp from a strongly consistent
index, and the next pull starts ``OVERLAP`` before the moment the previous one began. A write
that commits while a pull runs was stamped at most ``OVERLAP`` earlier than the pull saw — its
request was on its way (the longest: an import batch retried with backoff, about 100 s) or its
Lambda's clock ran behind (Time Sync keeps them within milliseconds) — so it falls inside the
next pull's window. Pulls therefore overlap, and a record can arrive twice with the same
version; they never leave a gap. Batch writers follow the same rule without any per-user
counter, so the Sheets import stays as fast as its writes.

Cost: one Query per page of at most ``limit`` changes, whatever the account's size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.activities.records import to_activity
from shared.core import cursors
from shared.core.clock import utcnow
from shared.core.dynamodb import from_item
from shared.core.errors import DomainError
from shared.core.layout import (
    ACTIVITY_PREFIX,
    DEVICE_PREFIX,
    FILE_PREFIX,
    LEAD_PREFIX,
    PREFS_SK,
    TOMBSTONE_PREFIX,
)
from shared.files.records import to_file_info
from shared.leads.records import to_model as to_lead
from shared.leads.repository import to_lead_record
from shared.preferences.records import preferences_from_item, to_device
from shared.preferences.repository import from_stored
from shared.sync.changes import CHANGE_ATTR, CHECKPOINT_MAX_AGE_DAYS, epoch_ms
from shared.sync.models import SyncChanges, SyncPage, Tombstone
from shared.sync.repository import ChangePage

# How far back each pull re-reads: longer than any write's way from its stamp to its commit.
OVERLAP = timedelta(minutes=5)
_CHECKPOINT_PREFIX = "s1:"
_KINDS = {"lead": "leads", "activity": "activities", "file": "files", "device": "devices"}


class CheckpointExpired(DomainError):
    status = 410
    code = "checkpoint_expired"
    message = "The checkpoint is older than the deletions kept for it; sync again from scratch (no since)."


class ChangeReader(Protocol):
    def changes(self, user_id: str, after_ms: int, start: dict[str, Any] | None, limit: int) -> ChangePage: ...


@dataclass(frozen=True)
class Checkpoint:
    """Changes after ``after_ms``; while a pull pages, also where it stands (``sk``, ``stamp``:
    the last item read) and when it began (``began_ms``)."""

    after_ms: int
    began_ms: int | None = None
    sk: str | None = None
    stamp: int | None = None

    def encode(self) -> str:
        fields = {"a": self.after_ms, "b": self.began_ms, "k": self.sk, "s": self.stamp}
        return cursors.encode(_CHECKPOINT_PREFIX, json.dumps({k: v for k, v in fields.items() if v is not None}))

    @classmethod
    def decode(cls, token: str) -> Checkpoint:
        """Only positions inside the caller's own partition: the partition key is never read from it."""
        fields = json.loads(cursors.decode(_CHECKPOINT_PREFIX, token, _well_formed))
        return cls(fields["a"], fields.get("b"), fields.get("k"), fields.get("s"))


def _well_formed(text: str) -> bool:
    try:
        fields = json.loads(text)
    except ValueError:
        return False
    if not isinstance(fields, dict) or set(fields) - {"a", "b", "k", "s"} or "a" not in fields:
        return False
    numbers_ok = all(type(fields.get(name, 0)) is int and fields.get(name, 0) >= 0 for name in ("a", "b", "s"))
    key_ok = (
        ("k" in fields) == ("s" in fields) and isinstance(fields.get("k", ""), str) and len(fields.get("k", "")) <= 300
    )
    return numbers_ok and key_ok


def pull(changes: ChangeReader, user_id: str, since: str | None, limit: int, now: datetime | None = None) -> SyncPage:
    """One page of the caller's changes after ``since`` (a checkpoint); without it, the whole
    account (as changes from the beginning, deletions left out)."""
    now = now or utcnow()
    checkpoint = Checkpoint.decode(since) if since else Checkpoint(after_ms=0)
    snapshot = checkpoint.after_ms == 0  # the whole account, page by page: deletions left out
    if not snapshot and checkpoint.after_ms < epoch_ms(now - timedelta(days=CHECKPOINT_MAX_AGE_DAYS)):
        raise CheckpointExpired()
    began_ms = checkpoint.began_ms if checkpoint.began_ms is not None else epoch_ms(now)
    start = None
    if checkpoint.sk is not None and checkpoint.stamp is not None:
        from shared.core.layout import user_pk

        start = {"pk": {"S": user_pk(user_id)}, "sk": {"S": checkpoint.sk}, CHANGE_ATTR: {"N": str(checkpoint.stamp)}}
    page = changes.changes(user_id, checkpoint.after_ms, start, limit)
    result = SyncChanges()
    for raw in page.items:
        _sort(result, raw, checkpoint.after_ms, snapshot=snapshot)
    if page.last_key:
        following = Checkpoint(
            checkpoint.after_ms, began_ms, page.last_key["sk"]["S"], int(page.last_key[CHANGE_ATTR]["N"])
        )
    else:
        following = Checkpoint(after_ms=max(0, began_ms - int(OVERLAP.total_seconds() * 1000)))
    return SyncPage(changes=result, checkpoint=following.encode(), has_more=bool(page.last_key), timestamp=now)


def _sort(result: SyncChanges, raw: dict[str, Any], after_ms: int, *, snapshot: bool) -> None:
    """File one changed item (or tombstone) under its kind, as created or updated."""
    item = from_item(raw)
    sk: str = item["sk"]

    def is_new(created: str) -> bool:
        return snapshot or epoch_ms(datetime.fromisoformat(created)) > after_ms

    if sk.startswith(TOMBSTONE_PREFIX):
        if not snapshot:  # a first sync has nothing to delete
            kind = str(item["kind"])
            tombstone = Tombstone(
                kind=kind, id=str(item["item_id"]), deleted_at=datetime.fromisoformat(item["deleted_at"])
            )
            getattr(result, _KINDS[kind]).deleted.append(tombstone)
    elif sk.startswith(LEAD_PREFIX):
        lead = to_lead(to_lead_record(raw))
        (result.leads.created if is_new(item["created_at"]) else result.leads.updated).append(lead)
    elif sk.startswith(ACTIVITY_PREFIX):
        activity = to_activity(item)
        (result.activities.created if is_new(item["created_at"]) else result.activities.updated).append(activity)
    elif sk.startswith(FILE_PREFIX):
        info = to_file_info(item)
        (result.files.created if is_new(item["created_at"]) else result.files.updated).append(info)
    elif sk.startswith(DEVICE_PREFIX):
        device = to_device(item)
        (result.devices.created if is_new(item["first_seen"]) else result.devices.updated).append(device)
    elif sk == PREFS_SK:
        preferences = preferences_from_item(from_stored(item))
        (result.preferences.created if snapshot else result.preferences.updated).append(preferences)
