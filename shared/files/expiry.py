"""What the daily retention job does to a file on the expiry index (``shared/files/logic.py``
explains why a ready file is there too).

Apart from ``logic`` so that the retention job does not load the files' request models, the
preferences and the magic-byte sniffer.
"""

from __future__ import annotations

from shared.core.expiry_index import DUE_ATTRS
from shared.core.layout import file_object_key
from shared.core.object_store import ObjectStore
from shared.files.status import FileStatus
from shared.leads.children import ChildRepository


def settle_due_file(
    records: ChildRepository, store: ObjectStore, user_id: str, lead_id: str, own_id: str
) -> str | None:
    """The retention job's work on a file on the expiry index: ``"uploads_expired"`` when an
    upload was never completed within a day, ``"ready_files_swept"`` when a ready file's forms
    have all expired (whatever they posted after completion is deleted), None if nothing was due
    (the file is gone, or changed meanwhile)."""
    record = records.get(user_id, lead_id, own_id)
    if record is None:
        return None
    if record["status"] == FileStatus.PENDING.value:
        return "uploads_expired" if expire_pending_upload(records, store, user_id, lead_id, own_id) else None
    if record["status"] == FileStatus.READY.value and record.get("version_id"):
        store.delete_other_versions(file_object_key(user_id, lead_id, own_id), record["version_id"])
        swept = records.update(
            user_id,
            lead_id,
            own_id,
            {"status": FileStatus.READY.value},  # unchanged; names #status for the condition
            "#status = :ready AND version_id = :version",
            {":ready": FileStatus.READY.value, ":version": record["version_id"]},
            remove=DUE_ATTRS,
        )
        return "ready_files_swept" if swept else None
    return None


def expire_pending_upload(
    records: ChildRepository, store: ObjectStore, user_id: str, lead_id: str, own_id: str
) -> bool:
    """An upload never completed within a day: whatever reached S3 is deleted (every version)
    and the file is marked rejected. False if it was completed meanwhile."""
    store.delete_everything_under(file_object_key(user_id, lead_id, own_id))
    return records.update(
        user_id,
        lead_id,
        own_id,
        {"status": FileStatus.REJECTED.value, "rejection": "upload_expired"},
        "#status = :pending",
        {":pending": FileStatus.PENDING.value},
        remove=DUE_ATTRS,
    )
