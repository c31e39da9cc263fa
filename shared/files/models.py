"""Files on leads: the announcement of one upload, its presigned form, and what is stored."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.core.models import Output, StrictInput, Timestamp
from shared.core.text import ControlCharacters
from shared.files.status import FileStatus

ALLOWED_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic")
MAX_FILE_BYTES = 20 * 1024 * 1024
# No path separators either: a file name is one name, never a path.
FileName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    ControlCharacters(also_refused=r"/\\"),
]


class FileUploadRequest(StrictInput):
    filename: FileName
    content_type: Literal["application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic"]
    size: int = Field(ge=1, le=MAX_FILE_BYTES, description=f"Exact size in bytes, ≤ {MAX_FILE_BYTES}")


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
