"""Files as responses show them: the upload's presigned form and what is stored (the files API's,
the export's and the delta sync's).

Apart from the request model (``models.py``) so that the export and the sync, which show files but
never take an upload in, do not build it.
"""

from __future__ import annotations

from pydantic import Field

from shared.core.models import Output, Timestamp
from shared.files.status import FileStatus


class UploadForm(Output):
    url: str
    fields: dict[str, str]
    expires_in: int


class FileUpload(Output):
    file_id: str
    upload: UploadForm = Field(description="POST the file as multipart/form-data: these fields, then `file`")


class FileInfo(Output):
    file_id: str
    lead_id: str
    filename: str
    content_type: str
    size: int
    status: FileStatus
    rejection: str | None = None
    created_at: Timestamp
    download_url: str | None = Field(default=None, description="Short-lived link; only on GET /v1/files/{file_id}")
    download_expires_in: int | None = None


class FileList(Output):
    items: list[FileInfo]
