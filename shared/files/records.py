"""A file record as the API shows it, and the link that downloads it.

Apart from ``logic`` so that the export and delta sync, which show files but never take an
upload, do not load the upload checks (filetype, the preferences' consent).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.core import ids
from shared.core.layout import file_object_key
from shared.core.object_store import ObjectStore
from shared.files.output import FileInfo
from shared.files.status import FileStatus

DOWNLOAD_EXPIRES_S = 300


def to_file_info(item: dict[str, Any]) -> FileInfo:
    lead_id, own_id = item["sk"].split("#")[1:3]
    return FileInfo(
        file_id=ids.child_id(lead_id, own_id),
        lead_id=lead_id,
        filename=item["filename"],
        content_type=item["content_type"],
        size=int(item["size"]),
        status=FileStatus(item["status"]),
        rejection=item.get("rejection"),
        created_at=datetime.fromisoformat(item["created_at"]),
    )


def download_url(store: ObjectStore, user_id: str, record: dict[str, Any]) -> str:
    """A short-lived link to the verified version of a ready file (the current version only for
    a file completed before versions were recorded)."""
    lead_id, own_id = record["sk"].split("#")[1:3]
    return store.download_url(file_object_key(user_id, lead_id, own_id), DOWNLOAD_EXPIRES_S, record.get("version_id"))
