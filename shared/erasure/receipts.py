"""``GET /v1/deletions/{id}``: the receipt a person keeps after their account is gone."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared import resources
from shared.core.clock import utcnow
from shared.core.errors import NotFound
from shared.erasure.models import DeletionStatus
from shared.erasure.repository import DeletionRepository


def deletion_status(deletions: DeletionRepository, deletion_id: str, now: datetime | None = None) -> DeletionStatus:
    """When erasure completed, and when the encrypted backups that may still hold it are gone."""
    record = deletions.get(deletion_id) if 16 <= len(deletion_id) <= 64 else None
    now = now or utcnow()
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
