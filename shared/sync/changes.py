"""What every writer records so that another device can learn of its change (``GET /v1/sync``).

Each synced item (lead, activity, file record, device, preferences) carries ``changed_ms``: the
writer's clock, in epoch milliseconds, taken immediately before the write request. The local
secondary index ``by_change`` (pk, changed_ms) then lists a user's changes in order of that stamp,
strongly consistent, with a Query whose cost follows the changes and not the account.

A deletion leaves a tombstone in the same partition — ``sk = TOMB#<kind>#<id>`` with the kind,
the id, when it was deleted, its own ``changed_ms``, and nothing else — written together with the
deletion (one transaction for one item; in the same batches for a cascade). Tombstones expire
after ``TOMBSTONE_DAYS`` (TTL); a checkpoint older than ``CHECKPOINT_MAX_AGE_DAYS`` is refused
(410), so a device that comes back later starts again from scratch instead of missing deletions.
Account erasure deletes tombstones with everything else of the partition.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from shared import resources
from shared.core.clock import utcnow
from shared.core.layout import TOMBSTONE_PREFIX, user_pk

CHANGE_ATTR = "changed_ms"
Kind = Literal["lead", "activity", "file", "device", "preferences"]
KINDS: tuple[Kind, ...] = ("lead", "activity", "file", "device", "preferences")
TOMBSTONE_DAYS = 35
# Younger than the tombstones by five days: a tombstone still due to DynamoDB's lazy TTL
# deletion is harmless, one deleted before a device asked for it would be a silent gap.
CHECKPOINT_MAX_AGE_DAYS = 30


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def change_stamp(now: datetime | None = None) -> int:
    """The stamp a write carries: taken right before its request is sent."""
    return epoch_ms(now or utcnow())


def tombstone_sk(kind: Kind, item_id: str) -> str:
    return f"{TOMBSTONE_PREFIX}{kind}#{item_id}"


def tombstone_item(user_id: str, kind: Kind, item_id: str, now: datetime | None = None) -> dict[str, Any]:
    """A deletion as other devices learn of it: ids and times only (plain values)."""
    now = now or utcnow()
    return {
        "pk": user_pk(user_id),
        "sk": tombstone_sk(kind, item_id),
        "kind": kind,
        "item_id": item_id,
        "deleted_at": now.isoformat(),
        CHANGE_ATTR: epoch_ms(now),
        resources.TABLE.ttl_attribute: int((now + timedelta(days=TOMBSTONE_DAYS)).timestamp()),
    }
