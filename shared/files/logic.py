"""Files on leads (invoices, PDFs, images): "We only upload files explicitly provided by users".

The client asks for an upload form for ONE file it names; the form lets S3 accept only that key,
type and exact size. S3's own check of those conditions is not trusted alone: :func:`verify_upload`
reads the stored object back — size, declared type and the file's magic bytes — and deletes every
version of anything that does not match.

**What was verified is what is served.** The form stays valid for ``UPLOAD_EXPIRES_S`` after it
was issued, and S3 accepts it again after completion: the same key, type and size with other
bytes. So a file is bound to the object *version* that was checked: completion stores its
VersionId on the file record and deletes every other version of the key (older re-posts and
anything that landed since the check); downloads (``GET /v1/files/{id}``, the export) are signed
for that version only, so a later re-post is never served. Such a re-post would still make the
verified version noncurrent, and the bucket's lifecycle expires noncurrent versions after a day:
completion therefore puts the file on the expiry index for the moment every form has expired,
and the daily retention job (:func:`shared.files.expiry.settle_due_file`) then deletes whatever was
posted since — the verified version is current again long before the lifecycle could take it.
(Chosen over copying verified bytes to a key no form can write: no copy, one key per file, and
deletion and erasure stay prefix-based.)

File names are personal data: kept in the file record only, never in S3 keys, URLs or logs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import filetype

from shared.core import ids, ulids
from shared.core.clock import utcnow
from shared.core.errors import Conflict, NotFound
from shared.core.expiry_index import DUE_ATTRS, due_attrs
from shared.core.layout import file_object_key
from shared.core.object_store import ObjectStore
from shared.files.models import FileUploadRequest
from shared.files.output import FileInfo, FileList, FileUpload, UploadForm
from shared.files.records import DOWNLOAD_EXPIRES_S, download_url, to_file_info
from shared.files.status import FileStatus
from shared.leads.children import ChildRepository, LeadMissing
from shared.leads.repository import LeadRepository
from shared.preferences.consent import enforce_file_upload_consent
from shared.preferences.records import load_preferences
from shared.preferences.repository import PreferencesRepository
from shared.privacy import get_logger

logger = get_logger()

UPLOAD_EXPIRES_S = 600
PENDING_UPLOAD_LIFETIME = timedelta(hours=24)
# Forms are issued only while a file is pending, so every form has expired this long after
# completion (a minute of slack for the clocks of the functions that signed them).
FORMS_EXPIRED_AFTER_COMPLETION = timedelta(seconds=UPLOAD_EXPIRES_S + 60)

# What the magic bytes must say for each accepted content type (filetype's MIME names).
_SNIFFED_AS = {
    "application/pdf": {"application/pdf"},
    "image/jpeg": {"image/jpeg"},
    "image/png": {"image/png"},
    "image/webp": {"image/webp"},
    "image/heic": {"image/heic", "image/heif"},
}


def _file_not_found() -> NotFound:
    return NotFound("No such file.", "file_not_found")


def request_upload(
    records: ChildRepository,
    preferences: PreferencesRepository,
    store: ObjectStore,
    user_id: str,
    lead_id: str,
    body: FileUploadRequest,
) -> FileUpload:
    enforce_file_upload_consent(load_preferences(preferences, user_id))
    if not ids.is_id(lead_id):
        raise NotFound("No such lead.", "lead_not_found")
    own_id = ulids.new_id()
    now = utcnow()
    item = {
        "filename": body.filename,
        "content_type": body.content_type,
        "size": body.size,
        "status": FileStatus.PENDING.value,
        "created_at": now.isoformat(),
    } | due_attrs(now + PENDING_UPLOAD_LIFETIME)  # never completed → removed by the retention job
    try:
        records.create(user_id, lead_id, own_id, item)
    except LeadMissing:
        raise NotFound("No such lead.", "lead_not_found") from None
    logger.info("upload requested", extra={"content_type": body.content_type, "size_bytes": body.size})
    return _upload(store, user_id, lead_id, own_id, body.content_type, body.size)


def _upload(store: ObjectStore, user_id: str, lead_id: str, own_id: str, content_type: str, size: int) -> FileUpload:
    """The presigned form for one announced file (signed locally: no AWS call)."""
    form = store.upload_form(file_object_key(user_id, lead_id, own_id), content_type, size, UPLOAD_EXPIRES_S)
    return FileUpload(
        file_id=ids.child_id(lead_id, own_id),
        upload=UploadForm(url=form["url"], fields=form["fields"], expires_in=UPLOAD_EXPIRES_S),
    )


class UploadNoLongerPending(Conflict):
    code = "upload_no_longer_pending"
    message = "This file was completed or rejected already: announce a new file to upload again."


def upload_again(records: ChildRepository, store: ObjectStore, user_id: str, file_id: str) -> FileUpload:
    """A replayed announcement (the same Idempotency-Key): the same file, with a fresh form while
    it is still pending. Forms are short-lived and signed on demand, so none is kept to replay."""
    parts = ids.split_child_id(file_id)
    record = records.get(user_id, *parts) if parts else None
    if parts is None or record is None:
        raise _file_not_found()
    if record["status"] != FileStatus.PENDING.value:
        raise UploadNoLongerPending()
    return _upload(store, user_id, *parts, record["content_type"], int(record["size"]))


def _rejection(record: dict[str, Any], stored: Any) -> str | None:
    """Why the stored object is not the file that was announced, or None if it is."""
    if stored is None:
        return "not_uploaded"
    if stored.size != int(record["size"]):
        return "size_mismatch"
    if stored.content_type.split(";")[0].strip().lower() != record["content_type"]:
        return "content_type_mismatch"
    sniffed = filetype.guess_mime(stored.head)
    if sniffed not in _SNIFFED_AS[record["content_type"]]:
        return "content_does_not_match_type"
    return None


def verify_upload(records: ChildRepository, store: ObjectStore, user_id: str, file_id: str) -> FileInfo:
    """Mark the file ready if the stored object is what was announced, bound to the version that
    was checked (every other version deleted); otherwise delete every version of it and mark the
    file rejected with the reason (a code, never the content)."""
    parts = ids.split_child_id(file_id)
    record = records.get(user_id, *parts) if parts else None
    if parts is None or record is None:
        raise _file_not_found()
    lead_id, own_id = parts
    if record["status"] != FileStatus.PENDING.value:
        return to_file_info(record)  # completing twice answers the same
    key = file_object_key(user_id, lead_id, own_id)
    stored = store.inspect(key)
    reason = _rejection(record, stored)
    remove: tuple[str, ...] = DUE_ATTRS
    if reason is None and stored is not None and stored.version_id is not None:
        store.delete_other_versions(key, stored.version_id)
        # Forms may still post until they expire: the retention job deletes what they leave.
        changes: dict[str, Any] = {"status": FileStatus.READY.value, "version_id": stored.version_id}
        changes |= due_attrs(utcnow() + FORMS_EXPIRED_AFTER_COMPLETION)
        remove = ()
    elif reason is None:
        changes = {"status": FileStatus.READY.value}  # an unversioned bucket: nothing to bind to
    else:
        if reason != "not_uploaded":
            store.delete_everything_under(key)
        changes = {"status": FileStatus.REJECTED.value, "rejection": reason}
    if not records.update(
        user_id, lead_id, own_id, changes, "#status = :pending", {":pending": "pending"}, remove=remove
    ):
        raise Conflict("The file changed while it was being checked; try again.", "file_changed")
    logger.info("upload verified", extra={"accepted": reason is None, "reason": reason})
    if reason == "not_uploaded":
        raise Conflict("Nothing was uploaded for this file yet.", "file_not_uploaded")
    return to_file_info(record | changes)


def list_files(records: ChildRepository, leads: LeadRepository, user_id: str, lead_id: str) -> FileList:
    if not ids.is_id(lead_id):
        raise NotFound("No such lead.", "lead_not_found")
    items, _ = records.page(user_id, lead_id, limit=1000, after=None, newest_first=True)
    if not items and leads.get(user_id, lead_id) is None:
        raise NotFound("No such lead.", "lead_not_found")
    return FileList(items=[to_file_info(item) for item in items])


def get_file(records: ChildRepository, store: ObjectStore, user_id: str, file_id: str) -> FileInfo:
    parts = ids.split_child_id(file_id)
    record = records.get(user_id, *parts) if parts else None
    if parts is None or record is None:
        raise _file_not_found()
    info = to_file_info(record)
    if info.status is FileStatus.READY:
        info.download_url = download_url(store, user_id, record)
        info.download_expires_in = DOWNLOAD_EXPIRES_S
    return info


def delete_file(records: ChildRepository, store: ObjectStore, user_id: str, file_id: str) -> None:
    """Every stored version first, then the record: a failure in between leaves a record the user
    can delete again, never an object nobody can see."""
    parts = ids.split_child_id(file_id)
    if parts is None or records.get(user_id, *parts) is None:
        raise _file_not_found()
    store.delete_everything_under(file_object_key(user_id, *parts))
    records.delete(user_id, *parts)
    logger.info("file deleted")
